"""Each language's own formatter, run over generated files in a scratch directory with the
repository's settings (ruff.toml, biome.json, .editorconfig, .swift-format, rustfmt.toml), so
the templates leave line breaking to them and the files they write are what `make fmt` keeps.

`Formatters` holds where each tool is; `Formatters.defaults(root)` names the ones the style
checks use. A caller with its own copies (a task program's tools venv) passes them instead."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class FormatterError(RuntimeError):
    """A formatter is missing or refused a generated file (a template wrote code it cannot parse)."""


@dataclass(frozen=True)
class Formatters:
    """How to run each formatter: `root` is the repository (its settings files); each tool a
    command prefix."""

    root: Path
    ruff: Sequence[str]
    biome: Sequence[str]
    ktlint: Sequence[str]
    swift_toolchain: Sequence[str]
    rustfmt: Sequence[str]

    @classmethod
    def defaults(cls, root: Path) -> Formatters:
        """The tools where the repository installs them: ruff in the tools venv
        (tools/requirements.txt), biome under target/style/node, ktlint's jar in Maven's local
        repository, Swift (native or the Debian chroot) through bindings-swift/toolchain.sh,
        rustfmt on PATH or in ~/.cargo/bin."""
        home = Path.home()
        ktlint = home / ".m2/repository/com/pinterest/ktlint/ktlint-cli/1.5.0/ktlint-cli-1.5.0-all.jar"
        return cls(
            root=root,
            ruff=[str(root / "target/tools/venv/bin/ruff")],
            biome=[str(root / "target/style/node/node_modules/.bin/biome")],
            # A short run: the JIT's first tier and one GC thread start faster (about 40% less CPU).
            ktlint=["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", str(ktlint)],
            swift_toolchain=[str(root / "bindings-swift/toolchain.sh")],
            rustfmt=[shutil.which("rustfmt") or str(home / ".cargo/bin/rustfmt")],
        )

    def format(self, language: str, files: list[Path]) -> None:
        """Formats `files` (absolute paths) with `language`'s formatter, in place."""
        if files:
            getattr(self, language)(files)

    def python(self, files: list[Path]) -> None:
        config = ["--config", str(self.root / "ruff.toml")]
        # Imports in isort's order (ruff's `I` rules), then the formatter.
        self._run([*self.ruff, "check", "--quiet", "--fix", "--select", "I", *config, *map(str, files)])
        self._run([*self.ruff, "format", "--quiet", *config, *map(str, files)])

    def typescript(self, files: list[Path]) -> None:
        self._run(
            [*self.biome, "format", "--write", "--log-level=error", f"--config-path={self.root / 'biome.json'}", *map(str, files)]
        )

    def kotlin(self, files: list[Path]) -> None:
        self._run(
            [*self.ktlint, "--format", "--log-level=error", f"--editorconfig={self.root / '.editorconfig'}", *map(str, files)]
        )

    def swift(self, files: list[Path]) -> None:
        """swift-format where Swift is: the toolchain runs a command in a copy of a package
        directory (in the chroot, if there is no native Swift), so the files go there with the
        package's settings and come back as a tar stream."""
        with tempfile.TemporaryDirectory(prefix="codegen-swift-") as package:
            shutil.copy(self.root / "bindings-swift/swift/.swift-format", package)
            names = [f"{i}-{f.name}" for i, f in enumerate(files)]
            for name, f in zip(names, files, strict=True):
                shutil.copy(f, Path(package) / name)
            script = 'swift format format --in-place --configuration .swift-format "$@" && tar c "$@"'
            tar = self._run([*self.swift_toolchain, package, "bash", "-c", script, "bash", *names])
            self._run(["tar", "x", "-C", package], stdin=tar)
            for name, f in zip(names, files, strict=True):
                shutil.copy(Path(package) / name, f)

    def rust(self, files: list[Path]) -> None:
        self._run([*self.rustfmt, "--edition", "2024", "--config-path", str(self.root / "rustfmt.toml"), *map(str, files)])

    def _run(self, command: list[str], stdin: bytes | None = None) -> bytes:
        try:
            done = subprocess.run(command, input=stdin, capture_output=True, cwd=self.root)
        except FileNotFoundError as e:
            raise FormatterError(f"{command[0]} is not installed ({e}); see tools/codegen/formatters.py") from e
        if done.returncode != 0:
            output = (done.stdout + done.stderr).decode(errors="replace")
            raise FormatterError(f"{' '.join(command[:4])} ... failed:\n{output}")
        return done.stdout
