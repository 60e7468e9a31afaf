"""Read the `offsets` key of a workload spec into a block chooser.

`offsets` is a kind name (`uniform`, `zipf`, `hot_set`, `sequential`, each with its defaults) or
a mapping `{kind: ..., ...}` with the kind's parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from replsim import units
from replsim.workload import errors as e
from replsim.workload.hotset import HotSetBlocks
from replsim.workload.offsets import BLOCK_BYTES, BlockChooser, UniformBlocks
from replsim.workload.sequential import SequentialBlocks
from replsim.workload.zipf import ZipfBlocks

KIND_KEYS: dict[str, tuple[str, ...]] = {
    "uniform": ("kind",),
    "zipf": ("kind", "s", "working_set"),
    "hot_set": ("kind", "hot_fraction", "hot_share"),
    "sequential": ("kind", "streams"),
}


def _uniform(spec: Mapping[str, Any], blocks: int, rng: np.random.Generator,
             key: str) -> BlockChooser:
    return UniformBlocks(blocks, rng)


def _working_set_blocks(value: object, volume_blocks: int, key: str) -> int:
    """A size ("10GiB", bytes) or a fraction of the volume (0 < f <= 1) → whole blocks."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1:
        return max(1, round(value * volume_blocks))
    size = e.parse_unit(units.size_bytes, value, key)
    count = int(size // BLOCK_BYTES)
    if not 1 <= count <= volume_blocks:
        raise e.WorkloadError(f"{key}: expected a size between 4KiB and the volume "
                              f"({volume_blocks * BLOCK_BYTES} bytes) or a fraction in (0, 1], "
                              f"got {value!r}")
    return count


def _zipf(spec: Mapping[str, Any], blocks: int, rng: np.random.Generator,
          key: str) -> BlockChooser:
    s = e.number(spec.get("s", 1.0), f"{key}.s", low=0, low_open=True)
    working = (_working_set_blocks(spec["working_set"], blocks, f"{key}.working_set")
               if "working_set" in spec else None)
    return e.wrap(lambda: ZipfBlocks(blocks, rng, s=s, working_set_blocks=working), key)


def _hot_set(spec: Mapping[str, Any], blocks: int, rng: np.random.Generator,
             key: str) -> BlockChooser:
    fraction = e.number(spec.get("hot_fraction", 0.2), f"{key}.hot_fraction", low=0, high=1,
                        low_open=True, high_open=True)
    share = e.number(spec.get("hot_share", 0.8), f"{key}.hot_share", low=0, high=1)
    return e.wrap(lambda: HotSetBlocks(blocks, rng, hot_fraction=fraction, hot_share=share), key)


def _sequential(spec: Mapping[str, Any], blocks: int, rng: np.random.Generator,
                key: str) -> BlockChooser:
    streams = spec.get("streams", 1)
    if isinstance(streams, bool) or not isinstance(streams, int) or streams < 1:
        raise e.WorkloadError(f"{key}.streams: expected an integer >= 1, got {streams!r}")
    return SequentialBlocks(blocks, rng, streams=streams)


OFFSETS: dict[str, Callable[[Mapping[str, Any], int, np.random.Generator, str], BlockChooser]] = {
    "uniform": _uniform,
    "zipf": _zipf,
    "hot_set": _hot_set,
    "sequential": _sequential,
}


def build_blocks(value: object, volume_blocks: int, rng: np.random.Generator,
                 key: str = "offsets") -> BlockChooser:
    """The block chooser `value` describes for a volume of `volume_blocks` 4 KiB blocks."""
    if isinstance(value, str):
        if value not in OFFSETS:
            raise e.WorkloadError(f"{key}: expected one of {', '.join(OFFSETS)}, got {value!r}")
        spec: Mapping[str, Any] = {}
        kind = value
    else:
        spec = e.mapping(value, key, f"one of {', '.join(OFFSETS)} (a name, or a mapping "
                                     "with kind: and the kind's parameters)")
        kind = e.choice(spec.get("kind"), OFFSETS, f"{key}.kind")
        e.check_keys(spec, KIND_KEYS[kind], key)
    return e.wrap(lambda: OFFSETS[kind](spec, volume_blocks, rng, key), key)
