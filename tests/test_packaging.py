"""What a user installs: the version in one place, the licence, the files that must ship.

These tests also run against the built wheel, installed in a fresh environment outside the
source tree (.ci/run), so a file left out of the package fails here.
"""

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import bpnn
from bpnn.cli import main

PKG = Path(bpnn.__file__).resolve().parent


def test_version_is_one_string_and_the_cli_prints_it(capsys):
    assert bpnn.__version__.count(".") == 2
    assert all(part.isdigit() for part in bpnn.__version__.split("."))
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"bpnn {bpnn.__version__}"


def _this_distribution():
    """The installed distribution that holds the bpnn being tested, or skip (a source tree
    on sys.path, or an editable install whose metadata may be older than the tree)."""
    try:
        dist = metadata.distribution("bpnn")
    except metadata.PackageNotFoundError:
        pytest.skip("bpnn is not installed")
    init = [f for f in dist.files or [] if str(f).replace("\\", "/") == "bpnn/__init__.py"]
    if not init or Path(init[0].locate()).resolve() != PKG / "__init__.py":
        pytest.skip("the bpnn under test is not the installed distribution's")
    return dist


def test_installed_metadata_agrees_with_the_package():
    dist = _this_distribution()
    assert dist.version == bpnn.__version__
    meta = dist.metadata
    assert meta.get("License-Expression") == "MIT" or meta.get("License") == "MIT"
    classifiers = set(meta.get_all("Classifier") or [])
    assert "Typing :: Typed" in classifiers
    assert "Programming Language :: Python :: 3.10" in classifiers


def test_version_command_imports_nothing_heavy():
    code = (
        "import sys, contextlib, io\n"
        "from bpnn.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main(['--version'])\n    except SystemExit:\n        pass\n"
        "heavy = ('numpy', 'sklearn', 'scipy', 'numba', 'matplotlib', 'pandas', 'rich')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))"
    )
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(
            [str(PKG.parent), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    ).stdout
    assert out.strip() == "[]"


def test_the_package_ships_its_data_and_typing_marker():
    assert (PKG / "py.typed").is_file()
    from bpnn.datasets import dataset_names, load_dataset

    names = dataset_names()
    assert {"tutorial", "xor", "sine", "parity3"} <= set(names)
    for name in names:
        data = load_dataset(name)
        assert len(data.frame) > 0 and data.target, name


def test_the_package_ships_the_apps_page_and_assets():
    app = PKG / "app"
    page = (app / "templates" / "index.html").read_text(encoding="utf-8")
    for src in ("app.css", "i18n.js", "chart.js", "app.js", "learn.js", "ts.js"):
        assert (app / "static" / src).is_file(), src
        assert f"/static/{src}" in page, src  # every asset the page loads ships


def test_licence_file_is_mit():
    root = PKG.parents[1]
    licence = root / "LICENSE"
    if not licence.is_file():  # an installed wheel: the dist-info copy
        files = _this_distribution().files or []
        found = [f for f in files if f.name == "LICENSE"]
        assert found, "the wheel carries no LICENSE"
        licence = Path(found[0].locate())
    text = licence.read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "bpnn developers" in text
