"""Context crop, colour match and leak: what they buy and what they cost.

Run: .venv/bin/python bench/context.py [--runs N]. Prints
(a) the masked region's density as sent (sent px per original px along an edge) for a 24 MP photo
    with 1 %, 2 %, 6 % and 30 % masks, context auto vs whole, per model;
(b) colour-match error inside the mask before/after, histogram vs Lab mean/std, on casts of the
    shipped coffee photo and a synthetic photo — both for an echo (the service returns our pixels
    under a cast) and for new content (the mask holds other pixels under the same cast);
(c) composite + colour match (and the leak numbers) on 24 MP with a 6 % mask, median/p95.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # runnable without install
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pixels import MASK_FRACTIONS, _stats, blob_mask, photo_like

from editor.core.color_match import fit_color
from editor.core.composite import default_feather, take_variant
from editor.core.context import density, plan_with_context
from editor.core.leak import leak_stats
from editor.core.models import model_spec
from editor.core.sent_view import sent_view
from editor.core.sizing import SendPlan, apply_plan, plan_for

ROOT = Path(__file__).resolve().parent.parent
COFFEE = ROOT / "resources" / "samples" / "coffee.png"
COFFEE_MASK = ROOT / "resources" / "samples" / "coffee-mask.png"
Cast = Callable[[np.ndarray], np.ndarray]
DENSITY_FRACTIONS = (MASK_FRACTIONS[0], 0.02, *MASK_FRACTIONS[1:])


def cast(
    gain: tuple[float, float, float], offset: tuple[float, float, float], gamma: float
) -> Cast:
    def apply(rgb: np.ndarray) -> np.ndarray:
        x = (rgb.astype(np.float64) / 255.0) ** gamma * 255.0
        return np.clip(np.rint(x * np.asarray(gain) + np.asarray(offset)), 0, 255).astype(np.uint8)

    return apply


CASTS: dict[str, Cast] = {
    "+20 R / x0.9 G / -10 B": cast((1.0, 0.9, 1.0), (20, 0, -10), 1.0),
    "gamma 1.4": cast((1.0, 1.0, 1.0), (0, 0, 0), 1.4),
    "gamma 0.75 + warm": cast((1.05, 1.0, 0.92), (6, 0, 0), 0.75),
}


def measure_density() -> list[str]:
    w, h = 6000, 4000
    rows = []
    for model in ("gpt-image-1", "gpt-image-2", "telea"):
        spec = model_spec(model)
        for fraction in DENSITY_FRACTIONS:
            edit = blob_mask(w, h, fraction)
            reach = default_feather((w, h))
            whole = plan_for((w, h), spec)
            auto = plan_with_context((w, h), edit, spec, mode="auto", reach=reach)
            crop = auto.crop_size
            rows.append(
                f"  {model:<12} mask {fraction:>4.0%}: whole {density(whole):.3f}  "
                f"auto {density(auto):.3f} (crop {crop[0]}x{crop[1]} -> sent "
                f"{auto.target_size[0]}x{auto.target_size[1]})"
            )
    return rows


def _load_coffee() -> tuple[np.ndarray, np.ndarray]:
    img = np.asarray(Image.open(COFFEE).convert("RGB"))
    edit = (np.asarray(Image.open(COFFEE_MASK))[..., 3] == 0).astype(np.uint8) * 255
    return img, edit


def _synthetic() -> tuple[np.ndarray, np.ndarray]:
    img = photo_like(1500, 1000, seed=3)
    return img, blob_mask(1500, 1000, 0.06)


def _errors(expected: np.ndarray, got: np.ndarray, inside: np.ndarray) -> tuple[float, float]:
    """(mean abs RGB delta, mean ΔE76) over ``inside``."""
    rgb = float(np.abs(got[inside].astype(float) - expected[inside].astype(float)).mean())
    lab_e = cv2.cvtColor(expected.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)[inside]
    lab_g = cv2.cvtColor(got.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)[inside]
    return rgb, float(np.linalg.norm(lab_e - lab_g, axis=1).mean())


def _case(img: np.ndarray, edit: np.ndarray, c: Cast, new_content: bool) -> list[str]:
    h, w = edit.shape
    plan: SendPlan = plan_for((w, h), model_spec("telea"))  # native: isolates the colour step
    reach = default_feather((w, h))
    truth = img.copy()
    if new_content:  # the service painted something else in the mask: other pixels, same cast
        inside = edit > 0
        truth[inside] = np.ascontiguousarray(img[::-1, ::-1])[inside]
    returned = c(truth)
    inside = edit == 255
    view = sent_view(img, edit, plan, reach)
    out = [take_variant(img, returned, plan, edit, reach=reach)]
    for method in ("histogram", "lab"):
        fix = fit_color(view, returned, plan, method=method)
        out.append(take_variant(img, returned, plan, edit, reach=reach, color=fix))
    cells = [_errors(truth, o, inside) for o in out]
    return [f"{rgb:6.2f} / {de:5.2f}" for rgb, de in cells]


def measure_color() -> list[str]:
    rows = [f"  {'case':<44} {'none':>14} {'histogram':>14} {'lab':>14}   (RGB / ΔE76)"]
    for name, (img, edit) in (("coffee", _load_coffee()), ("synthetic", _synthetic())):
        for cast_name, c in CASTS.items():
            for new in (False, True):
                label = f"{name}, {cast_name}, {'new content' if new else 'echo'}"
                cells = _case(img, edit, c, new)
                rows.append(f"  {label:<44} " + " ".join(f"{x:>14}" for x in cells))
    return rows


def measure_time(runs: int) -> list[str]:
    w, h = 6000, 4000
    original = photo_like(w, h)
    edit = blob_mask(w, h, 0.06)
    reach = default_feather((w, h))
    rows = []
    for mode in ("auto", "whole"):
        plan = plan_with_context((w, h), edit, model_spec("gpt-image-1"), mode=mode, reach=reach)
        returned = CASTS["+20 R / x0.9 G / -10 B"](apply_plan(original, plan))

        def plain(plan: SendPlan = plan, returned: np.ndarray = returned) -> object:
            return take_variant(original, returned, plan, edit, reach=reach)

        def matched(plan: SendPlan = plan, returned: np.ndarray = returned) -> object:
            view = sent_view(original, edit, plan, reach)
            fix = fit_color(view, returned, plan)
            return take_variant(original, returned, plan, edit, reach=reach, color=fix)

        def leak(plan: SendPlan = plan, returned: np.ndarray = returned) -> object:
            return leak_stats(sent_view(original, edit, plan, reach), returned, plan)

        def finish(plan: SendPlan = plan, returned: np.ndarray = returned) -> object:
            # What finish_variants does per variant: one view shared by leak and colour.
            view = sent_view(original, edit, plan, reach)
            leak_stats(view, returned, plan)
            fix = fit_color(view, returned, plan)
            return take_variant(original, returned, plan, edit, reach=reach, color=fix)

        for label, fn in (
            ("composite", plain),
            ("composite+colour", matched),
            ("leak", leak),
            ("all three", finish),
        ):
            s = _stats(fn, runs)
            rows.append(
                f"  {mode:<5} {label:<18} median {s['median_ms']:7.1f} ms   "
                f"p95 {s['p95_ms']:7.1f} ms"
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    print(f"opencv threads: {cv2.getNumThreads()}, runs: {args.runs}")
    print("(a) masked-region density, sent px per original px along an edge (24 MP)")
    print("\n".join(measure_density()))
    print("(b) colour error inside the mask after composite, vs the uncast truth")
    print("\n".join(measure_color()))
    print("(c) 24 MP, 6 % mask, gpt-image-1 variant under a cast")
    print("\n".join(measure_time(args.runs)))


if __name__ == "__main__":
    main()
