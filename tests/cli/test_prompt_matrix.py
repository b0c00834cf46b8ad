"""`edit` with a prompt matrix and with several regions, against the loopback stand-in."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.cli.main import main
from editor.core.composite import default_feather
from editor.server import ServerThread
from tests.cli.test_todays_models import far_from, mask_file, painted, photo, seen

SIZE = (900, 600)


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def run(server: ServerThread, tmp_path: Path, *args: str) -> int:
    image = tmp_path / "plain.png"
    if not image.exists():
        photo(image, SIZE)
    out = ["--endpoint", server.base_url, "--out", str(tmp_path / "out"), "--quiet"]
    return main(["edit", str(image), *args, *out])


def test_braces_send_every_prompt_with_n_variants_each(today: ServerThread, tmp_path: Path) -> None:
    mask_file(tmp_path / "m.png", SIZE, (300, 200, 500, 300))
    code = run(today, tmp_path, "--mask", str(tmp_path / "m.png"), "--prompt", "a {red|blue} cube")
    assert code == 0
    sent = seen(today)
    assert sorted(e["fields"]["prompt"] for e in sent) == ["a blue cube", "a red cube"]
    assert all(str(e["fields"]["n"]) == "1" for e in sent)  # -n defaults to 1 per prompt
    # One image and mask upload, prepared once: every request carries the same bytes.
    assert len({e["fields"]["image"]["sha256"] for e in sent}) == 1
    (sidecar,) = (tmp_path / "out").glob("*.json")
    rows = json.loads(sidecar.read_text())["prompts"]
    assert [(r["prompt"], r["label"]) for r in rows] == [
        ("a red cube", "red"),
        ("a blue cube", "blue"),
    ]


def test_matrix_of_two_prompts_times_two_variants_writes_four_labelled_results(
    today: ServerThread, tmp_path: Path
) -> None:
    mask_file(tmp_path / "m.png", SIZE, (300, 200, 500, 300))
    args = ["--mask", str(tmp_path / "m.png"), "--prompt", "a {red|blue} cube", "-n", "2"]
    assert run(today, tmp_path, *args) == 0
    sent = seen(today)
    assert sorted((e["fields"]["prompt"], str(e["fields"]["n"])) for e in sent) == [
        ("a blue cube", "2"),
        ("a red cube", "2"),
    ]
    pngs = sorted(p.name for p in (tmp_path / "out").glob("*.png"))
    assert len(pngs) == 4
    (sidecar,) = (tmp_path / "out").glob("*.json")
    rows = json.loads(sidecar.read_text())["prompts"]
    listed = sorted(v["file"] for r in rows for v in r["variants"])
    assert listed == pngs
    assert [len(r["variants"]) for r in rows] == [2, 2]


def test_repeated_prompts_and_a_bad_matrix(today: ServerThread, tmp_path: Path, capsys) -> None:
    mask_file(tmp_path / "m.png", SIZE, (300, 200, 500, 300))
    mask = ["--mask", str(tmp_path / "m.png")]
    assert run(today, tmp_path, *mask, "--prompt", "a door", "--prompt", "a window") == 0
    assert sorted(e["fields"]["prompt"] for e in seen(today)) == ["a door", "a window"]
    too_many = "{a|b|c|d} {a|b|c|d} {a|b|c|d} {a|b}"
    assert run(today, tmp_path, *mask, "--prompt", too_many) == 2
    assert "128 prompts" in capsys.readouterr().err


def test_two_regions_each_get_their_own_crop_and_prompt(
    today: ServerThread, tmp_path: Path
) -> None:
    left = mask_file(tmp_path / "a.png", SIZE, (80, 100, 200, 220))
    right = mask_file(tmp_path / "b.png", SIZE, (650, 350, 800, 500))
    args = ["--region", str(tmp_path / "a.png"), "a red cube"]
    args += ["--region", str(tmp_path / "b.png"), "a green plant", "-n", "2"]
    assert run(today, tmp_path, *args) == 0
    sent = seen(today)
    assert sorted(e["fields"]["prompt"] for e in sent) == ["a green plant", "a red cube"]
    assert len({e["fields"]["image"]["sha256"] for e in sent}) == 2  # each its own crop
    original = np.asarray(Image.open(tmp_path / "plain.png"))
    results = sorted((tmp_path / "out").glob("*.png"))
    assert len(results) == 2
    keep = far_from(left | right, default_feather(SIZE))
    for path in results:
        result = np.asarray(Image.open(path))
        assert np.array_equal(result[keep], original[keep]), "changed outside the regions"
        assert painted(result)[left].mean() > 0.9 and painted(result)[right].mean() > 0.9
    (sidecar,) = (tmp_path / "out").glob("*.json")
    regions = json.loads(sidecar.read_text())["regions"]
    assert [r["prompt"] for r in regions] == ["a red cube", "a green plant"]
    assert all(r["sent"]["crop"] is not None for r in regions)


def test_overlapping_regions_are_refused_before_sending(
    today: ServerThread, tmp_path: Path, capsys
) -> None:
    mask_file(tmp_path / "a.png", SIZE, (100, 100, 300, 300))
    mask_file(tmp_path / "b.png", SIZE, (250, 250, 400, 400))
    args = ["--region", str(tmp_path / "a.png"), "a cube"]
    args += ["--region", str(tmp_path / "b.png"), "a plant"]
    assert run(today, tmp_path, *args) == 2
    err = capsys.readouterr().err
    assert "a.png and b.png overlap" in err
    assert seen(today) == []
