"""`inpaint-editor edit` end to end: the shipped sample through the embedded engine."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from editor.cli.main import main
from editor.core.composite import default_feather

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "samples" / "coffee.png"
SAMPLE_MASK = ROOT / "resources" / "samples" / "coffee-mask.png"


def run_edit(prompt: str, *extra: str) -> int:
    """``edit`` on the shipped sample and its mask with ``prompt``, then ``extra`` arguments."""
    return main(["edit", str(SAMPLE), "--mask", str(SAMPLE_MASK), "--prompt", prompt, *extra])


def _edit_region() -> np.ndarray:
    return np.asarray(Image.open(SAMPLE_MASK))[..., 3] == 0


def _far_from_mask(edit: np.ndarray, reach: int) -> np.ndarray:
    """Pixels at least ``reach`` px (plus a safety pixel) away from any edited pixel."""
    import cv2

    dist = cv2.distanceTransform((~edit).astype(np.uint8), cv2.DIST_L2, 5)
    return dist > reach + 1


def test_edit_writes_composited_variants_and_sidecar(tmp_path: Path, capsys) -> None:
    code = run_edit("remove the spoon", "-n", "3", "--out", str(tmp_path))
    assert code == 0
    pngs = sorted(tmp_path.glob("*.png"))
    sidecars = list(tmp_path.glob("*.json"))
    assert len(pngs) == 3 and len(sidecars) == 1
    printed = capsys.readouterr().out.split()
    assert {Path(p).name for p in printed} == {p.name for p in [*pngs, *sidecars]}

    original = np.asarray(Image.open(SAMPLE).convert("RGB"))
    edit = _edit_region()
    keep = _far_from_mask(edit, default_feather((original.shape[1], original.shape[0])))
    results = [np.asarray(Image.open(p)) for p in pngs]
    for result in results:
        assert result.shape == original.shape
        assert np.array_equal(result[keep], original[keep]), "pixels outside the mask changed"
        changed = np.any(result != original, axis=-1)
        assert changed[edit].mean() > 0.5, "the masked spoon was not filled"
    # The variants differ honestly: not three copies of one result.
    assert not np.array_equal(results[0], results[1])

    sidecar = json.loads(sidecars[0].read_text())
    assert sidecar["prompt"] == "remove the spoon"
    assert sidecar["params"]["n"] == 3
    assert len(sidecar["variants"]) == 3
    assert all(
        any(name in v["revised_prompt"] for name in ("PatchMatch", "Telea", "Navier"))
        for v in sidecar["variants"]
    )
    assert sidecar["timings"]["total_s"] > 0
    assert sidecar["sent"]["original_size"] == [600, 400]


def test_no_composite_takes_the_whole_frame(tmp_path: Path) -> None:
    code = run_edit("x", "--no-composite", "--size", "300x200", "--out", str(tmp_path))
    assert code == 0
    (png,) = tmp_path.glob("*.png")
    result = np.asarray(Image.open(png))
    original = np.asarray(Image.open(SAMPLE).convert("RGB"))
    assert result.shape == original.shape
    # Sent at 300x200 and scaled back, so even far-away pixels are not bit-identical.
    keep = _far_from_mask(_edit_region(), 20)
    assert not np.array_equal(result[keep], original[keep])


def test_broken_image_is_bad_input(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(SAMPLE.read_bytes()[:500])
    code = main(["edit", str(broken), "--prompt", "x", "--out", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert "broken.png" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_mask_of_the_wrong_size_is_bad_input(tmp_path: Path, capsys) -> None:
    mask = tmp_path / "small.png"
    Image.new("RGBA", (64, 64), (0, 0, 0, 0)).save(mask)
    code = main(["edit", str(SAMPLE), "--mask", str(mask), "--prompt", "x", "--out", str(tmp_path)])
    assert code == 2
    assert "same size" in capsys.readouterr().err


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_service_is_a_service_error(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET-cli")
    port = _closed_port()
    code = run_edit(
        "x", "--endpoint", f"http://127.0.0.1:{port}/v1", "--retries", "0", "--out", str(tmp_path)
    )
    assert code == 3
    err = capsys.readouterr().err
    assert "127.0.0.1" in err or "connect" in err.lower()
    assert "sk-test-SECRET-cli" not in err
    assert not list(tmp_path.glob("*.png"))


def test_remote_endpoint_round_trip(server, tmp_path: Path, monkeypatch) -> None:
    """The same command against a real server on loopback, JSON body, the /v1/edits alias."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET-cli")
    code = run_edit(
        "remove the spoon",
        "--endpoint",
        server.base_url,
        "--route",
        "edits",
        "--json-body",
        "--model",
        "navier-stokes",
        "-n",
        "0",
        "--no-watermark",
        "--out",
        str(tmp_path),
    )
    assert code == 0
    (png,) = tmp_path.glob("*.png")
    provenance = Image.open(png).text
    assert provenance["inpaint-editor:prompt"] == "remove the spoon"
    assert provenance["inpaint-editor:endpoint"] == "127.0.0.1"
    for written in tmp_path.iterdir():
        assert b"sk-test-SECRET-cli" not in written.read_bytes(), written.name
    requests = httpx.get(f"{server.origin}/_test/requests").json()
    assert requests[-1]["authorization"] == "bearer"


