"""Runs a scenario's timeline against the world as a SimPy process.

API steps go through the Element dispatcher exactly as a client's request would; fault
and workload steps act on the model. A failing step stops the run with a located error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from replsim.model.world import ModelWorld
from replsim.scenario.timeline import Step, resolve


class TimelineError(RuntimeError):
    """A timeline step failed; the message names the step, its time and the error."""


class TimelineExecutor:
    """Executes steps in time order (stable for equal times)."""

    def __init__(self, model: ModelWorld, call: Callable[[str, dict], dict],
                 steps: list[Step], origin: str):
        self.model = model
        self.call = call
        self.origin = origin
        self.saved: dict[str, Any] = {}
        self.steps = sorted(enumerate(steps), key=lambda item: item[1].at)
        self.done = 0
        model.env.process(self._run())

    def _run(self):
        env = self.model.env
        for index, step in self.steps:
            if step.at > env.now:
                yield env.timeout(step.at - env.now)
            if step.action == "pair_volumes":
                yield from self._pair_volumes(index, step)
            else:
                self._execute(index, step)
            self.done += 1

    def _fail(self, index: int, step: Step, message: str) -> TimelineError:
        return TimelineError(f"{self.origin}: timeline[{index}] ({step.action} at "
                             f"{self.model.now_s:g} s): {message}")

    def _request(self, index: int, step: Step, cluster: str, method: str,
                 params: dict[str, Any], expect: str | None = None) -> dict[str, Any]:
        try:
            resolved = resolve(params, self.saved)
        except KeyError as exc:
            raise self._fail(index, step, f"{method}: {exc.args[0]}") from None
        reply = self.call(cluster, {"method": method, "params": resolved, "id": index})
        error = reply.get("error")
        if expect is not None:
            if error is None:
                raise self._fail(index, step, f"{method} on {cluster} succeeded, but the step "
                                              f"expects {expect}")
            if error["name"] != expect:
                raise self._fail(index, step, f"{method} on {cluster} failed with "
                                              f"{error['name']} ({error['message']}), the step "
                                              f"expects {expect}")
            return error
        if error is not None:
            raise self._fail(index, step, f"{method} on {cluster} failed: {error['name']}: "
                                          f"{error['message']}")
        return reply["result"]

    def _execute(self, index: int, step: Step) -> None:
        model = self.model
        action = step.action
        if action == "method":
            result = self._request(index, step, step.cluster, step.method, step.params,
                                   step.expect_error)
            if step.id is not None:
                self.saved[step.id] = result
        elif action in ("link_down", "link_up"):
            a, b = getattr(step, action)
            model.link_between(a, b).set_up(action == "link_up")
        elif action == "set_bandwidth":
            change = step.set_bandwidth
            model.link_between(*change.between).set_bandwidth(change.bandwidth)
        elif action == "set_rtt":
            change = step.set_rtt
            model.link_between(*change.between).set_rtt(change.rtt)
        elif action == "set_rate":
            cluster, name = step.set_rate.volume.split("/", 1)
            model.set_rate(model.volume(cluster, name), step.set_rate.rate)
        elif action == "pair_clusters":
            a, b = step.pair_clusters
            started = self._request(index, step, a, "StartClusterPairing", {})
            self._request(index, step, b, "CompleteClusterPairing",
                          {"clusterPairingKey": started["clusterPairingKey"]})

    def _pair_volumes(self, index: int, step: Step):
        """The documented order: target access, StartVolumePairing, CompleteVolumePairing
        (waiting for the cluster pair to finish connecting, as clients retry)."""
        spec = step.pair_volumes
        (src_cluster, src_name), (dst_cluster, dst_name) = (
            spec.source.split("/", 1), spec.target.split("/", 1))
        model = self.model
        source, target = model.volume(src_cluster, src_name), model.volume(dst_cluster, dst_name)
        cp = next((cp for cp in model.cluster_pairs if {src_cluster, dst_cluster} ==
                   set(cp.sides) and cp.complete), None)
        if cp is not None and cp.connected_at_s > model.now_s:
            yield model.env.timeout(cp.connected_at_s - model.now_s)
        self._request(index, step, dst_cluster, "ModifyVolume",
                      {"volumeID": target.volume_id, "access": "replicationTarget"})
        started = self._request(index, step, src_cluster, "StartVolumePairing",
                                {"volumeID": source.volume_id, "mode": spec.mode})
        self._request(index, step, dst_cluster, "CompleteVolumePairing",
                      {"volumeID": target.volume_id,
                       "volumePairingKey": started["volumePairingKey"]})
