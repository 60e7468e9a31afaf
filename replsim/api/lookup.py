"""Finding the objects a request names, with Element's errors when they don't exist."""

from __future__ import annotations

import string

import numpy as np

from replsim.api.errors import ApiError
from replsim.model.cluster import Account, Cluster
from replsim.model.volume import Volume

ALNUM = string.ascii_letters + string.digits
PRINTABLE = string.ascii_letters + string.digits + string.punctuation + " "


def volume(cluster: Cluster, volume_id: int, allow_deleted: bool = False) -> Volume:
    found = cluster.volumes.get(volume_id)
    if found is None or (found.deleted and not allow_deleted):
        raise ApiError("xVolumeIDDoesNotExist", f"VolumeID {volume_id} does not exist.")
    return found


def account(cluster: Cluster, account_id: int) -> Account:
    found = cluster.accounts.get(account_id)
    if found is None:
        raise ApiError("xAccountIDDoesNotExist", f"AccountID {account_id} does not exist.")
    return found


def random_text(rng: np.random.Generator, alphabet: str, length: int) -> str:
    return "".join(alphabet[i] for i in rng.integers(0, len(alphabet), length))
