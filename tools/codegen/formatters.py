"""Each language's own formatter, run over generated files in a scratch directory with the
repository's settings (ruff.toml, biome.json, .editorconfig, .swift-format, rustfmt.toml), so
the templates leave line breaking to them and the files they write are what `make fmt` keeps.

`Formatters` holds where each tool is; `Formatters.at(root, in_swift_package)` names where the
task program (tools/tasks, `make codegen`) installs them, given how it runs Swift (natively, or
in a Debian root)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


class FormatterError(RuntimeError):
    """A formatter is missing or refused a generated file (a template wrote code it cannot parse)."""


@dataclass(frozen=True)
class Formatters:
    """How to run each formatter: `root` is the repository (its settings files); each tool a
    command prefix, but Swift: `in_swift_package(directory, command)` runs a command in a package
    directory where Swift is, the directory's files changed in place."""

    root: Path
    ruff: Sequence[str]
    biome: Sequence[str]
    ktlint: Sequence[str]
    in_swift_package: Callable[[Path, Sequence[str]], None]
    rustfmt: Sequence[str]

    @classmethod
    def at(cls, root: Path, in_swift_package: Callable[[Path, Sequence[str]], None]) -> Formatters:
        """The tools where the task program installs them: ruff in its virtualenv
        (tools/requirements.txt), biome under target/tools/node (tools/package.json), ktlint's
        jar in Maven's local repository, rustfmt on PATH or in ~/.cargo/bin."""
        home = Path.home()
        ktlint = home / ".m2/repository/com/pinterest/ktlint/ktlint-cli/1.5.0/ktlint-cli-1.5.0-all.jar"
        return cls(
            root=root,
            ruff=[str(root / "target/tools/venv/bin/ruff")],
            biome=[str(root / "target/tools/node/node_modules/.bin/biome")],
            # A short run: the JIT's first tier and one GC thread start faster (about 40% less CPU).
            ktlint=["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", str(ktlint)],
            in_swift_package=in_swift_package,
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
        """swift-format where Swift is: the files go into a package directory with the package's
        settings, are formatted there, and come back."""
        with tempfile.TemporaryDirectory(prefix="codegen-swift-") as package:
            shutil.copy(self.root / "bindings-swift/swift/.swift-format", package)
            names = [f"{i}-{f.name}" for i, f in enumerate(files)]
            for name, f in zip(names, files, strict=True):
                shutil.copy(f, Path(package) / name)
            self.in_swift_package(
                Path(package), ["swift", "format", "format", "--in-place", "--configuration", ".swift-format", *names]
            )
            for name, f in zip(names, files, strict=True):
                shutil.copy(Path(package) / name, f)

    def rust(self, files: list[Path]) -> None:
        self._run([*self.rustfmt, "--edition", "2024", "--config-path", str(self.root / "rustfmt.toml"), *map(str, files)])

    def _run(self, command: list[str]) -> bytes:
        try:
            done = subprocess.run(command, capture_output=True, cwd=self.root)
        except FileNotFoundError as e:
            raise FormatterError(f"{command[0]} is not installed ({e}); see tools/codegen/formatters.py") from e
        if done.returncode != 0:
            output = (done.stdout + done.stderr).decode(errors="replace")
            raise FormatterError(f"{' '.join(command[:4])} ... failed:\n{output}")
        return done.stdout
