"""The README's examples as the suites run them, exactly as written: a section's named files,
its blocks of one language, and the Swift and Kotlin test sources made from them."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from .context import ROOT

README = ROOT / "README.md"
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)


def section(title: str) -> tuple[int, str]:
    """(the line number its text starts on, the text) of README section `## TITLE`."""
    readme = README.read_text()
    start = readme.index(f"\n## {title}\n") + 1
    end = readme.find("\n## ", start)
    return readme.count("\n", 0, start) + 1, readme[start : end if end >= 0 else len(readme)]


def blocks(title: str, lang: str) -> list[tuple[int, str]]:
    """The ```LANG blocks of a section: (the line number of each block's first line, its text)."""
    first, text = section(title)
    return [
        (first + text.count("\n", 0, m.start(1)), m.group(1)) for m in re.finditer(rf"^```{lang}\n(.*?)^```$", text, re.S | re.M)
    ]


def named_files(title: str, out: Path) -> list[str]:
    """Writes every block of a section whose first line names a file (`# conftest.py`,
    `// subscriptions.test.mjs`, anything after the name ignored) to OUT/NAME; returns the names."""
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for block in re.findall(r"```\w+\n(.*?)```", section(title)[1], re.S):
        named = re.match(r"(?:#|//) ([\w.-]+\.\w+)\b", block)
        if named:
            (out / named.group(1)).write_text(block)
            names.append(named.group(1))
    return names


def one_block(title: str, lang: str) -> tuple[int, list[str]]:
    found = blocks(title, lang)
    if len(found) != 1:
        raise ValueError(f"README.md section '## {title}' has {len(found)} ```{lang} blocks, expected 1")
    line, text = found[0]
    return line, text.rstrip("\n").split("\n")


def snippet_tests(lang: str, out: Path) -> None:
    """A test source that compiles and runs the README's Swift or Kotlin examples.

    Each example is the one block of its language in a README section: `## Swift` / `## Kotlin`
    (the profile calls; the block makes its own `client`) and `## Every operation` (purchase,
    revoke, paywalls; it uses the `client` made earlier in the README, so the test makes one the
    same way, from ADAPTY_API_KEY / ADAPTY_BASE_URL). A block's `import` lines go to the top of
    the file; the rest becomes the body of a test method that runs against the emulator, with what
    it prints captured for the assertions. The output is a build product, not in git."""
    own_line, own = one_block(lang.capitalize(), lang)
    every_line, every = one_block("Every operation", lang)
    imports = list(dict.fromkeys(line.strip() for line in own + every if line.startswith("import ")))
    own_body, every_body = ([line if not line.startswith("import ") else "" for line in b] for b in (own, every))
    if lang == "kotlin":
        # What the README's Kotlin examples use beyond their own imports.
        imports.append("import java.time.OffsetDateTime")
        width, made = 12, r"\s*val client\b"
        client = "            val client = AdaptyClient()   // made earlier in the README\n"
        template = "ReadmeSnippetsTest.kt.j2"
    else:
        width, made = 8, r"\s*let client\b"
        client = "        let client = try AdaptyClient()   // made earlier in the README\n"
        template = "ReadmeSnippetsTests.swift.j2"
    text = TEMPLATES.get_template(template).render(
        imports="\n".join(imports),
        **{f"{lang}_line": own_line, f"{lang}_body": indent(own_body, width)},
        every_line=every_line,
        every_body=indent(every_body, width),
        client="" if any(re.match(made, line) for line in every) else client,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)


def indent(lines: list[str], n: int) -> str:
    return "\n".join((" " * n + line) if line.strip() else "" for line in lines)
