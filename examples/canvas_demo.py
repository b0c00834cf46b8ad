"""``python examples/canvas_demo.py IMAGE [MASK]``: the canvas alone in a window, for a
quick look."""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np
from PIL import Image
from PySide6.QtWidgets import QApplication

from editor.core.mask_document import MaskDocument
from editor.ui.canvas.mask_canvas import MaskCanvas


def main(argv: list[str] | None = None) -> int:
    """Open the canvas alone on IMAGE (and an optional mask PNG) for a quick look."""
    parser = argparse.ArgumentParser(prog="python examples/canvas_demo.py")
    parser.add_argument("image")
    parser.add_argument("mask", nargs="?", help="edit mask: white/transparent = edit")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    pixels = np.asarray(Image.open(args.image).convert("RGBA"))
    if not (pixels[..., 3] < 255).any():
        pixels = np.ascontiguousarray(pixels[..., :3])
    h, w = pixels.shape[:2]
    doc = MaskDocument(w, h)
    canvas = MaskCanvas()
    canvas.set_image(pixels)
    canvas.set_document(doc)
    if args.mask:
        m = Image.open(args.mask)
        edit = np.asarray(m)[..., 3] == 0 if m.mode == "RGBA" else np.asarray(m.convert("L")) > 127
        doc.replace(edit)
    else:  # a visible sample stroke so the overlay shows in screenshots
        doc.begin_stroke(w * 0.3, h * 0.6, radius=max(8, w / 30), hardness=0.85)
        for i in range(1, 41):
            t = i / 40
            doc.stroke_to(w * (0.3 + 0.35 * t), h * (0.6 - 0.25 * math.sin(t * math.pi)))
        doc.end_stroke()
    canvas.setWindowTitle(f"Mask canvas — {args.image}")
    canvas.resize(1200, 800)
    canvas.show()
    canvas.setFocus()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
