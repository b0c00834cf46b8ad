"""The resource locator: override, bundle, source checkout and installed-wheel layouts."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

from editor import resources_path
from editor.resources_path import (
    RESOURCES_ENV,
    ResourceNotFoundError,
    resource_path,
    resources_dir,
    sample_paths,
)

REPO_RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def _fake_resources(root: Path) -> Path:
    (root / "samples").mkdir(parents=True)
    (root / "samples" / "coffee.png").write_bytes(b"png")
    (root / "samples" / "coffee-mask.png").write_bytes(b"png")
    return root


def test_finds_the_shipped_sample_from_the_source_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RESOURCES_ENV, raising=False)
    image, mask = sample_paths()
    assert image == REPO_RESOURCES / "samples" / "coffee.png"
    assert mask.name == "coffee-mask.png" and mask.is_file()
    assert resource_path("icons", "inpaint-editor-256.png").is_file()


def test_override_wins_and_a_bad_override_falls_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _fake_resources(tmp_path / "res")
    monkeypatch.setenv(RESOURCES_ENV, str(fake))
    assert resources_dir() == fake
    monkeypatch.setenv(RESOURCES_ENV, str(tmp_path / "nothing-here"))
    assert resources_dir() == REPO_RESOURCES


def test_a_pyinstaller_bundle_reads_meipass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(RESOURCES_ENV, raising=False)
    bundle = tmp_path / "_internal"
    _fake_resources(bundle / "resources")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert resources_dir() == bundle / "resources"


def test_an_installed_wheel_is_found_through_its_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip puts data-files under <prefix>/share and lists them in RECORD relative to site."""
    site = tmp_path / "prefix" / "lib" / "python3" / "site-packages"
    info = site / "inpaint_editor-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: inpaint-editor\nVersion: 0.1.0\n")
    (info / "RECORD").write_text(
        "editor/__init__.py,,\n"
        "../../../share/inpaint-editor/samples/coffee.png,,\n"
        "../../../share/inpaint-editor/samples/coffee-mask.png,,\n"
    )
    data = _fake_resources(tmp_path / "prefix" / "share" / "inpaint-editor")
    monkeypatch.setattr(metadata, "distribution", lambda name: metadata.PathDistribution(info))
    assert resources_path._installed_data_dir() == data.resolve()


def test_missing_resources_say_where_they_were_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resources_path, "_candidates", lambda: [tmp_path / "a", tmp_path / "b"])
    with pytest.raises(ResourceNotFoundError, match="looked in"):
        resources_dir()
    monkeypatch.setattr(resources_path, "_candidates", lambda: [REPO_RESOURCES])
    with pytest.raises(ResourceNotFoundError, match="missing"):
        resource_path("samples", "no-such.png")


def test_an_install_under_the_prefix_is_found_without_reading_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(RESOURCES_ENV, raising=False)
    site = tmp_path / "prefix" / "lib" / "python3" / "site-packages"
    monkeypatch.setattr(resources_path, "__file__", str(site / "editor" / "resources_path.py"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    data = _fake_resources(tmp_path / "prefix" / "share" / "inpaint-editor")

    def no_record(name: str) -> metadata.Distribution:
        raise AssertionError("the RECORD was read although the prefix held the resources")

    monkeypatch.setattr(metadata, "distribution", no_record)
    assert resources_dir() == data
