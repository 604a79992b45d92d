"""The layers of a crate: no import cycle between its files, and no file importing a layer above
its own (part of `make lint`, for `core/src` and `emulator/src`).

A crate states its layers in its `lib.rs` doc, lowest first, one line per top-level module:

    //! - layer 1: `models`
    //! - layer 2: `transport`

What a file imports is every `crate::`, `super::` and `self::` path in its code (in `use`
trees and inline), comments, strings and `#[cfg(test)]` modules left out, resolved to the file
that holds the deepest module the path names; a name the crate root re-exports (`crate::Error`)
resolves to the module it comes from. The check reads source text, a lint and not a generator:
it needs no more of Rust's grammar than paths and braces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LAYER_LINE = re.compile(r"^//! - layer (\d+): `(\w+)`", re.M)


@dataclass(frozen=True)
class Finding:
    kind: str  # "cycle" or "upward"
    detail: str


def module_path(src: Path, file: Path) -> tuple[str, ...]:
    """The module a file holds: src/lib.rs is (), src/a.rs and src/a/mod.rs are ("a",)."""
    parts = file.relative_to(src).with_suffix("").parts
    if parts[-1] in ("lib", "mod", "main"):
        parts = parts[:-1]
    return tuple(parts)


def code_of(text: str) -> str:
    """The source without comments, string and char literals, and `#[cfg(test)]` modules (tests
    may use anything; the layers are about the code they test)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif text.startswith('r"', i) or text.startswith('r#"', i):
            hashes = text[i + 1 : text.index('"', i)]
            end = text.find('"' + hashes, text.index('"', i) + 1)
            i = n if end < 0 else end + 1 + len(hashes)
            out.append('""')
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            out.append('""')
        elif text[i] == "'" and re.match(r"'(\\.|[^\\'])'", text[i : i + 4]):
            i = text.index("'", i + 1) + 1
        else:
            out.append(text[i])
            i += 1
    code = "".join(out)
    # Blank every `#[cfg(test)] mod NAME { ... }`.
    while (m := re.search(r"#\[cfg\(test\)\]\s*(?:pub(?:\([\w:]+\))?\s+)?mod\s+\w+\s*\{", code)) is not None:
        depth, j = 1, m.end()
        while j < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[j], 0)
            j += 1
        code = code[: m.start()] + code[j:]
    return code


def use_paths(code: str) -> list[list[str]]:
    """Every path of every `use` tree, split at `::` (`use a::{b, c::d}` gives a::b and a::c::d),
    and every inline path starting with `crate`, `super` or `self`."""
    paths: list[list[str]] = []
    for m in re.finditer(r"\buse\s+([^;]+);", code):
        paths += expand(re.sub(r"\s+", "", m.group(1)))
    without_uses = re.sub(r"\buse\s+[^;]+;", "", code)
    for m in re.finditer(r"\b((?:crate|super|self)(?:::\w+)+)", without_uses):
        paths.append(m.group(1).split("::"))
    return paths


def expand(tree: str) -> list[list[str]]:
    """The paths of one use tree (no spaces): `a::{b,c::{d,e}}` gives a::b, a::c::d, a::c::e."""
    brace = tree.find("{")
    if brace < 0:
        return [tree.split(" as ")[0].split("::")] if tree else []
    prefix = [p for p in tree[:brace].split("::") if p]
    inner, depth, start, parts = tree[brace + 1 : tree.rindex("}")], 0, 0, []
    for i, ch in enumerate(inner):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return [prefix + sub for part in parts if part for sub in expand(part)]


