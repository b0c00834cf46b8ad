"""`edit` and `models` against a strict loopback stand-in for today's OpenAI image models.

The stand-in (editor.server.openai_today) answers the sent image with a small cast over every
pixel (the mask is guidance only) and the edit region painted red; shut-down models answer 404
"deprecated", and the 2.x rules on size, quality, complexity, input_fidelity and markup apply.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from PIL import Image

from editor.cli.main import main
from editor.core.composite import default_feather
from editor.server import ServerThread

PAINTED = np.array([210, 60, 40])  # what the stand-in paints where it edits


def painted(pixels: np.ndarray) -> np.ndarray:
    """Where pixels show the stand-in's paint (colour matching may move it a few levels)."""
    return (np.abs(pixels[..., :3].astype(int) - PAINTED) <= 12).all(axis=-1)


def photo(path: Path, size: tuple[int, int] = (900, 600)) -> np.ndarray:
    w, h = size
    y, x = np.mgrid[0:h, 0:w]
    pixels = np.dstack([(x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256]).astype(np.uint8)
    Image.fromarray(pixels).save(path, compress_level=1)
    return pixels


def mask_file(path: Path, size: tuple[int, int], box: tuple[int, int, int, int]) -> np.ndarray:
    """A mask PNG (alpha 0 = edit) over ``box``; returns the edit area as bools."""
    w, h = size
    rgba = np.full((h, w, 4), 255, np.uint8)
    x0, y0, x1, y1 = box
    rgba[y0:y1, x0:x1, 3] = 0
    Image.fromarray(rgba).save(path)
    return rgba[..., 3] == 0


def marks_file(path: Path, size: tuple[int, int], centre: tuple[int, int], r: int) -> None:
    w, h = size
    rgba = np.zeros((h, w, 4), np.uint8)
    cv2.circle(rgba, centre, r, (235, 30, 45, 255), 6, cv2.LINE_AA)
    Image.fromarray(rgba).save(path)


def far_from(edit: np.ndarray, reach: int) -> np.ndarray:
    dist = cv2.distanceTransform((~edit).astype(np.uint8), cv2.DIST_L2, 5)
    return dist > reach + 1


def seen(server: ServerThread) -> list[dict[str, Any]]:
    entries = httpx.get(f"{server.origin}/_test/requests", timeout=10).json()
    return [e for e in entries if e["path"].endswith("/edits")]


def edit(server: ServerThread, image: Path, out: Path, *extra: str) -> int:
    return main(
        [
            "edit",
            str(image),
            "--prompt",
            "a red door",
            "--endpoint",
            server.base_url,
            "--out",
            str(out),
            "--quiet",
            *extra,
        ]
    )


def masked_edit(server: ServerThread, tmp_path: Path, *extra: str, out: str = "out") -> int:
    """``edit`` of the test photo with a mask over a 200×100 box, then ``extra`` options."""
    image, mask = tmp_path / "plain.png", tmp_path / "m.png"
    if not image.exists():
        photo(image)
        mask_file(mask, (900, 600), (300, 200, 500, 300))
    return edit(server, image, tmp_path / out, "--mask", str(mask), *extra)


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def _result(out: Path) -> tuple[np.ndarray, dict[str, Any]]:
    (png,) = sorted(out.glob("*.png"))
    (sidecar,) = out.glob("*.json")
    return np.asarray(Image.open(png)), json.loads(sidecar.read_text())


def test_the_default_model_succeeds(today: ServerThread, tmp_path: Path) -> None:
    image = tmp_path / "plain.png"
    photo(image)
    edit_area = mask_file(tmp_path / "m.png", (900, 600), (300, 200, 500, 300))
    assert edit(today, image, tmp_path / "out", "--mask", str(tmp_path / "m.png")) == 0
    (sent,) = seen(today)
    assert sent["fields"]["model"] == "gpt-image-2.6-flare"
    result, doc = _result(tmp_path / "out")
    assert painted(result[edit_area]).mean() > 0.95
    assert doc["params"]["model"] == "gpt-image-2.6-flare"


@pytest.mark.slow
def test_24_mp_to_flare_xhigh_low_complexity_is_bit_identical_outside_the_mask(
    today: ServerThread, tmp_path: Path
) -> None:
    size = (6000, 4000)
    image = tmp_path / "big.png"
    original = photo(image, size)
    edit_area = mask_file(tmp_path / "m.png", size, (2500, 1500, 3100, 2100))
    code = edit(
        today,
        image,
        tmp_path / "out",
        "--mask",
        str(tmp_path / "m.png"),
        "--model",
        "gpt-image-2.6-flare",
        "--quality",
        "xhigh",
        "--complexity",
        "low",
    )
    assert code == 0
    (sent,) = seen(today)
    fields = sent["fields"]
    assert (fields["quality"], fields["complexity"]) == ("xhigh", "low")
    w, h = (int(v) for v in fields["size"].split("x"))
    assert w % 16 == 0 and h % 16 == 0 and 655_360 <= w * h <= 8_294_400
    result, _ = _result(tmp_path / "out")
    keep = far_from(edit_area, default_feather(size))
    assert np.array_equal(result[keep], original[keep])  # the stand-in shifted every pixel
    assert painted(result[edit_area]).mean() > 0.95


def test_markup_alone_is_sent_with_alpha_at_the_images_size_and_no_mask(
    today: ServerThread, tmp_path: Path
) -> None:
    image = tmp_path / "plain.png"
    original = photo(image)
    marks_file(tmp_path / "marks.png", (900, 600), (450, 300), 80)
    assert edit(today, image, tmp_path / "out", "--markup", str(tmp_path / "marks.png")) == 0
    (sent,) = seen(today)
    fields = sent["fields"]
    assert "mask" not in fields
    markup, first = fields["markup"], fields["image"]
    assert markup["mode"] == "RGBA" and markup["content_type"] == "image/png"
    assert (markup["width"], markup["height"]) == (first["width"], first["height"])
    result, doc = _result(tmp_path / "out")
    # No mask: the result is taken whole (the stand-in's cast shows everywhere), and the leak
    # numbers say what changed.
    assert painted(result[300, 450])
    assert (result[20, 20] != original[20, 20]).any()
    assert doc["markup"]["sent_as"] == "markup"
    # The circle's inside (about 5 % of the frame) is what changed beyond the faint cast.
    assert doc["variants"][0]["leak"]["changed_fraction"] > 0.03


def test_markup_with_a_mask_sends_markup_only_and_blends_through_the_mask(
    today: ServerThread, tmp_path: Path
) -> None:
    image = tmp_path / "plain.png"
    original = photo(image)
    edit_area = mask_file(tmp_path / "m.png", (900, 600), (300, 200, 600, 400))
    marks_file(tmp_path / "marks.png", (900, 600), (450, 300), 70)
    code = edit(
        today,
        image,
        tmp_path / "out",
        "--mask",
        str(tmp_path / "m.png"),
        "--markup",
        str(tmp_path / "marks.png"),
    )
    assert code == 0
    (sent,) = seen(today)
    assert "markup" in sent["fields"] and "mask" not in sent["fields"]
    result, _ = _result(tmp_path / "out")
    keep = far_from(edit_area, default_feather((900, 600)))
    assert np.array_equal(result[keep], original[keep])
    assert painted(result[300, 450])  # inside the marks, inside the mask


def test_input_fidelity_never_reaches_a_2x_model(
    today: ServerThread, tmp_path: Path, capsys: Any
) -> None:
    for model in ("gpt-image-2", "gpt-image-2.6-sunburst"):
        code = masked_edit(today, tmp_path, "--model", model, "--input-fidelity", "high", out=model)
        assert code == 0
        err = capsys.readouterr().err
        assert err.count("input_fidelity was left out") == 1
        (sidecar,) = (tmp_path / model).glob("*.json")
        assert any("input_fidelity" in n for n in json.loads(sidecar.read_text())["notes"])
    assert all("input_fidelity" not in e["fields"] for e in seen(today))


def test_a_shut_down_model_fails_with_the_plain_shutdown_message(
    today: ServerThread, tmp_path: Path, capsys: Any
) -> None:
    assert masked_edit(today, tmp_path, "--model", "gpt-image-1") == 3
    first = capsys.readouterr().err.splitlines()[0]
    assert first == (
        "inpaint-editor edit: gpt-image-1 was shut down by OpenAI on 2026-10-23; use "
        "gpt-image-2.6-flare (fast) or gpt-image-2.6-sunburst (detail)."
    )
    assert not list(tmp_path.glob("out/*.png"))


def test_an_unknown_model_is_offered_current_models_only(
    today: ServerThread, tmp_path: Path, capsys: Any
) -> None:
    assert masked_edit(today, tmp_path, "--model", "gpt-image-9") == 3
    first = capsys.readouterr().err.splitlines()[0]
    assert "gpt-image-2.6-flare" in first
    for gone in ("gpt-image-1", "dall-e-2", "chatgpt-image-latest", "gpt-6.1-sol"):
        assert gone not in first.replace("gpt-image-1.5", "")


def test_a_model_without_markup_is_refused_before_sending(
    today: ServerThread, tmp_path: Path, capsys: Any
) -> None:
    image = tmp_path / "plain.png"
    photo(image)
    marks_file(tmp_path / "marks.png", (900, 600), (450, 300), 80)
    code = edit(
        today,
        image,
        tmp_path / "out",
        "--markup",
        str(tmp_path / "marks.png"),
        "--model",
        "gpt-image-2.5-flare",
    )
    assert code == 2
    assert "gpt-image-2.5-flare takes no markup" in capsys.readouterr().err
    assert seen(today) == []


def test_a_transparent_background_keeps_its_alpha_inside_the_mask(
    today: ServerThread, tmp_path: Path
) -> None:
    image = tmp_path / "plain.png"
    original = photo(image)
    edit_area = mask_file(tmp_path / "m.png", (900, 600), (300, 200, 600, 400))
    code = edit(
        today,
        image,
        tmp_path / "out",
        "--mask",
        str(tmp_path / "m.png"),
        "--background",
        "transparent",
        "--model",
        "gpt-image-2.6-sunburst",
    )
    assert code == 0
    result, _ = _result(tmp_path / "out")
    assert result.shape == (600, 900, 4)
    keep = far_from(edit_area, default_feather((900, 600)))
    assert (result[keep][:, 3] == 255).all() and np.array_equal(result[keep][:, :3], original[keep])
    assert (result[300, 450, 3] == 0) and (result[edit_area][:, 3] == 0).mean() > 0.95


def test_what_the_service_did_otherwise_is_recorded(
    today: ServerThread, tmp_path: Path, capsys: Any
) -> None:
    httpx.put(f"{today.origin}/_test/stand-in-reports", json={"quality": "high"}).raise_for_status()
    assert masked_edit(today, tmp_path, "--quality", "max") == 0
    assert "the service says it used quality high (asked max)" in capsys.readouterr().err
    _, doc = _result(tmp_path / "out")
    assert doc["service_did"] == {"quality": {"asked": "max", "got": "high"}}


def test_models_marks_the_shut_down_models(today: ServerThread, capsys: Any) -> None:
    assert main(["models", "--endpoint", today.base_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    usable = lines[: lines.index("# shut down (a gateway may still serve them):")]
    assert usable[0] == "gpt-image-2.6-flare" and "gpt-image-1" not in usable
    assert any(line.split() == ["gpt-image-1", "shut", "down", "2026-10-23"] for line in lines)
    assert lines[lines.index("# not image models:") + 1] == "gpt-6.1-sol"
    assert main(["models", "--endpoint", today.base_url, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    retired = {r["id"]: r for r in doc["retired"]}
    assert retired["gpt-image-1"]["shutdown_date"] == "2026-10-23"
    assert retired["gpt-image-1"]["dated_by"] == "service"
    assert "gpt-6.1-sol" in doc["other_models"] and "gpt-6.1-sol" not in doc["image_models"]
