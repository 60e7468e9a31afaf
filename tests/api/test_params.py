"""Param checking: xMissingParameter (with near-miss hints), xInvalidParameterType,
minimums, defaults, unknown members ignored."""

from __future__ import annotations

import pytest

from replsim.api.errors import ApiError
from replsim.api.params import Param, parse

SPECS = (Param("volumeID", "int", required=True), Param("name", "str"),
         Param("enable", "bool", default=False), Param("limit", "int", default=0, minimum=0),
         Param("ids", "list[int]"), Param("qos", "dict"), Param("size", "number"),
         Param("anything", "any"), Param("clusterPairingKey", "str"))


def error(params):
    with pytest.raises(ApiError) as caught:
        parse(params, SPECS)
    return caught.value


def test_defaults_filled_and_unknown_members_ignored():
    assert parse({"volumeID": 3, "extra": [1, 2]}, SPECS) == {
        "volumeID": 3, "name": None, "enable": False, "limit": 0, "ids": None, "qos": None,
        "size": None, "anything": None, "clusterPairingKey": None}


def test_null_optional_takes_the_default():
    assert parse({"volumeID": 1, "enable": None, "limit": None}, SPECS)["enable"] is False


def test_missing_required_member():
    e = error({})
    assert (e.name, e.message) == ("xMissingParameter", "Missing member=[volumeID]")


@pytest.mark.parametrize("sent", ["volumeId", "VolumeID", "volumeid", "VOLUMEID"])
def test_near_miss_spelling_is_named(sent):
    e = error({sent: 1})
    assert e.name == "xMissingParameter"
    assert "[volumeID]" in e.message and f"'{sent}'" in e.message


@pytest.mark.parametrize("member,value,expected", [
    ("volumeID", "1", "integer"), ("volumeID", 1.0, "integer"), ("volumeID", True, "integer"),
    ("volumeID", None, "integer"), ("volumeID", [1], "integer"),
    ("name", 5, "string"), ("enable", 1, "boolean"), ("enable", "true", "boolean"),
    ("ids", [1, "2"], "array of integers"), ("ids", [True], "array of integers"),
    ("ids", 1, "array of integers"), ("qos", [], "object"), ("size", "5", "number"),
    ("size", False, "number"),
])
def test_wrong_type(member, value, expected):
    e = error({"volumeID": 1, member: value})
    assert e.name == "xInvalidParameterType"
    assert f"member=[{member}]" in e.message and expected in e.message


def test_numbers_accept_ints_and_floats():
    assert parse({"volumeID": 1, "size": 1.5}, SPECS)["size"] == 1.5
    assert parse({"volumeID": 1, "size": 2}, SPECS)["size"] == 2
    assert parse({"volumeID": 1, "anything": {"a": [None]}}, SPECS)["anything"] == {"a": [None]}


def test_minimum():
    e = error({"volumeID": 1, "limit": -1})
    assert e.name == "xInvalidParameter" and "limit" in e.message
    assert parse({"volumeID": 1, "limit": 0}, SPECS)["limit"] == 0


def test_huge_values_are_ints():
    assert parse({"volumeID": 2**200}, SPECS)["volumeID"] == 2**200


def test_messages_stay_short_and_never_echo_secrets():
    e = error({"volumeID": list(range(100000))})
    assert len(e.message) <= 300
    e = error({"volumeID": 1, "clusterPairingKey": 123456789})
    assert "123456789" not in e.message and "***" in e.message


def test_deeply_nested_value_does_not_break_the_message():
    deep: list = []
    for _ in range(50000):
        deep = [deep]
    e = error({"volumeID": deep})
    assert e.name == "xInvalidParameterType"
