"""M4 helper: RSS after restoring a many-round session of a 24 MP photo into the window.

    python -m bench.gui_restore [--rounds 50] [--n 1]

Writes a session with ``--rounds`` rounds of ``--n`` variants each (6000×4000; every variant
the same picture, written as its own file, as the app writes them), then a shown MainWindow
restores it and the tiles in view load their thumbnails. VmRSS is read before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import inspect
import os
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import qasync  # isort: skip  # after PySide6
from bench._common import emit
from bench.gui_job import _rss_mb
from bench.pixels import blob_mask, photo_like
from editor.core.imageio import encode_png
from editor.pipeline import ApiOptions, EditParams, embedded_client
from editor.store import RoundState, SessionStore
from editor.ui.app import make_application
from editor.ui.common.services import Profile
from editor.ui.session.restore import restore_session
from editor.ui.window.main_window import MainWindow


def _write_session(store: SessionStore, rounds: int, n: int) -> str:
    w, h = 6000, 4000
    pixels, edit = photo_like(w, h), blob_mask(w, h, 0.02)
    session = store.create(pixels, original_name="bench.png")
    variant = pixels.copy()
    variant[edit > 0] = 128
    png = encode_png(variant)
    proxy = "proxy_side" in inspect.signature(session.add_variant).parameters
    for r in range(rounds):
        record = session.start_round(
            EditParams(ApiOptions(prompt=f"round {r}", model="telea")), mask=edit
        )
        for i in range(n):
            if proxy and r == 0 and i == 0:
                session.add_variant(record.id, i, variant, proxy_side=1600)
                first = session.round(record.id).variants[0]
            elif proxy:
                session.add_variant(record.id, i, png)
                _copy_proxy(session, record.id, i, first.proxy or "")
            else:
                session.add_variant(record.id, i, png)
        session.finish_round(record.id, RoundState.SUCCEEDED)
    sid = session.id
    session.close()
    return sid


def _copy_proxy(session: object, round_id: str, index: int, name: str) -> None:
    """Give a variant written from bytes the proxy of the first one (same picture)."""
    import dataclasses
    import shutil

    first_dir = session.round_dir(session.rounds[0].id)  # type: ignore[attr-defined]
    target = session.round_dir(round_id)  # type: ignore[attr-defined]
    shutil.copyfile(first_dir / name, target / name.replace("variant-0", f"variant-{index}"))
    record = session.round(round_id)  # type: ignore[attr-defined]
    variants = tuple(
        dataclasses.replace(v, proxy=name.replace("variant-0", f"variant-{v.index}"))
        for v in record.variants
    )
    updated = dataclasses.replace(record, variants=variants)
    session._write_round(updated)  # type: ignore[attr-defined]
    session._rounds[round_id] = updated  # type: ignore[attr-defined]


async def _restore(window: MainWindow, sid: str) -> dict[str, float]:
    gc.collect()
    before = _rss_mb()
    started = time.perf_counter()
    ok = await restore_session(window, sid)
    assert ok, window.message_banner.text()
    took = time.perf_counter() - started
    await asyncio.sleep(1.5)  # tiles in view read their thumbnails
    loader = window.thumbnails.task if hasattr(window, "thumbnails") else None
    if loader is not None:
        await loader
    gc.collect()
    return {"rss_before_mb": before, "rss_after_mb": _rss_mb(), "restore_s": took}


def measure(rounds: int, n: int) -> dict[str, object]:
    app: QApplication = make_application()
    tmp = tempfile.mkdtemp(prefix="bench-")
    settings = QSettings(os.path.join(tmp, "s.ini"), QSettings.Format.IniFormat)
    store = SessionStore(os.path.join(tmp, "sessions"))
    sid = _write_session(store, rounds, n)
    gc.collect()
    profile = Profile("Local engine", embedded_client, "telea")
    window = MainWindow(profiles=[profile], settings=settings, store=store)
    window.resize(1440, 900)
    window.show()
    QTest.qWaitForWindowExposed(window)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        figures = runner.run(_restore(window, sid))
        runner.run(window.sessions.flush())
    return {"rounds": rounds, "n": n, "image": "6000x4000", **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--n", type=int, default=1)
    args = parser.parse_args()
    emit(measure(args.rounds, args.n))


if __name__ == "__main__":
    main()
