"""Per-component random streams derived from one run seed.

Each component asks for its own `numpy.random.Generator` by its dotted scope name
(`"east.node2.slice"`). The stream depends only on `(seed, scope)`, so adding a component
never shifts another component's samples, and two what-if variants of one scenario share
common random numbers.
"""

from __future__ import annotations

import hashlib

import numpy as np


def scope_key(scope: str) -> tuple[int, ...]:
    """A stable (process- and platform-independent) integer key for a scope name."""
    digest = hashlib.blake2b(scope.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


def stream(seed: int, scope: str) -> np.random.Generator:
    """The random stream of component `scope` in a run seeded with `seed`."""
    sequence = np.random.SeedSequence(entropy=int(seed), spawn_key=scope_key(scope))
    return np.random.Generator(np.random.PCG64(sequence))
