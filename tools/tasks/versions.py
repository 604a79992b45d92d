"""One version for every package: the Cargo workspace's (`[workspace.package] version`).

`make lint` checks every other place that names it; `make version VERSION=X.Y.Z` writes X.Y.Z
into all of them (and Cargo.lock).

The places: each npm package.json (and the SDK's package-lock.json), the Kotlin pom, the
adapty-emulator pin of adapty-server's `testing` extra, and the README's lines that name a
version. The wheels (maturin) and the Swift package take the workspace's version themselves.
"""

from __future__ import annotations

import re

from .context import ROOT, Context
from .registry import task

VERSION = r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?"

# (file, pattern whose group 1 is the version); each pattern must match at least once.
PLACES = [
    ("Cargo.toml", r'\[workspace\.package\]\nversion = "(' + VERSION + ')"'),
    ("bindings-node/package.json", r'^  "version": "(' + VERSION + ')"'),
    ("bindings-node/package-lock.json", r'"name": "adapty-server",\n\s+"version": "(' + VERSION + ')"'),
    ("emulator/npm/package.json", r'^  "version": "(' + VERSION + ')"'),
    ("cli/npm/package.json", r'^  "version": "(' + VERSION + ')"'),
    ("bindings-swift/kotlin/pom.xml", r"<artifactId>adapty-server</artifactId>\n\s+<version>(" + VERSION + ")</version>"),
    ("bindings-python/pyproject.toml", r'"adapty-emulator==(' + VERSION + ')"'),
    ("README.md", r"<artifactId>adapty-server</artifactId><version>(" + VERSION + ")</version>"),
    ("README.md", r"adapty-emulator-(" + VERSION + r")\.tgz"),
]


def read(path: str) -> str:
    return (ROOT / path).read_text()


def problems(wanted: str | None = None) -> list[str]:
    """Where a version differs from the workspace's (or, given `wanted`, writes it everywhere)."""
    found = []
    for path, pattern in PLACES:
        text = read(path)
        matches = list(re.finditer(pattern, text, re.M))
        if not matches:
            found.append(f"{path}: no version where expected (/{pattern}/)")
            continue
        if wanted is not None:
            for m in reversed(matches):
                text = text[: m.start(1)] + wanted + text[m.end(1) :]
            (ROOT / path).write_text(text)
            continue
        workspace = re.search(PLACES[0][1], read(PLACES[0][0]), re.M)
        expected = workspace.group(1) if workspace else "?"
        found += [f"{path}: {m.group(1)}, the workspace is {expected}" for m in matches if m.group(1) != expected]
    return found


@task("version")
def set_version(ctx: Context, args: list[str]) -> int:
    """Writes VERSION into every package and Cargo.lock (`make version VERSION=X.Y.Z`); without VERSION, lists the places that differ from the workspace's."""
    if len(args) > 1 or (args and not re.fullmatch(VERSION, args[0])):
        ctx.say(f"version: {' '.join(args)!r} is not one version X.Y.Z (make version VERSION=X.Y.Z)")
        return 2
    found = problems(args[0] if args else None)
    if args and not found:
        # Cargo.lock names the workspace's crates with their version.
        ctx.run(["cargo", "update", "--workspace", "--quiet"])
    for p in found:
        ctx.say(p)
    return 1 if found else 0
