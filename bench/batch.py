"""B1 helper: ``inpaint-editor batch`` over N photos of 12 MP on the local engine, against the
same photos as ``--jobs`` single ``edit`` processes side by side.

    python -m bench.batch --images 50 --jobs 2

Prints one JSON line: the batch's seconds, its process's RSS after each finished image (read
from /proc while it runs), and the single edits' seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from bench._common import MARK

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "results" / "batch"
W, H = 4000, 3000  # 12 MP


def _photos(count: int) -> tuple[Path, Path]:
    folder = WORK / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    y, x = np.mgrid[0:H, 0:W]
    base = np.stack([x * 255 // W, y * 255 // H, (x ^ y) & 255], axis=-1).astype(np.uint8)
    for i in range(count):
        path = folder / f"photo{i:03d}.png"
        if not path.exists():
            pixels = base.copy()
            pixels[:, :, 2] += np.uint8(i * 5 % 256)  # each its own bytes (wraps)
            Image.fromarray(pixels).save(path, compress_level=1)
    mask = WORK / "mask.png"
    if not mask.exists():
        rgba = np.full((H, W, 4), 255, np.uint8)
        rgba[1200:1800, 1500:2500, 3] = 0  # a logo-sized area, 5 % of the frame
        Image.fromarray(rgba).save(mask)
    return folder, mask


def _rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _done(out: Path) -> int:
    for manifest in out.glob("batch-*.json"):
        try:
            items = json.loads(manifest.read_text())["items"]
        except (OSError, ValueError):
            return -1
        return sum(1 for i in items.values() if i["state"] == "done")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    folder, mask = _photos(args.images)
    env = dict(os.environ)
    env["INPAINT_EDITOR_CONFIG_DIR"] = str(WORK / "config")
    common = ["--mask", str(mask), "--prompt", "remove the logo", "--model", "telea", "--quiet"]

    out = WORK / "out-batch"
    if out.exists():
        for f in out.iterdir():
            f.unlink()
    command = [sys.executable, "-m", "editor", "batch", str(folder), *common]
    command += ["--out", str(out), "--jobs", str(args.jobs), "--json"]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    rss: dict[int, int] = {}
    while child.poll() is None:
        done = _done(out)
        kb = _rss_kb(child.pid)
        if done > 0 and kb is not None:
            rss[done] = max(rss.get(done, 0), kb)
        time.sleep(0.05)
    batch_s = time.perf_counter() - started
    if child.returncode != 0:
        sys.stderr.write(child.stderr.read().decode()[-3000:] if child.stderr else "")
        return 1

    # The peer: `jobs` single edits at a time, each image its own process, as a shell loop would.
    single_out = WORK / "out-single"
    single_out.mkdir(exist_ok=True)
    photos = sorted(folder.glob("*.png"))[: args.images]
    started = time.perf_counter()
    running: list[subprocess.Popen[bytes]] = []
    for photo in photos:
        while len(running) >= args.jobs:
            running = [p for p in running if p.poll() is None]
            time.sleep(0.02)
        edit = [sys.executable, "-m", "editor", "edit", str(photo), *common]
        running.append(
            subprocess.Popen(
                [*edit, "--out", str(single_out)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    for p in running:
        p.wait()
    single_s = time.perf_counter() - started
    print(
        MARK
        + json.dumps(
            {
                "images": len(photos),
                "jobs": args.jobs,
                "batch_s": batch_s,
                "single_s": single_s,
                "rss_kb_by_done": rss,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
