"""One version, from the package metadata: CLI, metainfo and the PyInstaller spec agree."""

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


def test_the_version_is_the_package_metadata() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert editor.__version__ == metadata.version("inpaint-editor") == declared


def test_cli_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"inpaint-editor {editor.__version__}"


def test_no_other_module_hard_codes_a_version() -> None:
    # The one literal allowed is the "never installed" fallback in editor/__init__.py.
    literal = re.compile(r"""__version__\s*=\s*["'](?!0\.0\.0\+unknown)\d""")
    hits = [p for p in (ROOT / "editor").rglob("*.py") if literal.search(p.read_text())]
    assert hits == []


def test_the_spec_ships_the_metadata_and_the_engines() -> None:
    spec = (ROOT / "packaging" / "inpaint-editor.spec").read_text()
    ast.parse(spec)  # valid Python
    assert 'copy_metadata("inpaint-editor")' in spec
    assert 'collect_dynamic_libs("patchmatch")' in spec
    build = ROOT / "packaging" / "build.sh"
    assert build.stat().st_mode & 0o111, "build.sh must be executable (.ci/run checks -x)"
