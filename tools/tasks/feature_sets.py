"""One feature set per dependency across the crates we ship (part of `make lint`).

Cargo resolves features per build, and a dependency built with other features is built again
with every crate above it. `make dist` builds the Python extension, the Node addon, the uniffi
library, the emulator and the CLI in separate cargo runs (maturin and napi build one package
each), as the suites do, so each shared dependency must resolve to the same features in all of
them: workspace-hack/ asks for the union. This lists, from cargo's unit graph (no compilation),
every dependency that two of these builds would compile differently, and what to add.
"""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict

from .context import ROOT, base_env

# One cargo run each, as scripts/dist and the suites build them.
SHIPPED = ["adapty-server-python", "adapty-server-node", "adapty-server-ffi", "adapty-emulator", "adapty-cli"]
TARGET = "x86_64-unknown-linux-gnu"


def unit_features(package: str) -> dict[tuple[str, str], frozenset[str]]:
    """The features of each dependency a release build of `package` compiles, by (id, host|target)."""
    command = ["cargo", "build", "--unit-graph", "-Z", "unstable-options", "--release", "--target", TARGET, "-p", package]
    # The unit graph is unstable; RUSTC_BOOTSTRAP lets the stable cargo print it.
    out = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=True, env={**base_env(), "RUSTC_BOOTSTRAP": "1"}
    )
    features: dict[tuple[str, str], frozenset[str]] = {}
    for unit in json.loads(out.stdout)["units"]:
        if unit["mode"] == "build" and unit["target"]["kind"] != ["custom-build"]:
            side = "target" if unit.get("platform") else "host"
            features[(unit["pkg_id"].rsplit("#", 1)[-1], side)] = frozenset(unit["features"])
    return features


def differing() -> list[str]:
    """Every dependency two of the shipped builds would compile with different features, and what to add."""
    seen: dict[tuple[str, str], dict[str, frozenset[str]]] = defaultdict(dict)
    for package in SHIPPED:
        for unit, features in unit_features(package).items():
            seen[unit][package] = features
    found = []
    for (dependency, side), by_package in sorted(seen.items()):
        if len(set(by_package.values())) > 1:
            union = sorted(set().union(*by_package.values()))
            found.append(f"{dependency} ({side}) is built with different features; workspace-hack/ should ask for {union}")
            found += [f"    {package}: {sorted(features)}" for package, features in by_package.items()]
    return found
