"""Sphinx configuration for bpnn's documentation site (build: see docs/README.md)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))  # document this tree's bpnn, installed or not

import bpnn  # noqa: E402

project = "bpnn"
author = "bpnn developers"
copyright = "2026, bpnn developers"
release = version = bpnn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
# README.md here is the how-to-build note, not a page of the site
exclude_patterns = ["_build", "README.md", "Thumbs.db", ".DS_Store"]

myst_heading_anchors = 3  # links such as benchmarks.md#accuracy-out-of-the-box
myst_enable_extensions = ["dollarmath"]

autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # the numpydoc "Parameters" sections say the types
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()

html_theme = "alabaster"
html_title = f"bpnn {release}"
html_static_path: list[str] = []


# -- the README pages ----------------------------------------------------------------------
# README.md and README.zh.md live at the repository root, where their links point into
# docs/; the site gets copies (in _generated/, not committed) whose links point at the
# site's pages. A link to a file the site has no page for keeps its text, as code.
_PAGES = {"docs/": "../", "README.md": "readme.md", "README.zh.md": "readme_zh.md"}


def _relink(text: str) -> str:
    def fix(m: re.Match) -> str:
        label, target = m.group(1), m.group(2)
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            return m.group(0)
        path, _, anchor = target.partition("#")
        if path.startswith("docs/") and path != "docs/README.md" and (ROOT / path).is_file():
            new = "../" + path[len("docs/") :]
        elif path in ("README.md", "README.zh.md"):
            new = _PAGES[path]
        else:
            return f"{label} (`{path}` in the source tree)"
        return f"[{label}]({new}{'#' + anchor if anchor else ''})"

    def fix_image(m: re.Match) -> str:
        alt, target = m.group(1), m.group(2)
        if target.startswith("docs/"):
            return f"![{alt}](../{target[len('docs/') :]})"
        return m.group(0)

    text = re.sub(r"!\[([^\]]*)\]\(([^)\s]+)\)", fix_image, text)
    return re.sub(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)", fix, text)


def _write_generated() -> None:
    out = HERE / "_generated"
    out.mkdir(exist_ok=True)
    for src, name in (("README.md", "readme.md"), ("README.zh.md", "readme_zh.md")):
        text = _relink((ROOT / src).read_text(encoding="utf-8"))
        target = out / name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")


_write_generated()
