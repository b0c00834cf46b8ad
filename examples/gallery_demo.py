"""``python examples/gallery_demo.py``: the gallery alone with a few made-up jobs, for a quick
look."""

from __future__ import annotations

import sys

import numpy as np
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from editor.ui.gallery.gallery import Gallery


def sample(w: int, h: int, hue: int) -> np.ndarray:
    """A soft two-colour gradient with a disc, so thumbnails look like pictures."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    r = (x / w * 200 + hue) % 256
    g = y / h * 180 + 40
    b = np.full_like(x, (hue * 3) % 256)
    disc = (x - w * 0.6) ** 2 + (y - h * 0.45) ** 2 < (min(w, h) * 0.22) ** 2
    img = np.dstack([r, g, b]).astype(np.uint8)
    img[disc] = (250, 235, 200)
    return img


def dark_palette() -> QPalette:
    """A plain dark palette, to check the widgets under dark themes without a desktop."""
    R = QPalette.ColorRole
    pal = QPalette()
    for role, rgb in (
        (R.Window, (45, 45, 48)), (R.WindowText, (230, 230, 230)), (R.Base, (32, 32, 35)),
        (R.AlternateBase, (52, 52, 56)), (R.Text, (230, 230, 230)), (R.Button, (52, 52, 56)),
        (R.ButtonText, (230, 230, 230)), (R.Mid, (90, 90, 96)),
        (R.PlaceholderText, (150, 150, 155)), (R.Highlight, (64, 140, 230)),
        (R.HighlightedText, (255, 255, 255)), (R.ToolTipBase, (52, 52, 56)),
        (R.ToolTipText, (230, 230, 230)),
    ):  # fmt: skip
        pal.setColor(role, QColor(*rgb))
    return pal


def main(argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    if "--dark" in (argv if argv is not None else sys.argv[1:]):
        app.setPalette(dark_palette())
    g = Gallery()
    jobs = [
        ("j1", "a red bicycle leaning on the wall", "2 variants · 4.1 s", 2, (1200, 800)),
        ("j2", "replace the sky with a stormy sunset over the sea", "failed: 429 rate limited", 0,
         (800, 800)),
        ("j3", "a tabby cat asleep on the windowsill, soft morning light, film grain", "", 5,
         (900, 1350)),
    ]  # fmt: skip
    for job_id, prompt, status, n, (w, h) in jobs:
        g.add_job(job_id, prompt, f"Prompt: {prompt}")
        g.set_job_status(job_id, status or "running 45 % · 3.2 s")
        for i in range(n):
            tip = f"Prompt: {prompt}\nsize {w}×{h} · quality high\nRevised: {prompt}, detailed"
            g.add_variant(job_id, i, sample(w, h, 40 * i + len(job_id) * 30), tip)
    g.select("j3", 1)
    g.setWindowTitle("Gallery")
    g.resize(560, 700)
    g.show()
    g.setFocus()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
