"""``inpaint-editor batch DIR``: one edit over every image of a folder, resumable.

Each image goes through ``edit`` as is (its options, composite at full resolution, a sidecar
beside its results). The manifest (editor.cli.batch_manifest) records every image's state, so
running the same command again skips what is done, retries what failed and never writes an
output twice. An unreadable image, a mask of another size or a service error fails that image
and the batch goes on; a rejected key or an exhausted quota stops it (every other image would
fail the same way). Ctrl+C stops cleanly: what finished is recorded, nothing is half-written.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import json
import signal
import sys
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editor.cli.batch_manifest import DONE, FAILED, SKIPPED, BatchManifest, ItemRecord, file_digest
from editor.cli.edit_command import (
    EXIT_BAD_INPUT,
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_SERVICE,
    edit_one,
    edit_parser,
)
from editor.cli.progress import ProgressLine
from editor.client import AuthenticationError, EditError, QuotaExceededError
from editor.core.imageio import ImageLoadError
from editor.pipeline.errors import InputError

__all__ = ["BatchSummary", "find_images", "match_mask", "run_batch", "run_batch_command"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
# Options that change what an image's result is: part of the batch's identity (its key).
_ASKED = (
    "prompt", "region", "invert_mask", "n", "model", "size", "quality", "complexity", "markup",
    "markup_as_mask", "watermark", "background", "output_format", "output_compression",
    "input_fidelity", "ref", "expand", "aspect", "anchor", "endpoint", "no_composite", "feather",
    "context", "context_margin", "color_match", "color_strength", "strip_metadata",
)  # fmt: skip


def find_images(folder: Path) -> list[Path]:
    """The folder's images (not its subfolders), by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def match_mask(image: Path, mask_dir: Path) -> Path | None:
    """``photo.png`` ↔ ``photo.png`` or ``photo.mask.png`` (any image suffix) in ``mask_dir``."""
    for stem in (image.stem, f"{image.stem}.mask"):
        for suffix in (image.suffix, *IMAGE_SUFFIXES):
            candidate = mask_dir / f"{stem}{suffix}"
            if candidate.is_file():
                return candidate
    return None


@dataclass(slots=True)
class BatchSummary:
    images: int = 0
    done: list[str] = field(default_factory=list)
    already_done: list[str] = field(default_factory=list)  # done by an earlier run
    failed: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    cost: float = 0.0
    cost_known: bool = True
    seconds: float = 0.0
    stopped: str = ""  # why the batch stopped early (key rejected, quota, Ctrl+C)
    manifest: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "images": self.images,
            "done": self.done,
            "already_done": self.already_done,
            "failed": self.failed,
            "skipped": self.skipped,
            "cost": round(self.cost, 6) if self.cost_known else None,
            "seconds": round(self.seconds, 3),
            "stopped": self.stopped or None,
            "manifest": self.manifest,
        }

    def text(self) -> str:
        lines = [
            f"{len(self.done)} done, {len(self.already_done)} done before, "
            f"{len(self.failed)} failed, {len(self.skipped)} skipped of {self.images} images "
            f"in {self.seconds:.1f} s"
            + (f"; cost ≈ ${self.cost:.3f}" if self.cost_known and self.cost else ""),
        ]
        lines += [f"  failed {name}: {why}" for name, why in self.failed.items()]
        lines += [f"  skipped {name}: {why}" for name, why in self.skipped.items()]
        if self.stopped:
            lines.append(f"Stopped: {self.stopped}")
        if self.failed or self.stopped:
            lines.append("Run the same command again to retry what failed and go on.")
        return "\n".join(lines)


