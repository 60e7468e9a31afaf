"""Accounts: AddAccount, ListAccounts, GetAccountByName, GetAccountByID."""

from __future__ import annotations

from typing import Any

from replsim import rng as rngmod
from replsim.api import lookup
from replsim.api.errors import ApiError
from replsim.api.objects import account_object
from replsim.api.params import Param
from replsim.api.registry import method
from replsim.model.cluster import Account, Cluster


def _secret(given: str | None, generated: str, member: str) -> str:
    if given is None:
        return generated
    if not 12 <= len(given) <= 16:
        raise ApiError("xInvalidParameter",
                       f"Invalid value for member=[{member}]: CHAP secrets are 12-16 characters")
    return given


def add_account(cluster: Cluster, seed: int, username: str, initiator: str | None = None,
                target: str | None = None, enable_chap: bool = True,
                attributes: dict | None = None) -> Account:
    """Create an account (also used by scenarios for the accounts their volumes name)."""
    if not 1 <= len(username) <= 64:
        raise ApiError("xInvalidParameter", "username must be 1-64 characters")
    if any(a.username == username for a in cluster.accounts.values()):
        raise ApiError("xDuplicateUsername", f"Username {username!r} already exists.")
    account_id = cluster.next_account_id
    gen = rngmod.stream(seed, f"{cluster.name}.account{account_id}.secrets")
    initiator_secret = _secret(initiator, lookup.random_text(gen, lookup.ALNUM, 12),
                               "initiatorSecret")
    target_secret = _secret(target, lookup.random_text(gen, lookup.ALNUM, 12), "targetSecret")
    if initiator_secret == target_secret:
        raise ApiError("xInvalidParameter", "initiatorSecret and targetSecret must differ")
    cluster.next_account_id += 1  # only once the request is valid: no gaps in the IDs
    account = Account(account_id, username, initiator_secret, target_secret, enable_chap,
                      dict(attributes or {}))
    cluster.accounts[account_id] = account
    return account


@method("AddAccount", Param("username", "str", required=True), Param("initiatorSecret", "str"),
        Param("targetSecret", "str"), Param("attributes", "dict", default=None),
        Param("enableChap", "bool", default=True))
def add_account_method(ctx, params: dict[str, Any]) -> dict[str, Any]:
    account = add_account(ctx.cluster, ctx.model.seed, params["username"],
                          params["initiatorSecret"], params["targetSecret"],
                          params["enableChap"], params["attributes"])
    return {"accountID": account.account_id, "account": account_object(ctx.cluster, account)}


@method("ListAccounts", Param("startAccountID", "int", default=0, minimum=0),
        Param("limit", "int", default=0, minimum=0),
        Param("includeStorageContainers", "bool", default=True))
def list_accounts(ctx, params: dict[str, Any]) -> dict[str, Any]:
    found = [a for aid, a in sorted(ctx.cluster.accounts.items())
             if aid >= params["startAccountID"]]
    if params["limit"]:
        found = found[: params["limit"]]
    return {"accounts": [account_object(ctx.cluster, a) for a in found]}


@method("GetAccountByName", Param("username", "str", required=True))
def get_account_by_name(ctx, params: dict[str, Any]) -> dict[str, Any]:
    found = next((a for a in ctx.cluster.accounts.values()
                  if a.username == params["username"]), None)
    if found is None:
        raise ApiError("xUnknownAccount", f"Account {params['username']!r} does not exist.")
    return {"account": account_object(ctx.cluster, found)}


@method("GetAccountByID", Param("accountID", "int", required=True))
def get_account_by_id(ctx, params: dict[str, Any]) -> dict[str, Any]:
    return {"account": account_object(ctx.cluster, lookup.account(ctx.cluster,
                                                                   params["accountID"]))}
