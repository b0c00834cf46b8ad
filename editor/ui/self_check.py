"""``inpaint-editor --self-check [OUT_DIR]``: prove the app (or the packaged bundle) works here.

Opens the main window (offscreen when there is no display), loads the shipped sample and its
mask, runs one edit with the local engine in its own process, as the app runs it (PatchMatch,
one variant), saves the result to
``OUT_DIR`` (default: a new temporary folder) and exits 0, printing what it did and how long
each step took. Any failure prints ``self-check: FAILED: <reason>`` and exits 1; a hard timeout
(``$INPAINT_EDITOR_SELF_CHECK_TIMEOUT``, default 120 s) ends a hung run with exit 3.

It drives the window only through its public API (``files.open_path``, ``prompt_panel``,
``generate``, ``jobs``, ``files.save_to``) and keeps away from the user's settings, sessions and
logs: QSettings go to an INI file in a temporary folder, and ``INPAINT_EDITOR_DATA_DIR`` /
``_CONFIG_DIR`` / ``_LOG_DIR`` point there unless already set.

The ``window shown`` figure is measured from the process start (``/proc/self/stat``, 10 ms
ticks) — for a bundle that includes the bootloader unpacking nothing and Python starting — or
from ``$INPAINT_EDITOR_T0`` (seconds since the epoch) when a launcher sets it.
"""

from __future__ import annotations

import asyncio
import os
import platform
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["SelfCheckError", "process_start_age", "run_self_check"]

TIMEOUT_ENV = "INPAINT_EDITOR_SELF_CHECK_TIMEOUT"
DEFAULT_TIMEOUT = 120.0
PROMPT = "remove the spoon"
MODEL = "patchmatch"
RESULT_NAME = "coffee-self-check.png"
# Qt image plugins the bundle must carry (clipboard, drag and drop, icons); PNG is built in.
QT_IMAGE_FORMATS = ("jpeg", "webp", "tiff", "gif", "bmp")


class SelfCheckError(Exception):
    """A step failed; the message says which and why, in plain words."""


def process_start_age() -> float | None:
    """Seconds since this process started, or None where that cannot be known."""
    t0 = os.environ.get("INPAINT_EDITOR_T0")
    if t0:
        try:
            return max(0.0, time.time() - float(t0))
        except ValueError:
            pass
    try:
        stat = Path("/proc/self/stat").read_text()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: starttime
        started = ticks / os.sysconf("SC_CLK_TCK")
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _say(text: str) -> None:
    print(f"self-check: {text}", flush=True)


