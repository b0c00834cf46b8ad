"""``python examples/compare_demo.py IMAGE [--wipe]``: compare IMAGE with a made-up variant."""

from __future__ import annotations

import argparse
import sys

import cv2
import numpy as np
from PIL import Image
from PySide6.QtWidgets import QApplication

from editor.ui.compare.compare import CompareView


def fake_variant(pixels: np.ndarray) -> np.ndarray:
    """The original with its middle third recoloured, standing in for an edit."""
    out = pixels.copy()
    h, w = out.shape[:2]
    y0, y1, x0, x1 = h // 3, 2 * h // 3, w // 3, 2 * w // 3
    hsv = cv2.cvtColor(np.ascontiguousarray(out[y0:y1, x0:x1, :3]), cv2.COLOR_RGB2HSV)
    hsv[..., 0] = (hsv[..., 0].astype(np.int32) + 60) % 180
    out[y0:y1, x0:x1, :3] = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python examples/compare_demo.py")
    parser.add_argument("image")
    parser.add_argument("--wipe", action="store_true", help="start in wipe mode")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    pixels = np.asarray(Image.open(args.image).convert("RGB"))
    view = CompareView()
    view.set_images(pixels, fake_variant(pixels))
    view.set_labels("Original", "Variant 2 · job 3")
    if args.wipe:
        view.set_mode("wipe")
    view.setWindowTitle(f"Compare — {args.image}")
    view.resize(1200, 700)
    view.show()
    view.setFocus()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
