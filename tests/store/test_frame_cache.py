"""The frame cache: bounded by bytes, evicts the least recently used, reloads bit-identical."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from editor.core.imageio import encode_png
from editor.store import FrameCache, FrameMissing, default_cache_bytes

MB = 1024**2


def _frames(tmp_path: Path, count: int) -> list[tuple[Path, np.ndarray]]:
    rng = np.random.default_rng(3)
    out = []
    for i in range(count):
        pixels = rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)
        path = tmp_path / f"variant-{i}.png"
        path.write_bytes(encode_png(pixels))
        out.append((path, pixels))
    return out


def test_the_cache_holds_its_budget_and_an_evicted_frame_comes_back_bit_identical(
    tmp_path: Path,
) -> None:
    frames = _frames(tmp_path, 5)
    one = frames[0][1].nbytes
    cache = FrameCache(max_bytes=2 * one)
    for path, pixels in frames:
        cache.put(path, pixels)
        assert cache.used_bytes <= 2 * one
    assert len(cache) == 2
    assert frames[0][0] not in cache and frames[4][0] in cache  # oldest went first
    loads = cache.loads
    again = cache.load(frames[0][0])  # evicted: read from its file
    assert cache.loads == loads + 1
    np.testing.assert_array_equal(again, frames[0][1])
    assert cache.get(frames[0][0]) is again  # and cached once more
    assert cache.used_bytes <= 2 * one


def test_using_a_frame_keeps_it_over_older_ones(tmp_path: Path) -> None:
    frames = _frames(tmp_path, 3)
    cache = FrameCache(max_bytes=2 * frames[0][1].nbytes)
    cache.put(frames[0][0], frames[0][1])
    cache.put(frames[1][0], frames[1][1])
    assert cache.get(frames[0][0]) is not None  # now the most recently used
    cache.put(frames[2][0], frames[2][1])
    assert frames[0][0] in cache and frames[1][0] not in cache


def test_a_frame_larger_than_the_budget_is_still_kept_while_newest(tmp_path: Path) -> None:
    (path, pixels), (other, more) = _frames(tmp_path, 2)
    cache = FrameCache(max_bytes=10)
    cache.put(path, pixels)
    assert cache.get(path) is pixels
    cache.put(other, more)
    assert path not in cache and other in cache


def test_a_deleted_file_is_a_plain_frame_missing(tmp_path: Path) -> None:
    ((path, _),) = _frames(tmp_path, 1)
    path.unlink()
    cache = FrameCache()
    with pytest.raises(FrameMissing, match="missing"):
        cache.load(path)
    with pytest.raises(FrameMissing):
        asyncio.run(cache.load_async(path))


def test_two_asks_for_one_file_share_one_decode(tmp_path: Path) -> None:
    ((path, pixels),) = _frames(tmp_path, 1)
    cache = FrameCache()

    async def both() -> list[np.ndarray]:
        return list(await asyncio.gather(cache.load_async(path), cache.load_async(path)))

    a, b = asyncio.run(both())
    assert a is b and cache.loads == 1
    np.testing.assert_array_equal(a, pixels)


def test_the_default_budget_is_three_frames_or_600_mb() -> None:
    frame_24mp = 6000 * 4000 * 3
    assert default_cache_bytes(frame_24mp) == 3 * frame_24mp  # 206 MB < 600 MB
    assert default_cache_bytes(12000 * 8000 * 4) == 600 * MB  # 3 × 384 MB is over the cap
    huge = 16000 * 12000 * 4
    assert default_cache_bytes(huge) == huge  # one frame at least
    assert default_cache_bytes(10 * MB) == 30 * MB
    assert default_cache_bytes(frame_24mp, 1024 * MB) == 1024 * MB  # the setting wins
