"""WriteSource assembly and the ClosedLoop holder."""

import math

import numpy as np
import pytest

from replsim.rng import stream
from replsim.workload.arrivals import ConstantArrivals, PoissonArrivals
from replsim.workload.offsets import UniformBlocks, blocks_spanned
from replsim.workload.sizes import DiscreteSizes, FixedSize
from replsim.workload.source import ClosedLoop, WriteSource

VOLUME_BLOCKS = 2**18  # 1 GiB


def make_source(seed: int = 1, read_fraction: float = 0.0, rate_iops: float = 1000.0):
    return WriteSource(
        PoissonArrivals(rate_iops, stream(seed, "a")),
        DiscreteSizes({4096: 0.7, 65536: 0.3}, stream(seed, "s")),
        UniformBlocks(VOLUME_BLOCKS, stream(seed, "o")),
        read_fraction=read_fraction,
        read_rng=stream(seed, "r"),
    )


def collect(source: WriteSource, n: int) -> list[tuple[float, int, int, bool]]:
    return [source.next_write() for _ in range(n)]


def test_next_write_types_and_values() -> None:
    writes = collect(make_source(), 10_000)
    gap, size, block, is_write = writes[0]
    assert type(gap) is float and type(size) is int and type(block) is int
    assert type(is_write) is bool
    sizes = np.array([w[1] for w in writes])
    blocks = np.array([w[2] for w in writes])
    assert set(np.unique(sizes).tolist()) == {4096, 65536}
    assert (blocks >= 0).all() and (blocks + blocks_spanned(sizes) <= VOLUME_BLOCKS).all()
    assert all(w[3] for w in writes)
    assert np.mean(sizes == 4096) == pytest.approx(0.7, abs=0.02)


def test_read_fraction() -> None:
    writes = collect(make_source(read_fraction=0.3), 50_000)
    reads = np.mean([not w[3] for w in writes])
    assert reads == pytest.approx(0.3, abs=0.01)


def test_read_fraction_does_not_shift_other_streams() -> None:
    plain = collect(make_source(read_fraction=0.0), 6000)
    mixed = collect(make_source(read_fraction=0.5), 6000)
    assert [w[:3] for w in plain] == [w[:3] for w in mixed]


def test_set_rate_mid_stream() -> None:
    source = make_source(rate_iops=1000.0)
    before = np.array([w[0] for w in collect(source, 20_000)])
    source.set_rate(5000.0)
    after = np.array([w[0] for w in collect(source, 20_000)])
    assert len(before) / before.sum() == pytest.approx(1000.0, rel=0.04)
    assert len(after) / after.sum() == pytest.approx(5000.0, rel=0.04)


def test_rate_zero_returns_inf_and_consumes_nothing() -> None:
    reference = collect(make_source(), 30)
    source = make_source()
    first = collect(source, 10)
    source.set_rate(0.0)
    assert source.next_write() == (math.inf, 0, 0, True)
    source.set_rate(1000.0)
    assert first + collect(source, 20) == reference


def test_reproducible() -> None:
    assert collect(make_source(seed=4), 5000) == collect(make_source(seed=4), 5000)
    assert collect(make_source(seed=4), 100) != collect(make_source(seed=5), 100)


def test_constant_fixed_source_is_deterministic_apart_from_offsets() -> None:
    source = WriteSource(
        ConstantArrivals(100.0), FixedSize(8192), UniformBlocks(10, stream(0, "o"))
    )
    for gap, size, block, is_write in collect(source, 100):
        assert gap == 0.01 and size == 8192 and 0 <= block <= 8 and is_write


def test_closed_loop_source_uses_next_io() -> None:
    source = WriteSource(None, FixedSize(4096), UniformBlocks(100, stream(0, "o")))
    size, block, is_write = source.next_io()
    assert size == 4096 and 0 <= block < 100 and is_write
    with pytest.raises(RuntimeError, match="closed-loop"):
        source.next_write()
    with pytest.raises(RuntimeError, match="closed-loop"):
        source.set_rate(10.0)


def test_source_validation() -> None:
    sizes, blocks = FixedSize(4096), UniformBlocks(100, stream(0, "o"))
    with pytest.raises(ValueError, match="read_fraction"):
        WriteSource(None, sizes, blocks, read_fraction=1.5, read_rng=stream(0, "r"))
    with pytest.raises(ValueError, match="read_rng"):
        WriteSource(None, sizes, blocks, read_fraction=0.5)


def test_closed_loop_holder() -> None:
    loop = ClosedLoop(queue_depth=8, think_time_s=0.002)
    assert loop.next_think_s() == 0.002
    assert ClosedLoop().queue_depth == 1 and ClosedLoop().next_think_s() == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"queue_depth": 0}, "queue_depth"),
        ({"queue_depth": 2.0}, "queue_depth"),
        ({"queue_depth": True}, "queue_depth"),
        ({"think_time_s": -1.0}, "think_time_s"),
        ({"think_time_s": math.inf}, "think_time_s"),
    ],
)
def test_closed_loop_validation(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ClosedLoop(**kwargs)


def test_exponential_think_time_holder() -> None:
    loop = ClosedLoop(queue_depth=2, think_time_s=0.004, think_dist="exponential",
                      rng=stream(6, "t"))
    draws = np.array([loop.next_think_s() for _ in range(100_000)])
    assert draws.mean() == pytest.approx(0.004, rel=4 / np.sqrt(100_000))
    assert loop == ClosedLoop(queue_depth=2, think_time_s=0.004, think_dist="exponential",
                              rng=stream(7, "t"))
    with pytest.raises(ValueError, match="needs an rng"):
        ClosedLoop(think_time_s=1.0, think_dist="exponential")
    with pytest.raises(ValueError, match="think_dist"):
        ClosedLoop(think_dist="gamma")


def test_set_rate_passes_now_s_to_the_arrivals() -> None:
    seen = []

    class Recorder(ConstantArrivals):
        def set_rate(self, rate_iops, now_s=None):
            seen.append((rate_iops, now_s))
            super().set_rate(rate_iops, now_s)

    source = WriteSource(Recorder(10.0), FixedSize(4096), UniformBlocks(10, stream(0, "o")))
    source.set_rate(20.0, now_s=3.5)
    source.set_rate(30.0)
    assert seen[-2:] == [(20.0, 3.5), (30.0, None)]
