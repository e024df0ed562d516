"""Where a sweep's tasks run: this process, local worker processes, or Ray.

Each executor maps one function over the tasks and yields ``(task, result)`` as tasks finish,
in whatever order they finish; the sweep sorts what it writes, so the order never shows.

- ``local`` with one worker runs the tasks here, one after the other;
- ``local`` with more uses a process pool started with ``spawn`` (safe in notebooks and on
  every platform: workers import the function, they do not fork the caller's state);
- ``ray`` submits them to Ray: a Ray already started in this process, the cluster at
  ``address`` (whose workers must have this pact24 installed), or a local Ray of ``workers``
  CPUs started here and left up for later calls.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, TypeVar

import pact24
from pact24.errors import InvalidInput

T = TypeVar("T")
R = TypeVar("R")

EXECUTORS = ("local", "ray")


def run(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
) -> Iterator[tuple[T, R]]:
    """``(task, fn(task))`` for every task, as each finishes (nothing starts before the first
    is asked for; an unknown executor is refused at once)."""
    n = workers or os.cpu_count() or 1
    if executor == "local":
        return _local(fn, tasks, n)
    if executor == "ray":
        return _ray(fn, tasks, n, address)
    raise InvalidInput(f"unknown executor {executor!r}; expected one of {', '.join(EXECUTORS)}")


def _local(fn: Callable[[T], R], tasks: Sequence[T], workers: int) -> Iterator[tuple[T, R]]:
    if workers == 1 or len(tasks) <= 1:
        for task in tasks:
            yield task, fn(task)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        pending = {pool.submit(fn, task): task for task in tasks}
        try:
            for future in as_completed(pending):
                yield pending[future], future.result()
        finally:
            pool.shutdown(cancel_futures=True)


def _ray(
    fn: Callable[[T], R], tasks: Sequence[T], workers: int, address: str | None
) -> Iterator[tuple[T, R]]:
    import ray

    if not ray.is_initialized():
        if address:
            ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
        else:
            # Workers import pact24 from where this process did (a source tree, a notebook's
            # path), not whatever an installed copy would give them.
            source = str(Path(pact24.__file__).resolve().parent.parent)
            path = os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)
            ray.init(
                num_cpus=workers,
                include_dashboard=False,
                logging_level=logging.WARNING,
                log_to_driver=False,
                runtime_env={"env_vars": {"PYTHONPATH": path}},
            )
    remote: Any = ray.remote(num_cpus=1)(fn)
    pending = {remote.remote(task): task for task in tasks}
    try:
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                yield pending.pop(ref), ray.get(ref)
    finally:
        for ref in pending:
            ray.cancel(ref)
