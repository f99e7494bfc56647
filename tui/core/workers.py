"""Worker processes for background work (prefetch, sync parsing): started, lowered, stopped.

One place for how they are made: "spawn", so the running app is not forked with its
threads; a lower priority, so the browser wins the CPU; and stopping that never waits for
a job under way (a hostile page can take seconds to parse).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

WORKER_NICENESS = 10  # background work yields the CPU to the browser when both want it


def lower_priority() -> None:
    """Make this (worker) process the one to wait when the CPU is short: on two cores a
    prefetch, the browser and a server compete, and the browser is the one a user sees."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(WORKER_NICENESS)


def _exit_with_parent() -> None:
    """End this worker when the browser that started it is gone, however it went (a
    ``kill -9`` leaves no one to stop it, and it would hold the cache and library open)."""
    import multiprocessing
    import threading

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start(language: str, initializer: Callable[..., None] | None, *initargs: object) -> None:
    from tui.i18n import set_language

    lower_priority()
    _exit_with_parent()
    set_language(language)  # a warning a worker writes into a model reads as the app's do
    if initializer is not None:
        initializer(*initargs)


def process_pool(
    count: int = 1, initializer: Callable[..., None] | None = None, *initargs: object
) -> Executor:
    """``count`` worker processes at a lower priority, in this process's interface
    language, each run ``initializer(*initargs)``."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from tui.i18n import get_language

    options: dict[str, Any] = {
        "initializer": _start,
        "initargs": (get_language(), initializer, *initargs),
    }
    return ProcessPoolExecutor(count, multiprocessing.get_context("spawn"), **options)


def stop_pool(executor: Executor | None) -> None:
    """Stop at once: cancel what waits, end what runs."""
    if executor is None:
        return
    processes = list((getattr(executor, "_processes", None) or {}).values())
    with contextlib.suppress(Exception):
        executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
