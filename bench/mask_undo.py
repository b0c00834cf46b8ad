"""M5 helper: what the mask's undo history costs after 100 brush strokes on a 24 MP image.

    python -m bench.mask_undo [--strokes 100]

A 6000×4000 MaskDocument gets ``--strokes`` strokes of a 100 px-radius brush, each a wandering
path of 12 moves (about 1 500 px long), at random places; VmRSS before and after and the
document's own count of stored undo bytes are reported.
"""

from __future__ import annotations

import argparse
import gc

import numpy as np

from bench._common import emit
from bench.gui_job import _rss_mb
from editor.core.mask_document import MaskDocument


def measure(strokes: int) -> dict[str, object]:
    rng = np.random.default_rng(7)
    w, h = 6000, 4000
    doc = MaskDocument(w, h)
    doc.fill_all()  # touch every page of the mask: the mask itself is not the history
    doc.clear()
    doc.clear_history()
    gc.collect()
    before = _rss_mb()
    for _ in range(strokes):
        x, y = float(rng.uniform(0, w)), float(rng.uniform(0, h))
        doc.begin_stroke(x, y, radius=100, erase=bool(rng.random() < 0.2))
        for _ in range(12):
            x = float(np.clip(x + rng.normal(0, 130), 0, w - 1))
            y = float(np.clip(y + rng.normal(0, 130), 0, h - 1))
            doc.stroke_to(x, y)
        doc.end_stroke()
    gc.collect()
    after = _rss_mb()
    return {
        "strokes": strokes,
        "image": f"{w}x{h}",
        "rss_before_mb": before,
        "rss_after_mb": after,
        "rss_growth_mb": after - before,
        "history_mb": doc.history_nbytes / 1024**2,
        "mask_mb": doc.edit.nbytes / 1024**2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=100)
    args = parser.parse_args()
    emit(measure(args.strokes))


if __name__ == "__main__":
    main()
