"""`inpaint-editor edit --expand/--aspect/--anchor/--ref/--input-fidelity` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from PIL import Image

from editor.cli.main import main
from editor.core.composite import default_feather

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "samples" / "coffee.png"
SAMPLE_MASK = ROOT / "resources" / "samples" / "coffee-mask.png"


def edit(*args: str) -> int:
    return main(["edit", str(SAMPLE), "--prompt", "extend the table", "--quiet", *args])


def outputs(folder: Path) -> tuple[list[np.ndarray], dict]:
    pngs = sorted(folder.glob("*.png"))
    (sidecar,) = folder.glob("*.json")
    return [np.asarray(Image.open(p)) for p in pngs], json.loads(sidecar.read_text())


def untouched(mask: np.ndarray, reach: int) -> np.ndarray:
    dist = cv2.distanceTransform((mask == 0).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return dist > reach + 1


def test_aspect_with_anchor_and_no_mask_fills_the_new_area(tmp_path: Path) -> None:
    code = edit("--aspect", "16:9", "--anchor", "left", "--model", "telea", "--out", str(tmp_path))
    assert code == 0
    [result], sidecar = outputs(tmp_path)
    original = np.asarray(Image.open(SAMPLE).convert("RGB"))
    h, w = original.shape[:2]
    assert result.shape == (400, 711, 3), "an RGB photo stays RGB once filled"
    record = sidecar["expand"]
    assert record["pixels"] == [0, 0, 111, 0]
    assert record["aspect"] == "16:9" and record["anchor"] == "left"
    assert record["original_size"] == [w, h] and record["expanded_size"] == [711, 400]
    band = record["seam_band"]
    assert band == 16
    # The mask was the new area plus the band: the rest of the photo is bit-identical.
    mask = np.zeros((400, 711), np.uint8)
    mask[:, w - band :] = 255
    keep = untouched(mask, default_feather((711, 400)))
    assert np.array_equal(result[keep], np.pad(original, ((0, 0), (0, 111), (0, 0)))[keep])
    new = result[:, w:]
    assert new.mean() > 40, "the new area is filled, not left black"


def test_expand_by_pixels_keeps_the_users_mask_too(tmp_path: Path) -> None:
    code = edit(
        "--mask", str(SAMPLE_MASK), "--expand", "0,40,0,40", "--model", "telea",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 0
    [result], sidecar = outputs(tmp_path)
    assert result.shape == (480, 600, 3)
    assert sidecar["expand"]["pixels"] == [0, 40, 0, 40] and sidecar["expand"]["aspect"] is None
    original = np.asarray(Image.open(SAMPLE).convert("RGB"))
    spoon = np.asarray(Image.open(SAMPLE_MASK))[..., 3] == 0
    inside = result[40:440]
    changed = np.any(inside != original, axis=-1)
    assert changed[spoon].mean() > 0.5, "the spoon under the user's mask was filled as well"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--expand", "1,2,3"], "LEFT,TOP,RIGHT,BOTTOM"),
        (["--expand", "0,0,0,0"], "Nothing to expand"),
        (["--aspect", "16"], "not an aspect"),
        (["--aspect", "3:2"], "already 3:2"),
        (["--aspect", "1:1", "--anchor", "nowhere"], "not an anchor"),
        (["--anchor", "left"], "--anchor goes with --aspect"),
        (["--expand", "0,0,40000,0"], "at most"),
        (["--mask", str(SAMPLE_MASK), "--ref", "/nonexistent/ref.png"], "ref.png"),
        (["--mask", str(SAMPLE_MASK), "--ref", str(SAMPLE)], "takes no reference images"),
    ],
)
def test_bad_values_are_plain_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    assert edit(*args, "--out", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not list(tmp_path.glob("*"))


@pytest.mark.parametrize(
    "args",
    [["--expand", "1,1,1,1", "--aspect", "1:1"], ["--input-fidelity", "max"]],
)
def test_malformed_flags_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        edit(*args, "--out", str(tmp_path))
    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_references_and_fidelity_reach_the_service_and_the_sidecar(
    server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-cli")
    ref = tmp_path / "hat.png"
    Image.new("RGB", (3072, 1024), (200, 30, 30)).save(ref)
    httpx.post(f"{server.origin}/_test/faults", json={"kind": "echo_cast"}).raise_for_status()
    out = tmp_path / "out"
    code = edit(
        "--mask", str(SAMPLE_MASK), "--endpoint", server.base_url, "--model", "gpt-image-1",
        "--ref", str(ref), "--ref", str(SAMPLE), "--input-fidelity", "low", "--out", str(out),
    )  # fmt: skip
    assert code == 0
    [entry] = httpx.get(f"{server.origin}/_test/requests").json()
    parts = entry["fields"]["image[]"]
    assert [(p["width"], p["height"]) for p in parts[1:]] == [(1536, 512), (600, 400)]
    assert entry["fields"]["input_fidelity"] == "low"
    _, sidecar = outputs(out)
    assert sidecar["params"]["input_fidelity"] == "low"
    assert [r["label"] for r in sidecar["references"]] == ["image 2", "image 3"]
    assert sidecar["references"][0]["file"] == str(ref)
    assert sidecar["references"][0]["sent_size"] == [1536, 512]
    assert "expand" not in sidecar
