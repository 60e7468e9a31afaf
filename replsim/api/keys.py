"""Pairing keys exactly as Element makes them: hex of compact, sorted-key JSON.

`json.dumps(obj, separators=(",", ":"), sort_keys=True).encode().hex()` reproduces the
documented example keys byte for byte. Keys carry pairing credentials: secrets.
"""

from __future__ import annotations

import json
from typing import Any

CLUSTER_KEY_FIELDS = ("clusterPairID", "clusterPairUUID", "clusterUniqueID", "mvip", "name",
                      "password", "rpcConnectionID", "username")
VOLUME_KEY_FIELDS = ("mvip", "volumeID", "volumeName", "volumePairUUID")


def encode_key(fields: dict[str, Any]) -> str:
    return json.dumps(fields, separators=(",", ":"), sort_keys=True).encode("utf-8").hex()


def decode_key(key: object, required: tuple[str, ...]) -> dict[str, Any] | None:
    """The key's fields, or None when it is not hex of a JSON object with `required`."""
    if not isinstance(key, str) or len(key) % 2:
        return None
    try:
        fields = json.loads(bytes.fromhex(key).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(fields, dict) or any(name not in fields for name in required):
        return None
    return fields


def mask(value: object) -> object:
    """What the api_calls table shows instead of a secret."""
    return "***" if value not in (None, "") else value
