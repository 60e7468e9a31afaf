"""Pairing keys exactly as Element makes them: hex of compact, sorted-key JSON.

`json.dumps(obj, separators=(",", ":"), sort_keys=True).encode().hex()` reproduces the
documented example keys byte for byte. Keys carry pairing credentials: secrets.
"""

from __future__ import annotations

import json
import string
from typing import Any

CLUSTER_KEY_FIELDS = ("clusterPairID", "clusterPairUUID", "clusterUniqueID", "mvip", "name",
                      "password", "rpcConnectionID", "username")
VOLUME_KEY_FIELDS = ("mvip", "volumeID", "volumeName", "volumePairUUID")
HEX_DIGITS = set(string.hexdigits)  # no whitespace, unlike bytes.fromhex
INT_FIELDS = {"clusterPairID", "rpcConnectionID", "volumeID"}  # the others are strings


def encode_key(fields: dict[str, Any]) -> str:
    return json.dumps(fields, separators=(",", ":"), sort_keys=True).encode("utf-8").hex()


def _typed(name: str, value: object) -> bool:
    if name in INT_FIELDS:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


def decode_key(key: object, required: tuple[str, ...]) -> dict[str, Any] | None:
    """The key's fields, or None when it is not hex of a JSON object with `required`
    (each of the right JSON type: the IDs integers, the rest strings)."""
    if not isinstance(key, str) or len(key) % 2 or not set(key) <= HEX_DIGITS:
        return None
    try:
        fields = json.loads(bytes.fromhex(key).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(fields, dict) or any(name not in fields or not _typed(name, fields[name])
                                           for name in required):
        return None
    return fields


def mask(value: object) -> object:
    """What the api_calls table shows instead of a secret."""
    return "***" if value not in (None, "") else value
