"""Render jinja2 templates from ``templates/`` (shipped in the wheel as ``campaign.templates``).

HTML templates are autoescaped; every template uses StrictUndefined so a typo fails loudly.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2


def template_dir() -> Path:
    """``campaign/templates`` in an installed wheel, else ``templates/`` of the checkout."""
    installed = Path(__file__).resolve().parent / "templates"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir()),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context)
