"""Accounts: AddAccount, ListAccounts, GetAccountByName, GetAccountByID."""

from __future__ import annotations

import pytest

from tests.api.helpers import bare_world, create_volume, err, ok
from tests.api.shapes import check_account


def test_add_account_generates_secrets():
    w = bare_world()
    result = ok(w, "east", "AddAccount", username="alice")
    assert set(result) == {"accountID", "account"}
    account = result["account"]
    check_account(account)
    assert result["accountID"] == account["accountID"] == 1
    assert account["username"] == "alice" and account["status"] == "active"
    assert account["enableChap"] is True and account["attributes"] == {}
    assert account["volumes"] == []
    assert ok(w, "east", "AddAccount", username="bob")["accountID"] == 2
    assert ok(w, "west", "AddAccount", username="alice")["accountID"] == 1  # per cluster


def test_add_account_with_given_secrets_and_attributes():
    w = bare_world()
    account = ok(w, "east", "AddAccount", username="carol", initiatorSecret="initiator123",
                 targetSecret="target123456", enableChap=False,
                 attributes={"tier": "gold"})["account"]
    check_account(account)
    assert (account["initiatorSecret"], account["targetSecret"]) == (
        "initiator123", "target123456")
    assert account["enableChap"] is False and account["attributes"] == {"tier": "gold"}


def test_duplicate_username():
    w = bare_world()
    ok(w, "east", "AddAccount", username="alice")
    assert "alice" in err(w, "east", "AddAccount", "xDuplicateUsername", username="alice")
    assert len(ok(w, "east", "ListAccounts")["accounts"]) == 1


@pytest.mark.parametrize("params", [
    {"username": "x", "initiatorSecret": "short"},
    {"username": "x", "targetSecret": "a" * 17},
    {"username": "x", "initiatorSecret": "same-secret-1", "targetSecret": "same-secret-1"},
    {"username": ""},
    {"username": "u" * 65},
])
def test_invalid_account_requests_leave_no_trace(params):
    w = bare_world()
    err(w, "east", "AddAccount", "xInvalidParameter", **params)
    assert ok(w, "east", "ListAccounts")["accounts"] == []
    assert ok(w, "east", "AddAccount", username="ok")["accountID"] == 1  # no ID was used up


def test_add_account_param_errors():
    w = bare_world()
    assert err(w, "east", "AddAccount", "xMissingParameter") == "Missing member=[username]"
    err(w, "east", "AddAccount", "xInvalidParameterType", username=5)
    err(w, "east", "AddAccount", "xInvalidParameterType", username="x", attributes=[])
    err(w, "east", "AddAccount", "xInvalidParameterType", username="x", enableChap="yes")


def test_list_accounts_sorted_with_paging():
    w = bare_world()
    for name in ("a", "b", "c", "d"):
        ok(w, "east", "AddAccount", username=name)
    accounts = ok(w, "east", "ListAccounts")["accounts"]
    assert [a["accountID"] for a in accounts] == [1, 2, 3, 4]
    for a in accounts:
        check_account(a)
    assert [a["accountID"] for a in ok(w, "east", "ListAccounts", startAccountID=2,
                                       limit=2)["accounts"]] == [2, 3]
    err(w, "east", "ListAccounts", "xInvalidParameter", limit=-5)


def test_account_lists_its_volumes():
    w = bare_world()
    account = ok(w, "east", "AddAccount", username="owner")["accountID"]
    create_volume(w, "east", "v1")
    create_volume(w, "east", "v2")
    assert ok(w, "east", "GetAccountByID", accountID=account)["account"]["volumes"] == [1, 2]
    ok(w, "east", "DeleteVolume", volumeID=1)
    assert ok(w, "east", "GetAccountByID", accountID=account)["account"]["volumes"] == [2]


def test_get_account_by_name():
    w = bare_world()
    ok(w, "east", "AddAccount", username="alice")
    account = ok(w, "east", "GetAccountByName", username="alice")["account"]
    check_account(account)
    assert account["username"] == "alice"
    assert "bob" in err(w, "east", "GetAccountByName", "xUnknownAccount", username="bob")
    err(w, "west", "GetAccountByName", "xUnknownAccount", username="alice")
    err(w, "east", "GetAccountByName", "xMissingParameter")


def test_get_account_by_id():
    w = bare_world()
    ok(w, "east", "AddAccount", username="alice")
    check_account(ok(w, "east", "GetAccountByID", accountID=1)["account"])
    err(w, "east", "GetAccountByID", "xAccountIDDoesNotExist", accountID=2)
    err(w, "east", "GetAccountByID", "xInvalidParameterType", accountID="1")
