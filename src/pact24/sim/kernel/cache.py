"""Numba's on-disk cache, kept in step with the kernel's source.

Numba checks a cached function against its own file only; the kernel's compiled functions call
across its modules (the engine inlines the campaign, which inlines the crisis), so an edit to one
module would leave the others' cached machine code stale. :func:`refresh` keeps a hash of every
module of the package beside the cache and drops every cached entry when it changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pact24.files import write_atomic

HERE = Path(__file__).parent
STAMP = "kernel-sources.sha256"


def sources_hash(folder: Path = HERE) -> str:
    """SHA-256 over the names and bytes of the package's modules."""
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def refresh(folder: Path = HERE) -> bool:
    """Drop numba's cached entries for ``folder`` if its modules changed; ``True`` if dropped."""
    cache = folder / "__pycache__"
    stamp = cache / STAMP
    digest = sources_hash(folder)
    try:
        if stamp.read_text() == digest:
            return False
    except OSError:
        pass
    try:
        for entry in [*cache.glob("*.nbi"), *cache.glob("*.nbc")]:
            entry.unlink(missing_ok=True)
        write_atomic(stamp, digest)
    except OSError:
        return False
    return True
