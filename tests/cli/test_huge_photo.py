"""A 96 MP photo with most of it masked goes through the local engine and comes back whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

WIDTH, HEIGHT = 12000, 8000  # 96 MP


# Our own reads of the synthetic photo: the app's reads allow it (editor.core.imageio).
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_96_megapixel_photo_with_a_mask_over_most_of_it(tmp_path: Path) -> None:
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    original = np.stack([x * 255 // WIDTH, y * 255 // HEIGHT, (x ^ y) & 255], axis=-1)
    original = original.astype(np.uint8)
    del x, y
    Image.fromarray(original).save(tmp_path / "photo.png", compress_level=1)
    hole = np.zeros((HEIGHT, WIDTH), np.uint8)
    hole[400:-400, 300:-300] = 255  # 86 % of the frame
    Image.fromarray(hole).save(tmp_path / "mask.png")
    env = {
        **os.environ,
        "INPAINT_EDITOR_CONFIG_DIR": str(tmp_path / "config"),
        "INPAINT_EDITOR_DATA_DIR": str(tmp_path / "data"),
    }
    command = [sys.executable, "-m", "editor", "edit", str(tmp_path / "photo.png")]
    command += ["--mask", str(tmp_path / "mask.png"), "--prompt", "fill", "--model", "telea"]
    command += ["-n", "1", "--out", str(tmp_path / "out"), "--quiet"]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (result_path,) = (tmp_path / "out").glob("*.png")
    result = np.asarray(Image.open(result_path).convert("RGB"))
    assert result.shape == original.shape
    # Far from the hole (beyond the composite's feather) every pixel is the original's.
    assert np.array_equal(result[:200], original[:200])
    assert np.array_equal(result[:, :150], original[:, :150])
    inside = result[1000:-1000, 1000:-1000] != original[1000:-1000, 1000:-1000]
    assert inside.any(axis=-1).mean() > 0.5, "the masked area was not filled"
    (sidecar,) = (tmp_path / "out").glob("*.json")
    said = json.loads(sidecar.read_text())["variants"][0]["revised_prompt"]
    assert "filled at" in said and "upscaled" in said