class Crate:
    def __init__(self, src: Path) -> None:
        self.src = src
        self.files = {module_path(src, f): f for f in sorted(src.rglob("*.rs")) if "bin" not in f.relative_to(src).parts}
        self.code = {m: code_of(f.read_text()) for m, f in self.files.items()}
        self.reexports = self._reexports()

    def _reexports(self) -> dict[str, tuple[str, ...]]:
        """Names the crate root re-exports, to the module they come from."""
        names: dict[str, tuple[str, ...]] = {}
        for path in use_paths(self.code[()]):
            if path and path[0] not in ("crate", "super", "self", "std", "core", "alloc"):
                module = self.deepest(tuple(path[:-1]))
                if module:
                    names[path[-1]] = module
        return names

    def deepest(self, path: tuple[str, ...]) -> tuple[str, ...] | None:
        """The longest prefix of `path` that is a module of this crate (not the root)."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.files:
                return path[:end]
        return None

    def imports(self, module: tuple[str, ...]) -> set[tuple[str, ...]]:
        found = set()
        for path in use_paths(self.code[module]):
            if path[0] == "crate":
                absolute = tuple(path[1:])
            elif path[0] in ("super", "self"):
                base = list(module)
                while path and path[0] in ("super", "self"):
                    if path[0] == "super":
                        base = base[:-1]
                    path = path[1:]
                absolute = (*base, *path)
            else:
                # A path from a child module (`use manifest::Operation` in ops/mod.rs); any
                # other is another crate's.
                absolute = (*module, *path) if (*module, path[0]) in self.files else ()
            target = self.deepest(absolute) if absolute else None
            if target is None and len(absolute) == 1 and absolute[0] in self.reexports:
                target = self.reexports[absolute[0]]
            if target is not None and target != module and module[: len(target)] != target:
                found.add(target)
        return found

    def layers(self) -> dict[str, int]:
        return {name: int(n) for n, name in LAYER_LINE.findall(self.files[()].read_text())}


def check(src: Path) -> list[Finding]:
    """Cycles between the files of the crate at `src`, and imports of a higher layer."""
    crate = Crate(src)
    graph = {m: crate.imports(m) for m in crate.files if m != ()}
    findings = [
        Finding(
            "cycle",
            f"{len(component)} files import each other: {', '.join(name(crate, m) for m in sorted(component))}; e.g. "
            + " -> ".join(name(crate, m) for m in [*cycle, cycle[0]]),
        )
        for component, cycle in cycles(graph)
    ]
    layers = crate.layers()
    for module, targets in sorted(graph.items()):
        own = layers.get(module[0])
        for target in sorted(targets):
            theirs = layers.get(target[0])
            if own is not None and theirs is not None and theirs > own:
                findings.append(
                    Finding("upward", f"{name(crate, module)} (layer {own}) imports {name(crate, target)} (layer {theirs})")
                )
    missing = sorted({m[0] for m in graph} - set(layers))
    if layers and missing:
        findings.append(Finding("unlayered", f"modules with no layer in lib.rs's doc: {', '.join(missing)}"))
    if not layers:
        findings.append(Finding("unlayered", f"{crate.files[()]} states no layers (`//! - layer N: \\`module\\``)"))
    return findings


def name(crate: Crate, module: tuple[str, ...]) -> str:
    return str(crate.files[module].relative_to(crate.src.parent))


def cycles(graph: dict[tuple[str, ...], set[tuple[str, ...]]]) -> list[tuple[set[tuple[str, ...]], list[tuple[str, ...]]]]:
    """Each strongly connected component of more than one file (Tarjan), with a shortest cycle
    through it."""
    index: dict[tuple[str, ...], int] = {}
    low: dict[tuple[str, ...], int] = {}
    stack: list[tuple[str, ...]] = []
    on_stack: set[tuple[str, ...]] = set()
    components: list[list[tuple[str, ...]]] = []

    def visit(v: tuple[str, ...]) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [(set(c), shortest_cycle(graph, set(c))) for c in components]


def shortest_cycle(graph: dict[tuple[str, ...], set[tuple[str, ...]]], component: set[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """A shortest cycle inside a component, to name in the finding."""
    best: list[tuple[str, ...]] = sorted(component)
    for start in sorted(component):
        paths = {start: [start]}
        frontier = [start]
        while frontier:
            nxt = []
            for v in frontier:
                for w in sorted(graph.get(v, ())):
                    if w == start and len(paths[v]) < len(best):
                        best = paths[v]
                    if w in component and w not in paths:
                        paths[w] = [*paths[v], w]
                        nxt.append(w)
            frontier = nxt
    return best