def _prepare_environment(scratch: Path) -> None:
    """Offscreen without a display; the app's folders in ``scratch`` unless the caller set them."""
    if not (
        os.environ.get("QT_QPA_PLATFORM")
        or os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    for name, sub in (
        ("INPAINT_EDITOR_DATA_DIR", "data"),
        ("INPAINT_EDITOR_CONFIG_DIR", "config"),
        ("INPAINT_EDITOR_LOG_DIR", "logs"),
    ):
        os.environ.setdefault(name, str(scratch / sub))


def _watchdog(seconds: float) -> threading.Timer:
    """Last resort if the event loop itself hangs (asyncio's timeout needs a live loop)."""

    def fire() -> None:
        print(f"self-check: FAILED: no answer after {seconds:.0f} s (hard timeout)", flush=True)
        os._exit(3)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    return timer


async def _wait_until(test: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        if time.monotonic() > deadline:
            raise SelfCheckError(f"{what} did not happen within {timeout:.0f} s")
        await asyncio.sleep(0.005)


async def _check(out_dir: Path, scratch: Path, started: float) -> Path:
    # Imported here so `--self-check` fails with a clear message if Qt cannot load.
    from PySide6.QtCore import QCoreApplication, QSettings, qVersion
    from PySide6.QtGui import QGuiApplication, QImageReader

    from editor import __version__
    from editor.core.imageio import load_image
    from editor.pipeline.embedded import warm_up_engine
    from editor.pipeline.engine_process import stop_engine_process, use_engine_process
    from editor.pipeline.jobs import Job, JobState
    from editor.resources_path import sample_paths
    from editor.ui.app import build_window
    from editor.ui.window.shortcuts_dialog import show_about

    frozen = "bundle" if getattr(sys, "frozen", False) else "source"
    _say(
        f"Inpaint Editor {__version__} ({frozen}), Python {platform.python_version()}, "
        f"Qt {qVersion()}, platform {QGuiApplication.platformName()}"
    )
    image_path, mask_path = sample_paths()
    _say(f"sample {image_path}")

    settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
    window = build_window(settings=settings)
    try:
        window.show()
        await _wait_until(
            lambda: window.windowHandle() is not None and window.windowHandle().isExposed(),
            10,
            "showing the window",
        )
        age = process_start_age()
        since = f"{age:.2f} s after the process started" if age is not None else "(start unknown)"
        _say(
            f"window shown {since}; "
            f"{time.perf_counter() - started:.2f} s after the self-check began"
        )
        about = show_about(window)
        try:
            identity = about.text()
        finally:
            about.close()
        if (
            "Inpaint Editor" not in window.windowTitle()
            or window.windowIcon().isNull()
            or f"Inpaint Editor {__version__}" not in identity
            or QCoreApplication.applicationVersion() != __version__
        ):
            raise SelfCheckError(
                f"the window or About box lacks the app's name, icon or version {__version__}"
            )
        _say(f"window and About show Inpaint Editor {__version__} with its icon")
        readable = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
        missing = [f for f in QT_IMAGE_FORMATS if f not in readable]
        if missing:
            raise SelfCheckError(f"Qt cannot read {', '.join(missing)}: image plugins missing")
        _say(f"Qt reads {', '.join(QT_IMAGE_FORMATS)}")

        t = time.perf_counter()
        if not await window.files.open_path(image_path, mask=mask_path):
            raise SelfCheckError(f"could not open the sample {image_path}")
        if window.image is None or window.document is None or window.document.is_empty():
            raise SelfCheckError("the sample opened without its mask")
        h, w = window.image.shape[:2]
        _say(f"opened {image_path.name} {w}×{h} with its mask in {time.perf_counter() - t:.2f} s")

        # As the app runs it: the engine in a child process (the bundle must be able to start
        # itself as `serve --app-engine`); here it must come up, not fall back to in-process.
        t = time.perf_counter()
        engine = use_engine_process()
        await warm_up_engine()
        if engine.endpoint() is None:
            raise SelfCheckError("the local engine's process did not start (see the log)")
        _say(
            f"local engine up in its own process (pid {engine.pid}) "
            f"in {time.perf_counter() - t:.2f} s"
        )

        panel = window.prompt_panel
        panel.set_profile("Local engine")
        panel.set_model(MODEL)
        panel.n_spin.setValue(1)
        panel.set_prompt(PROMPT)
        done: asyncio.Future[Job] = asyncio.get_running_loop().create_future()

        def on_finished(job: Job) -> None:
            if not done.done():
                done.set_result(job)

        window.jobs.finished.connect(on_finished)
        t = time.perf_counter()
        job = window.generate()
        if job is None:
            raise SelfCheckError(f"Generate did not start a job: {window.message_banner.text()}")
        finished = await done
        if finished.state is not JobState.SUCCEEDED or not finished.variants:
            raise SelfCheckError(f"the edit {finished.state}: {finished.error or finished.status}")
        _say(
            f"edit done with the local engine ({MODEL}, n=1): "
            f"{len(finished.variants)} variant in {time.perf_counter() - t:.2f} s"
        )

        while finished.id not in window.binding.settled:  # written to the session, then shown
            await asyncio.sleep(0.01)
        window.show_variant(finished.id, 0)
        out_dir.mkdir(parents=True, exist_ok=True)
        result = out_dir / RESULT_NAME
        if not await window.files.save_to(result):
            raise SelfCheckError(f"could not write {result}")
        written = load_image(result).pixels
        if written.shape[:2] != (h, w):
            raise SelfCheckError(
                f"{result} is {written.shape[1]}×{written.shape[0]}, expected {w}×{h}"
            )
        if (written[..., :3] == window.image[..., :3]).all():
            raise SelfCheckError("the saved result is identical to the sample: nothing was edited")
        _say(f"wrote {result} ({w}×{h})")
        return result
    finally:
        window.close()
        await window.jobs.aclose()
        stop_engine_process()


def run_self_check(out_dir: str | os.PathLike[str] | None = None) -> int:
    """Run the check; 0 when every step passed, 1 (with the reason printed) otherwise."""
    started = time.perf_counter()
    try:
        timeout = float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT))
    except ValueError:
        timeout = DEFAULT_TIMEOUT
    watchdog = _watchdog(timeout + 15)
    with tempfile.TemporaryDirectory(prefix="inpaint-editor-self-check-") as tmp:
        scratch = Path(tmp)
        # The result outlives the scratch folder, so a default OUT_DIR is a folder of its own.
        target = Path(out_dir or tempfile.mkdtemp(prefix="inpaint-editor-result-"))
        _prepare_environment(scratch)
        try:
            from editor.ui.app import make_application  # PySide6 first, then qasync binds to it

            import qasync  # isort: skip

            app = make_application()
            with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
                runner.run(asyncio.wait_for(_check(target, scratch, started), timeout))
        except TimeoutError:
            _say(f"FAILED: not finished within {timeout:.0f} s")
            return 1
        except SelfCheckError as exc:
            _say(f"FAILED: {exc}")
            return 1
        except Exception as exc:  # anything else is still a failed check, said plainly
            _say(f"FAILED: {type(exc).__name__}: {exc}")
            return 1
        finally:
            watchdog.cancel()
    _say(f"OK in {time.perf_counter() - started:.2f} s")
    return 0
