"""replsim.units: quantities with units → SI floats, and clear errors for anything else."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from replsim import units
from replsim.units import UnitError

PARSERS = [
    (units.duration_s, units.DURATION_S, "duration"),
    (units.size_bytes, units.SIZE_BYTES, "size"),
    (units.rate_bytes_per_s, units.RATE_BYTES_PER_S, "data rate"),
    (units.distance_km, units.DISTANCE_KM, "distance"),
    (units.frequency_per_s, units.FREQUENCY_PER_S, "rate"),
]
TABLE_ENTRIES = [
    pytest.param(parse, unit, factor, id=f"{parse.__name__}-{unit or 'bare'}")
    for parse, table, _ in PARSERS
    for unit, factor in table.items()
]
PARSER_IDS = [p.__name__ for p, _, _ in PARSERS]


@pytest.mark.parametrize(("parse", "unit", "factor"), TABLE_ENTRIES)
def test_every_table_entry_parses(parse, unit, factor):
    assert parse(f"2.5{unit}") == pytest.approx(2.5 * factor, rel=1e-15)
    assert parse(f" 3 {unit} ") == pytest.approx(3 * factor, rel=1e-15)


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (units.duration_s, "5ms", 5e-3),
        (units.duration_s, "250us", 250e-6),
        (units.duration_s, "250µs", 250e-6),
        (units.duration_s, "2min", 120.0),
        (units.duration_s, "1h", 3600.0),
        (units.duration_s, ".5s", 0.5),
        (units.duration_s, "5.s", 5.0),
        (units.duration_s, "1e3ms", 1.0),
        (units.duration_s, "+2s", 2.0),
        (units.size_bytes, "4KiB", 4096.0),
        (units.size_bytes, "4KB", 4000.0),
        (units.size_bytes, "100GiB", 100 * 2**30),
        (units.size_bytes, "1TiB", 2**40),
        (units.size_bytes, "4096", 4096.0),
        (units.rate_bytes_per_s, "100MB/s", 100e6),
        (units.rate_bytes_per_s, "1MiB/s", 2**20),
        (units.distance_km, "80km", 80.0),
        (units.distance_km, "500m", 0.5),
        (units.distance_km, "10mi", 16.09344),
        (units.frequency_per_s, "2000iops", 2000.0),
        (units.frequency_per_s, "50/s", 50.0),
    ],
)
def test_examples(parse, text, expected):
    assert parse(text) == pytest.approx(expected, rel=1e-15)


def test_bits_versus_bytes():
    assert units.rate_bytes_per_s("1Gbps") == 125e6
    assert units.rate_bytes_per_s("1GB/s") == 1e9
    assert units.rate_bytes_per_s("100Mbps") == 12.5e6
    assert units.rate_bytes_per_s("8bps") == 1.0
    assert units.rate_bytes_per_s("1Bps") == 1.0
    assert units.rate_bytes_per_s("1Gbps") * 8 == units.rate_bytes_per_s("1GB/s")


@pytest.mark.parametrize("parse", [p for p, _, _ in PARSERS], ids=PARSER_IDS)
@pytest.mark.parametrize("number", [0, 7, 2.5, 1e-9, np.int64(3), np.float32(0.5),
                                    np.float64(1.25)])
def test_numbers_pass_through_as_si(parse, number):
    result = parse(number)
    assert type(result) is float
    assert result == float(number)


@pytest.mark.parametrize(("parse", "table", "kind"), PARSERS, ids=PARSER_IDS)
@pytest.mark.parametrize("bad", ["", "fast", "ms", "5 parsecs", "1,000", "5 5", "1e", "s5",
                                 "--5", "inf", "nan"])
def test_bad_strings_name_input_and_allowed_units(parse, table, kind, bad):
    with pytest.raises(UnitError) as info:
        parse(bad)
    message = str(info.value)
    assert repr(bad) in message
    assert kind in message
    for unit in table:
        if unit:
            assert unit in message


@pytest.mark.parametrize(("parse", "table", "kind"), PARSERS, ids=PARSER_IDS)
@pytest.mark.parametrize("bad", [True, False, np.bool_(True), None, [1], {"ms": 1}, b"5ms"])
def test_bools_and_other_types_are_refused(parse, table, kind, bad):
    with pytest.raises(UnitError) as info:
        parse(bad)
    message = str(info.value)
    assert repr(bad) in message
    assert kind in message
    for unit in table:
        if unit:
            assert unit in message


def test_units_are_case_sensitive_where_it_matters():
    # "Mb" would be megabits, "MB" megabytes: only the explicit spellings are accepted.
    with pytest.raises(UnitError):
        units.size_bytes("4kib")
    with pytest.raises(UnitError):
        units.rate_bytes_per_s("1GBPS")


def test_unit_error_is_a_value_error():
    assert issubclass(UnitError, ValueError)


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_any_float_repr_with_unit_round_trips(x):
    assert units.duration_s(f"{x!r}ms") == pytest.approx(x * 1e-3, rel=1e-12)
    assert units.size_bytes(f"{x!r}KiB") == pytest.approx(x * 1024, rel=1e-12)
    assert units.duration_s(x) == x


def test_negative_numbers_parse_range_checks_are_the_schemas_job():
    assert units.duration_s("-1s") == -1.0
    for bad in (float("nan"), float("inf"), "1e999s"):
        with pytest.raises(units.UnitError, match="not a finite duration"):
            units.duration_s(bad)