class _Progress:
    """One status line: images done and failed, time, cost so far and the time left."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total, self.enabled = total, enabled
        self.started = time.perf_counter()
        self.finished = 0

    def show(self, summary: BatchSummary) -> None:
        self.finished = len(summary.done) + len(summary.failed)
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.started
        left = self.total - self.finished - len(summary.already_done) - len(summary.skipped)
        eta = f" · about {elapsed / self.finished * left:.0f} s left" if self.finished else ""
        cost = f" · ${summary.cost:.3f}" if summary.cost else ""
        sys.stderr.write(
            f"\r\x1b[K{len(summary.done) + len(summary.already_done)}/{self.total} done"
            f" · {len(summary.failed)} failed · {elapsed:.0f} s{cost}{eta}"
        )
        sys.stderr.flush()

    def end(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


class _Stop(Exception):
    """Every other image would fail the same way."""


def _asked(options: argparse.Namespace, mask_sha: str, mask_dir: Path | None) -> dict[str, Any]:
    asked = {name: getattr(options, name, None) for name in _ASKED}
    asked["mask"] = mask_sha
    if mask_dir is not None:  # the folder's masks by name and content
        asked["mask_dir"] = {
            p.name: file_digest(p) for p in sorted(mask_dir.iterdir()) if p.is_file()
        }
    return asked


async def run_batch(options: argparse.Namespace, *, progress: bool = False) -> BatchSummary:
    """The batch the options ask for (see the module doc); InputError for a bad folder or
    mask before anything is sent."""
    started = time.perf_counter()
    folder = Path(options.folder)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder.")
    images = find_images(folder)
    if not images:
        raise InputError(f"{folder} holds no images (PNG, JPEG or WebP).")
    mask_dir = Path(options.mask_dir) if options.mask_dir else None
    if mask_dir is not None and not mask_dir.is_dir():
        raise InputError(f"The mask folder {mask_dir} is not a folder.")
    single = Path(options.mask) if options.mask else None
    if single is not None and not single.is_file():
        raise InputError(f"The mask {single} does not exist.")
    mask_sha = await asyncio.to_thread(file_digest, single) if single else ""
    out = Path(options.out)
    asked = await asyncio.to_thread(_asked, options, mask_sha, mask_dir)
    manifest = BatchManifest.open(out, asked)
    summary = BatchSummary(images=len(images), manifest=str(manifest.path))
    line = _Progress(len(images), enabled=progress)
    jobs = options.jobs or (4 if options.endpoint else 2)
    if jobs < 1:
        raise InputError("--jobs is at least 1.")
    slots = asyncio.Semaphore(jobs)
    stop = asyncio.Event()

    async def one(image: Path) -> None:
        name = image.name
        mask = match_mask(image, mask_dir) if mask_dir is not None else single
        if mask_dir is not None and mask is None:
            why = f"no mask named {image.stem}{image.suffix} or {image.stem}.mask.png"
            summary.skipped[name] = why
            manifest.record(name, ItemRecord(SKIPPED, error=why))
            return
        async with slots:
            if stop.is_set():
                return
            image_sha = await asyncio.to_thread(file_digest, image)
            this_mask = mask_sha
            if mask_dir is not None and mask is not None:
                this_mask = await asyncio.to_thread(file_digest, mask)
            if manifest.done(name, image_sha, this_mask):
                summary.already_done.append(name)
                line.show(summary)
                return
            per = copy.copy(options)
            per.image, per.mask, per.quiet = str(image), str(mask) if mask else None, True
            per.stem = f"{image.stem}-{manifest.key[:6]}"  # the same names when resumed
            began = time.perf_counter()
            record = ItemRecord(FAILED, image_sha, this_mask)
            try:
                paths = await edit_one(per, ProgressLine(enabled=False))
            except (ImageLoadError, InputError) as exc:
                record.error = str(exc)
            except EditError as exc:
                record.error = exc.user_message
                if isinstance(exc, AuthenticationError | QuotaExceededError):
                    summary.stopped = exc.user_message
                    stop.set()
            except OSError as exc:
                record.error = f"could not write the results: {exc}"
            else:
                record.state = DONE
                record.outputs = [p.name for p in paths]
                record.cost = _cost(paths[-1])
            record.seconds = round(time.perf_counter() - began, 3)
            manifest.record(name, record)
            if record.state == DONE:
                summary.done.append(name)
                if record.cost is None:
                    summary.cost_known = summary.cost_known and _free(paths[-1])
                else:
                    summary.cost += record.cost
            else:
                summary.failed[name] = record.error
            line.show(summary)

    try:
        await asyncio.gather(*(one(image) for image in images))
    finally:
        line.end()
        summary.seconds = time.perf_counter() - started
        summary.done.sort()
        summary.already_done.sort()
    return summary


def _cost(sidecar: Path) -> float | None:
    try:
        amount = json.loads(sidecar.read_text()).get("cost", {}).get("amount")
    except (OSError, ValueError, AttributeError):
        return None
    return float(amount) if isinstance(amount, int | float) else None


def _free(sidecar: Path) -> bool:
    """The local engine costs nothing: a missing price is no unknown cost there."""
    try:
        return "local engine" in json.loads(sidecar.read_text()).get("endpoint", "")
    except (OSError, ValueError, AttributeError):
        return False


async def _stopped_by_sigterm(work: Awaitable[BatchSummary]) -> BatchSummary:
    """SIGTERM stops the batch as Ctrl+C does. The window's Stop sends it: a process started
    from a background shell has SIGINT ignored, and its children inherit that."""
    task = asyncio.current_task()
    assert task is not None
    # Windows: the loop takes no signal handlers (NotImplementedError).
    with contextlib.suppress(NotImplementedError, RuntimeError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return await work


def run_batch_command(argv: Sequence[str]) -> int:
    options = edit_parser(batch=True).parse_args(list(argv))
    if not options.prompt and not options.region:
        print(
            "inpaint-editor batch: --prompt is needed (or --region MASK PROMPT).", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    try:
        summary = asyncio.run(
            _stopped_by_sigterm(
                run_batch(options, progress=sys.stderr.isatty() and not options.quiet)
            )
        )
    except InputError as exc:
        print(f"inpaint-editor batch: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, asyncio.CancelledError):
        print(
            "inpaint-editor batch: stopped; what finished is recorded — run the same command "
            "again to go on",
            file=sys.stderr,
        )
        return EXIT_CANCELLED
    if options.json:
        print(json.dumps(summary.as_json(), indent=2))
    else:
        print(summary.text())
    if summary.stopped:
        return EXIT_SERVICE
    return EXIT_FAILED if summary.failed else EXIT_OK
