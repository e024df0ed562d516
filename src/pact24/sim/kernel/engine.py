"""Blocks, chunks and workers: how the kernel runs N campaigns of one setup.

Runs are cut into blocks of :data:`BLOCK`; block ``b`` runs ``b*BLOCK ..`` from the kernel's
generator (``kernel.rng``) started at ``SeedSequence(seed, spawn_key=(b,)).generate_state(4,
uint64)``, so a run's result depends on the seed and its index only. A chunk is a group of
consecutive blocks, spread over ``workers`` threads: each block is one compiled call that
releases the GIL and owns its generator's state. Chunks bound the memory, never the result:
aggregates are merged block by block in block order, so the same seed gives the same aggregates
whatever the chunk size and the workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from numba import njit

from pact24.sim.kernel import layout, rng
from pact24.sim.kernel.aggregates import N_STATS, Aggregates, block_summary
from pact24.sim.kernel.campaign import Campaign, campaign_of, informed_prior, run_block
from pact24.sim.kernel.tables import compile_tables
from pact24.sim.reference.setup import Setup
from pact24.sim.results import PLEDGE_HORIZONS
from pact24.sim.summary import PLEDGE_KS

BLOCK = 1024
"""Runs per block: the unit of seeding. Fixed: changing it changes every result."""

CHUNK_BLOCKS = 64
"""Blocks per chunk by default (64 Ki runs: a few tens of MB of buffers)."""


class Prepared:
    """A setup compiled for the kernel: its crisis tables and campaign numbers for one seed."""

    def __init__(self, setup: Setup, seed: int) -> None:
        self.setup = setup
        self.seed = seed
        self.tables = compile_tables(setup)
        self.campaign: Campaign = campaign_of(setup, informed_prior(setup, self.tables, seed))


def block_seeds(seed: int, first: int, count: int) -> np.ndarray:
    """The generator words (``uint64[count, 4]``) of blocks ``first .. first+count-1``."""
    return np.array(
        [
            rng.words(np.random.SeedSequence(seed, spawn_key=(b,)))
            for b in range(first, first + count)
        ],
        dtype=np.uint64,
    ).reshape(count, rng.WORDS)


@njit(cache=True, nogil=True)
def run_one_block(
    t: Any,
    c: Campaign,
    words: np.ndarray,
    first_run: int,
    rows: np.ndarray,
    pattern: np.ndarray,
    stats: np.ndarray,
    pledges: np.ndarray,
    opps: np.ndarray,
    summarise: bool,
) -> int:
    """One block (its runs into ``rows``/``pattern``, and with ``summarise`` its summary);
    returns its crises. Releases the GIL, so blocks run side by side on threads."""
    crises: int = run_block(t, c, words, first_run, rows, pattern)
    if summarise:
        block_summary(rows, pattern, stats, pledges, opps)
    return crises


class Buffers:
    """The per-chunk arrays: per-run rows for one chunk, per-block summaries; reused chunk after
    chunk, so memory is bounded by the chunk, not by the runs."""

    def __init__(self, chunk_runs: int, opportunities: int) -> None:
        blocks = -(-chunk_runs // BLOCK)
        self.rows = np.empty((chunk_runs, len(layout.NUMERIC)))
        self.pattern = np.empty((chunk_runs, opportunities), dtype=np.uint8)
        self.crises = np.empty(blocks, dtype=np.int64)
        self.stats = np.empty((blocks, len(layout.NUMERIC), N_STATS))
        self.pledges = np.empty((blocks, len(PLEDGE_HORIZONS), len(PLEDGE_KS)), dtype=np.int64)
        self.opps = np.empty((blocks, opportunities, 2), dtype=np.int64)


def chunks(runs: int, chunk_runs: int | None) -> Iterator[tuple[int, int]]:
    """``(first_run, n)`` of each chunk; a chunk is a whole number of blocks (the last may end
    early)."""
    size = BLOCK * max(1, -(-(chunk_runs or BLOCK * CHUNK_BLOCKS) // BLOCK))
    for first in range(0, runs, size):
        yield first, min(size, runs - first)


def stream(
    prepared: Prepared,
    runs: int,
    chunk_runs: int | None,
    workers: int,
    summarise: bool,
    each: Callable[[int, Buffers, int], None],
) -> None:
    """Run the chunks in order; ``each(first_run, buffers, n)`` sees every chunk's first ``n``
    rows (and its blocks' summaries) before the next chunk overwrites them."""
    c = prepared.campaign
    size = next(chunks(runs, chunk_runs), (0, 0))[1]
    b = Buffers(size, c.opportunities)

    def block(k: int, first: int, n: int, words: np.ndarray) -> None:
        lo, hi = k * BLOCK, min((k + 1) * BLOCK, n)
        b.crises[k] = run_one_block(
            prepared.tables,
            c,
            words,
            first + lo,
            b.rows[lo:hi],
            b.pattern[lo:hi],
            b.stats[k],
            b.pledges[k],
            b.opps[k],
            summarise,
        )

    with ThreadPoolExecutor(max(1, workers)) as pool:
        for first, n in chunks(runs, chunk_runs):
            seeds = block_seeds(prepared.seed, first // BLOCK, -(-n // BLOCK))
            jobs = [pool.submit(block, k, first, n, w) for k, w in enumerate(seeds)]
            for job in jobs:
                job.result()
            each(first, b, n)


def run_table(
    setup: Setup, runs: int, seed: int, *, chunk_runs: int | None = None, workers: int = 1
) -> dict[str, np.ndarray]:
    """Every column of ``results.COLUMNS`` for runs ``0 .. runs-1``, in run order."""
    prepared = Prepared(setup, seed)
    rows = np.empty((runs, len(layout.NUMERIC)))
    pattern = np.empty((runs, prepared.campaign.opportunities), dtype=np.uint8)

    def keep(first: int, b: Buffers, n: int) -> None:
        rows[first : first + n] = b.rows[:n]
        pattern[first : first + n] = b.pattern[:n]

    stream(prepared, runs, chunk_runs, workers, False, keep)
    return layout.decode(rows, pattern, setup.design.name, setup.scenario)


def aggregate(
    setup: Setup,
    runs: int,
    seed: int,
    *,
    chunk_runs: int | None = None,
    workers: int = 1,
    parquet: Path | str | None = None,
    metadata: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Aggregates:
    """The summaries of ``runs`` runs in flat memory; with ``parquet``, every run's row is also
    written there, one row group per chunk (``metadata`` as in ``results.write_parquet``);
    ``progress(done, runs)`` is called as each chunk is folded in."""
    prepared = Prepared(setup, seed)
    agg = Aggregates.empty(setup.design.name, setup.scenario, prepared.campaign.opportunities)
    writer = None if parquet is None else _ParquetChunks(Path(parquet), metadata)

    def fold(first: int, b: Buffers, n: int) -> None:
        for k in range(-(-n // BLOCK)):
            size = min(BLOCK, n - k * BLOCK)
            agg.merge(size, int(b.crises[k]), b.stats[k], b.pledges[k], b.opps[k])
        if writer is not None:
            writer.write(layout.decode(b.rows[:n], b.pattern[:n], agg.design, agg.scenario))
        if progress is not None:
            progress(first + n, runs)

    try:
        stream(prepared, runs, chunk_runs, workers, True, fold)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    if writer is not None:
        writer.finish()
    return agg


class _ParquetChunks:
    """A results file written chunk by chunk (``results.schema``, zstd), to a temporary file that
    replaces ``path`` only when complete."""

    def __init__(self, path: Path, metadata: dict[str, Any] | None) -> None:
        import json

        import pyarrow.parquet as pq

        from pact24.sim import results

        self.path = path
        self.tmp = path.with_name(f".{path.name}.partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.schema = results.schema()
        if metadata:
            meta = {b"pact24": json.dumps(dict(metadata), sort_keys=True).encode()}
            self.schema = self.schema.with_metadata(meta)
        self.writer = pq.ParquetWriter(
            self.tmp, self.schema, compression="zstd", write_statistics=True
        )

    def write(self, cols: dict[str, np.ndarray]) -> None:
        import pyarrow as pa

        arrays = [pa.array(cols[f.name], type=f.type) for f in self.schema]
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))

    def finish(self) -> None:
        self.writer.close()
        self.tmp.replace(self.path)

    def abort(self) -> None:
        self.writer.close()
        self.tmp.unlink(missing_ok=True)
