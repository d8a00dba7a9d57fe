"""Pausing Python's cyclic garbage collector around bulk row building.

Why: scoring and resolution build dicts and lists by the million, none of them cyclic, and
every automatic collection walks all objects built so far, so collections grow with the
work already done (twice the time of building the rows in trees' scoring). Reference
counting still frees everything as usual; only the cycle detector waits.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; re-enabled after if it was enabled."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
