"""Element objects built from model state, with every field the SDK models declare.

UUID fields are valid UUIDs (never ""), `access` and protection schemes are from their
enums, `qos.curve` is an object, accounts carry their secrets, attributes are objects.
"""

from __future__ import annotations

from typing import Any

from replsim.api.clock import iso
from replsim.model.cluster import Account, Cluster
from replsim.model.clusterpair import ClusterPair
from replsim.model.pair import VolumePair
from replsim.model.qos import QosSettings
from replsim.model.snapshots import Snapshot
from replsim.model.volume import BLOCK_BYTES, Volume

ZERO_UUID = "00000000-0000-0000-0000-000000000000"
SLICE_SERVICE_ID_BASE = 10  # slice service of node n has service ID 10 + n


def qos_object(settings: QosSettings) -> dict[str, Any]:
    return settings.to_element()


def account_object(cluster: Cluster, account: Account) -> dict[str, Any]:
    volumes = sorted(v.volume_id for v in cluster.volumes.values()
                     if v.account_id == account.account_id and not v.deleted)
    return {
        "accountID": account.account_id, "username": account.username,
        "status": account.status, "volumes": volumes,
        "initiatorSecret": account.initiator_secret, "targetSecret": account.target_secret,
        "storageContainerID": ZERO_UUID, "attributes": dict(account.attributes),
        "enableChap": account.enable_chap,
    }


def slice_service_id(volume: Volume) -> int:
    return SLICE_SERVICE_ID_BASE + volume.path.primary.node_id


def volume_pair_object(pair: VolumePair, local: Volume) -> dict[str, Any]:
    """The `volumePairs[]` entry a volume shows for its pair, from its own side."""
    remote = pair.volumes[1] if pair.volumes[0] is local else pair.volumes[0]
    side = local.cluster.name
    cp_side = pair.cluster_pair.sides.get(side)
    state = pair.side_state(side)
    shipper = pair.snapshots
    if state.startswith(("Paused", "Stopped")):
        snap_state = state
    else:
        snap_state = "Active" if shipper is not None and shipper.busy else "Idle"
    return {
        "clusterPairID": cp_side.pair_id if cp_side else 0,
        "remoteReplication": {
            "mode": pair.mode,
            "pauseLimit": int(pair.pause_limit_bytes),
            "remoteServiceID": slice_service_id(remote),
            "resumeDetails": "",
            "snapshotReplication": {"state": snap_state, "stateDetails": ""},
            "state": state,
            "stateDetails": "",
        },
        "remoteSliceID": remote.volume_id,
        "remoteVolumeID": remote.volume_id,
        "remoteVolumeName": remote.name,
        "volumePairUUID": pair.uuid,
    }


def pending_pair_object(local: Volume) -> dict[str, Any]:
    """A volume pairing started but not completed (StartVolumePairing only)."""
    uuid, mode = local.pending_pairing
    return {
        "clusterPairID": 0,
        "remoteReplication": {
            "mode": mode, "pauseLimit": 3145728000, "remoteServiceID": 0, "resumeDetails": "",
            "snapshotReplication": {"state": "Idle", "stateDetails": ""},
            "state": "PausedMisconfigured", "stateDetails": "",
        },
        "remoteSliceID": 0, "remoteVolumeID": 0, "remoteVolumeName": "",
        "volumePairUUID": uuid,
    }


def volume_pairs(volume: Volume) -> list[dict[str, Any]]:
    entries = [volume_pair_object(p, volume) for p in volume.pairs]
    if volume.pending_pairing is not None:
        entries.append(pending_pair_object(volume))
    return entries


def _device_ids(cluster: Cluster, volume_id: int) -> tuple[str, str]:
    unique_hex = cluster.identity.unique_id.encode().hex()
    vol_hex = f"{volume_id:08x}"
    return (f"{unique_hex}{vol_hex}f47acc0100000000",
            f"6f47acc100000000{unique_hex}{vol_hex}")


