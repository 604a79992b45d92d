"""The Jinja2 environment the templates (`templates/<language>/<file>.j2`) render in, and the
text helpers the languages share. Templates write code on one line per statement and leave line
breaking to each language's formatter (`formatters.py`); only comments, which formatters do not
rewrap, are wrapped here."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).parent / "templates"

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=False,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render(template: str, context: dict[str, Any], filters: dict[str, Callable[..., Any]]) -> str:
    """The template `template` (relative to `templates/`) with `context`; `filters` are the
    language's own, each a function of the value it filters."""
    env = _environment.overlay()
    env.filters.update(filters)
    return env.get_template(template).render(context, template=f"tools/codegen/templates/{template}")


def wrap(text: str, width: int) -> list[str]:
    """`text` as lines of at most `width` characters (longer words and `{@link X}`s kept whole)."""
    return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)


def fill(text: str, width: int, indent: str = "", first: str = "") -> str:
    """`text` wrapped at `width`, the first line after `first`, the others after `indent`."""
    return textwrap.fill(one_line(text), width=width, initial_indent=first, subsequent_indent=indent, break_on_hyphens=False)


def one_line(text: str) -> str:
    return " ".join(text.split())


def quoted(value: Any) -> str:
    """A default as the docs quote it: text in backticks, numbers as they are."""
    return f"`{value}`" if isinstance(value, str) else str(value)
