"""One version, the literal in ``editor/__init__.py``: metadata, CLI, metainfo, spec agree."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import editor
from editor.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_metadata_takes_the_version_from_the_package() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "editor.__version__"}
    assert editor.__version__ == metadata.version("inpaint-editor")


def test_cli_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"inpaint-editor {editor.__version__}"


def test_no_other_module_hard_codes_a_version() -> None:
    literal = re.compile(r"""__version__\s*=\s*["']\d""")
    hits = [p for p in (ROOT / "editor").rglob("*.py") if literal.search(p.read_text())]
    assert hits == [ROOT / "editor" / "__init__.py"]


def test_the_spec_ships_the_metadata_and_the_engines() -> None:
    spec = (ROOT / "packaging" / "inpaint-editor.spec").read_text()
    ast.parse(spec)  # valid Python
    assert 'copy_metadata("inpaint-editor")' in spec
    assert 'collect_dynamic_libs("patchmatch")' in spec
    build = ROOT / "packaging" / "build.sh"
    assert build.stat().st_mode & 0o111, "build.sh must be executable (.ci/run checks -x)"
