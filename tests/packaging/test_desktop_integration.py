"""The Linux desktop files: .desktop entry, AppStream metainfo, icons; validators when present."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path

import pytest
from PIL import Image

import editor

APP_ID = "io.github.inpainteditor.InpaintEditor"
ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "resources" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_has_the_required_keys() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Inpaint Editor"
    assert entry["Comment"]
    assert entry["Exec"] == "inpaint-editor %f"
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert entry["Categories"] == "Graphics;2DGraphics;RasterGraphics;"
    mimes = entry["MimeType"].rstrip(";").split(";")
    assert mimes == ["image/png", "image/jpeg", "image/webp", "image/tiff", "image/bmp"]


def test_desktop_entry_passes_desktop_file_validate() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate not installed (apt: desktop-file-utils)")
    done = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def _metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def test_metainfo_describes_the_app_and_its_current_release() -> None:
    root = _metainfo()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == "Inpaint Editor"
    assert root.findtext("summary")
    assert root.findtext("project_license") == "MIT"
    assert root.find("description") is not None
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    assert root.find("content_rating") is not None
    releases = root.findall("releases/release")
    assert releases, "no <release>"
    assert releases[0].get("version") == metadata.version("inpaint-editor") == editor.__version__


def test_metainfo_passes_appstreamcli_validate() -> None:
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli not installed (apt: appstream)")
    done = subprocess.run(
        [tool, "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_app_icon_exists_in_every_hicolor_size(size: int) -> None:
    with Image.open(ROOT / "resources" / "icons" / f"inpaint-editor-{size}.png") as icon:
        assert icon.size == (size, size)
        assert icon.mode == "RGBA"