def volume_object(volume: Volume) -> dict[str, Any]:
    cluster = volume.cluster
    eui, naa = _device_ids(cluster, volume.volume_id)
    total = -(-volume.size_bytes // 2**20) * 2**20  # Element rounds up to a whole MiB
    return {
        "access": volume.access,
        "accountID": volume.account_id,
        "attributes": dict(volume.attributes),
        "blockSize": BLOCK_BYTES,
        "createTime": iso(volume.create_time_s),
        "currentProtectionScheme": "doubleHelix",
        "deleteTime": iso(volume.delete_time_s) if volume.deleted else "",
        "dontMoveForIopsRebalance": False,
        "enable512e": volume.enable512e,
        "enableSnapMirrorReplication": False,
        "fifoSize": 24,
        "iqn": f"iqn.2010-01.com.solidfire:{cluster.identity.unique_id}."
               f"{volume.name.lower()}.{volume.volume_id}",
        "lastAccessTime": None,
        "lastAccessTimeIO": None,
        "minFifoSize": 0,
        "name": volume.name,
        "previousProtectionScheme": None,
        "purgeTime": iso(volume.delete_time_s + 8 * 3600) if volume.deleted else "",
        "qos": qos_object(volume.qos.settings),
        "qosPolicyID": None,
        "scsiEUIDeviceID": eui,
        "scsiNAADeviceID": naa,
        "sliceCount": 1,
        "status": "deleted" if volume.deleted else "active",
        "totalSize": total,
        "virtualVolumeID": None,
        "volumeAccessGroups": [],
        "volumeConsistencyGroupUUID": volume.consistency_group_uuid,
        "volumeID": volume.volume_id,
        "volumePairs": volume_pairs(volume),
        "volumeUUID": volume.uuid,
    }


def cluster_pair_object(cp: ClusterPair, local: str, latency_ms: int) -> dict[str, Any]:
    """A ListClusterPairs entry from `local`'s side; remote fields describe the peer."""
    side = cp.sides[local]
    peer = cp.peer(local)
    status = cp.derived_status(local)
    if peer is None:
        remote = {"clusterName": "", "clusterUUID": "", "mvip": "", "version": "", "latency": 0}
    else:
        ident = peer.cluster.identity
        remote = {"clusterName": ident.name, "clusterUUID": ident.unique_id, "mvip": ident.mvip,
                  "version": ident.version, "latency": latency_ms}
    return {"clusterPairID": side.pair_id, "clusterPairUUID": cp.uuid, "status": status,
            **remote}


def snapshot_object(snapshot: Snapshot) -> dict[str, Any]:
    remote = []
    if snapshot.remote_status is not None:
        remote.append({"remoteStatus": snapshot.remote_status,
                       "volumePairUUID": snapshot.pair_uuid})
    expiration = (iso(snapshot.create_s + snapshot.retention_s)
                  if snapshot.retention_s is not None else None)
    return {
        "attributes": {},
        "checksum": "0x0",
        "createTime": iso(snapshot.create_s),
        "enableRemoteReplication": snapshot.enable_remote,
        "expirationReason": "Api" if snapshot.retention_s is not None else "None",
        "expirationTime": expiration,
        "groupID": snapshot.group_id,
        "groupSnapshotUUID": ZERO_UUID,
        "instanceCreateTime": iso(snapshot.create_s),
        "instanceSnapshotUUID": snapshot.uuid,
        "name": snapshot.name,
        "remoteStatuses": remote,
        "snapMirrorLabel": "",
        "snapshotID": snapshot.snapshot_id,
        "snapshotUUID": snapshot.uuid,
        "status": "done",
        "totalSize": -(-snapshot.volume.size_bytes // 2**20) * 2**20,
        "virtualVolumeID": None,
        "volumeID": snapshot.volume.volume_id,
        "volumeName": snapshot.volume.name,
    }


def cluster_info_object(cluster: Cluster) -> dict[str, Any]:
    ident = cluster.identity
    return {
        "attributes": {},
        "defaultProtectionScheme": "doubleHelix",
        "enabledProtectionSchemes": ["doubleHelix"],
        "encryptionAtRestState": "disabled",
        "ensemble": [f"{ident.mvip.rsplit('.', 1)[0]}.{10 + n.node_id}" for n in cluster.nodes[:3]],
        "mvip": ident.mvip,
        "mvipInterface": "team1G",
        "mvipNodeID": 1,
        "mvipVlanTag": "0",
        "name": ident.name,
        "repCount": 2,
        "softwareEncryptionAtRestState": "disabled",
        "supportedProtectionSchemes": ["singleHelix", "doubleHelix", "tripleHelix"],
        "svip": ident.svip,
        "svipInterface": "team10G",
        "svipNodeID": 1,
        "svipVlanTag": "0",
        "uniqueID": ident.unique_id,
        "uuid": ident.uuid,
    }
