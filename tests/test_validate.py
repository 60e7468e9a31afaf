"""`replsim validate`: a table of checks, exit 1 when one fails."""

import pytest

from replsim.cli import main
from replsim.validation import checks


def test_validate_subset_prints_table_and_passes(capsys):
    assert main(["validate", "--only", "V1,V8"]) == 0
    out = capsys.readouterr().out
    assert "V1 Sync ack at zero load (parallel)" in out and "PASS" in out
    assert "4 passed, 0 failed" in out


def test_a_failing_check_exits_1(monkeypatch, capsys):
    def broken():
        return [checks._check("V1 broken on purpose", 1.0, 2.0, 0.1, "ms")]

    monkeypatch.setitem(checks.CHECKS, "V1", broken)
    assert main(["validate", "--only", "V1"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_unknown_check_is_a_clear_error(capsys):
    assert main(["validate", "--only", "V99"]) == 2
    assert "unknown check" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["V4", "V7"])
def test_individual_checks_pass(name):
    assert all(c.passed for c in checks.CHECKS[name]())
