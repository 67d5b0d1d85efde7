"""Normalise chunks of numbers in a helper process while the caller reads, looks up and writes.

Normalising is the CPU-heavy part of screening. On a machine with two or more cores, one helper
process takes it: chunks go in order, at most ``AHEAD`` are in flight, so memory stays flat.
Small inputs run inline, since starting a process costs about half a second. List imports
normalise in bulk (``phone.e164s_or_rejections``), cheaply enough to stay inline unless asked.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any, TypeVar

from suppression.phone import Rejection, e164s_in_order

T = TypeVar("T")
A = TypeVar("A")
R = TypeVar("R")
AHEAD = 3
PARALLEL_MIN_BYTES = 16 * 1024 * 1024

Normalised = list[str | Rejection]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk job: millions of short-lived rows (no
    cycles) would otherwise trigger collections that cost a third of the run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def normalise_chunk(raws: list[str], region: str) -> Normalised:
    return e164s_in_order(raws, region)


def worth_parallel(path: str | Path, parallel: bool | None) -> bool:
    """``parallel`` when given; otherwise only for big files on Linux machines with a spare
    core."""
    if parallel is not None:
        return parallel
    try:
        size = os.path.getsize(path)
    except OSError:
        return False
    forkable = sys.platform == "linux"  # fork is the default and safe there (see below)
    return forkable and (os.cpu_count() or 1) >= 2 and size >= PARALLEL_MIN_BYTES


def normalised_chunks(
    chunks: Iterable[tuple[T, list[str]]], region: str, *, parallel: bool
) -> Iterator[tuple[T, Normalised]]:
    """For each ``(payload, raws)``, yield ``(payload, e164_or_rejection of each raw)`` in order."""
    yield from mapped_chunks(normalise_chunk, chunks, (region,), parallel=parallel)


def mapped_chunks(
    function: Callable[..., R],
    chunks: Iterable[tuple[T, A]],
    args: tuple[Any, ...],
    *,
    parallel: bool,
    helpers: int = 1,
) -> Iterator[tuple[T, R]]:
    """For each ``(payload, raws)``, yield ``(payload, function(raws, *args))`` in order, the
    calls running in ``helpers`` helper processes when ``parallel``. ``function`` must be a
    module-level function (it is sent to the helpers by name)."""
    if not parallel:
        for payload, raws in chunks:
            yield payload, function(raws, *args)
        return
    # fork, not spawn: spawn re-imports the caller's main module, which breaks any script that
    # lacks an ``if __name__ == "__main__"`` guard. The pool forks its one worker when it is
    # built, before it starts its own threads; the worker never touches the caller's state.
    with multiprocessing.get_context("fork").Pool(helpers) as pool:
        pending: deque[tuple[T, AsyncResult[R]]] = deque()
        for payload, raws in chunks:
            pending.append((payload, pool.apply_async(function, (raws, *args))))
            if len(pending) > AHEAD:
                done, result = pending.popleft()
                yield done, result.get()
        while pending:
            done, result = pending.popleft()
            yield done, result.get()