def test_strip_metadata_saves_pixels_only(tmp_path: Path) -> None:
    code = run_edit(
        "remove the spoon", "--model", "telea", "--strip-metadata", "--out", str(tmp_path)
    )
    assert code == 0
    (png,) = tmp_path.glob("*.png")
    assert not Image.open(png).text


@pytest.mark.slow
def test_console_entry_point_runs_as_a_module(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "editor",
            "edit",
            str(SAMPLE),
            "--mask",
            str(SAMPLE_MASK),
            "--prompt",
            "remove the spoon",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(list(tmp_path.glob("*.png"))) == 1


def test_version_flag(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("inpaint-editor ")


def _sidecar(folder: Path) -> dict:
    (path,) = folder.glob("*.json")
    return json.loads(path.read_text())


def test_context_and_color_flags_reach_the_sidecar(tmp_path: Path) -> None:
    base = ["x", "-n", "2"]
    assert run_edit(*base, "--out", str(tmp_path / "a")) == 0
    default = _sidecar(tmp_path / "a")
    # The embedded engine: auto context, colour match off by default; its fill leaks nothing.
    assert default["params"]["context"] == "auto"
    assert default["params"]["color_match"] is False
    assert [v["leak"] for v in default["variants"]] == [
        {"changed_fraction": 0.0, "mean_delta": 0.0}
    ] * 2
    args = ["--context", "crop", "--color-match", "on", "--color-strength", "0.5"]
    assert run_edit(*base, *args, "--out", str(tmp_path / "b")) == 0
    chosen = _sidecar(tmp_path / "b")
    assert chosen["params"]["context"] == "crop"
    assert chosen["params"]["color_match"] is True
    assert chosen["params"]["color_match_strength"] == 0.5
    x0, y0, x1, y1 = chosen["sent"]["crop"]
    assert chosen["sent"]["sent_size"] == [x1 - x0, y1 - y0]  # native engine: the crop as is
    assert chosen["sent"]["original_size"] == [600, 400]
    (png,) = [p for p in (tmp_path / "b").glob("*-v1.png")]
    assert np.asarray(Image.open(png)).shape == (400, 600, 3)


def test_remote_defaults_to_color_match_and_whole_keeps_the_frame(
    server, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET-cli")
    httpx.post(
        f"{server.origin}/_test/faults", json={"kind": "echo_cast", "times": 2}
    ).raise_for_status()
    base = [
        "x",
        "--endpoint",
        server.base_url,
        "--model",
        "gpt-image-1",
    ]
    assert run_edit(*base, "--out", str(tmp_path / "a")) == 0
    remote = _sidecar(tmp_path / "a")
    assert remote["params"]["color_match"] is True
    assert remote["params"]["context"] == "auto"
    assert set(remote["variants"][0]["leak"]) == {"changed_fraction", "mean_delta"}
    args = ["--context", "whole", "--color-match", "off"]
    assert run_edit(*base, *args, "--out", str(tmp_path / "b")) == 0
    whole = _sidecar(tmp_path / "b")
    assert whole["params"]["color_match"] is False and whole["params"]["context"] == "whole"
    assert whole["sent"]["crop"] is None and whole["sent"]["sent_size"] == [1536, 1024]
