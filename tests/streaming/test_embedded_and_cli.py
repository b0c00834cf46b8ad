"""The embedded engine streams event by event; the CLI's --stream and --max-n-per-request."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from editor.cli.edit_command import run_edit_command
from editor.client import PartialImage, Progress
from editor.pipeline import embedded_client

from .helpers import mask_png, photo_array, png_of, stream_request


@pytest.mark.asyncio
async def test_embedded_partials_arrive_before_the_final() -> None:
    """Each partial is handed over while the stream is still incomplete (not all at the end)."""
    received = [0]
    at_partial: list[int] = []

    def on_progress(p: Progress) -> None:
        if p.phase == "streaming":
            received[0] = p.done

    def on_partial(p: PartialImage) -> None:
        at_partial.append(received[0])

    async with embedded_client() as client:
        result = await client.edit(
            stream_request(partial_images=2), on_partial=on_partial, on_progress=on_progress
        )
    assert len(at_partial) == 2 and len(result.images) == 1
    assert at_partial[0] < at_partial[1] < received[0]


@pytest.mark.asyncio
async def test_embedded_stream_closed_early_cancels_cleanly() -> None:
    """Cancel after the first preview arrived: no final image, and the client still works."""
    first_preview = asyncio.Event()
    previews: list[PartialImage] = []

    def on_partial(p: PartialImage) -> None:
        previews.append(p)
        first_preview.set()

    async with embedded_client() as client:
        task = asyncio.create_task(
            client.edit(stream_request(n=3, partial_images=3), on_partial=on_partial)
        )
        waiter = asyncio.create_task(first_preview.wait())
        done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        assert waiter in done and task not in done  # the stream had started, not finished
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert 1 <= len(previews) < 9  # three variants × three previews were never all sent
        after = await client.edit(stream_request(n=1, partial_images=1, model="telea"))
        assert len(after.images) == 1


def test_cli_stream_and_fan_out_write_cost_and_per_request_timings(tmp_path: Path) -> None:
    image, mask = tmp_path / "img.png", tmp_path / "mask.png"
    image.write_bytes(png_of(photo_array()))
    mask.write_bytes(mask_png())
    code = run_edit_command(
        [
            str(image),
            "--mask",
            str(mask),
            "--prompt",
            "fill",
            "-n",
            "2",
            "--model",
            "telea",
            "--stream",
            "--partial-images",
            "2",
            "--max-n-per-request",
            "1",
            "--out",
            str(tmp_path / "out"),
            "--quiet",
        ]
    )
    assert code == 0
    sidecar = json.loads(next((tmp_path / "out").glob("*.json")).read_text())
    assert len(sidecar["variants"]) == 2
    assert sidecar["params"]["stream"] is True and sidecar["params"]["partial_images"] == 2
    assert sidecar["cost"]["amount"] == 0.0 and "estimate" in sidecar["cost"]
    assert sidecar["tokens"]["total_tokens"] == 0
    requests = sidecar["timings"]["requests"]
    assert [r["variants"] for r in requests] == [[1], [2]]
    assert all(r["ok"] and r["total_s"] > 0 for r in requests)


def test_cli_partial_images_need_stream(tmp_path: Path) -> None:
    image = tmp_path / "img.png"
    image.write_bytes(png_of(photo_array()))
    code = run_edit_command([str(image), "--prompt", "x", "--partial-images", "1", "--quiet"])
    assert code == 2
