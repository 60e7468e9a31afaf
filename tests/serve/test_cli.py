"""`replsim serve` as a command: it prints each cluster's URL, serves, stops cleanly on
SIGTERM / Ctrl-C (writing the results folder when asked) and refuses bad arguments."""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest

from replsim.cli import main
from tests.serve.conftest import ADMIN, TIMEOUT_S, basic, client_context

URL_LINE = re.compile(r"^(\S+)\s+(https?://\S+)\s+\(user (\S+)\)$")
START_TIMEOUT_S = 60.0  # a cold interpreter imports pandas, pyarrow, matplotlib...
STOP_TIMEOUT_S = 60.0


class Served:
    """A `replsim serve` subprocess; its stdout lines arrive on a queue (never blocks)."""

    def __init__(self, *args: str, cwd: Path):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "replsim.cli", "serve", *args], cwd=cwd, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stdout: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def endpoints(self) -> dict[str, tuple[str, str]]:
        """Read stdout up to the 'simulated time runs at' line: {cluster: (url, user)}."""
        found: dict[str, tuple[str, str]] = {}
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no endpoints printed in time: {self.stdout}"
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            assert line is not None, f"serve exited early: {self.finish()}"
            self.stdout.append(line)
            match = URL_LINE.match(line)
            if match:
                found[match.group(1)] = (match.group(2), match.group(3))
            if line.startswith("simulated time runs at"):
                return found

    def finish(self, signum: int | None = None) -> tuple[int, str, str]:
        """Send `signum` (if any), wait for the exit; returns code, all stdout, stderr."""
        if signum is not None and self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise
        self._reader.join(timeout=10)
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.stdout.append(line)
        assert self.process.stderr is not None
        return code, "\n".join(self.stdout), self.process.stderr.read()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def serve_cmd(tmp_path):
    started: list[Served] = []

    def start(*args: str) -> Served:
        served = Served(*args, cwd=tmp_path)
        started.append(served)
        return served

    yield start
    for served in started:
        served.kill()


def request(url: str, method: str, params: dict | None = None, auth: tuple = ADMIN) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=TIMEOUT_S, context=client_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_S)
    try:
        conn.request("POST", parts.path, body=json.dumps(
            {"method": method, "params": params or {}, "id": 1}),
            headers={"Authorization": basic(*auth)})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 200, (response.status, body)
    return json.loads(body)


def test_serve_clusters_then_sigterm_writes_results(serve_cmd, tmp_path):
    results = tmp_path / "results" / "served"
    served = serve_cmd("--clusters", "2", "--port-base", "0", "--speed", "10",
                       "--results", str(results))
    endpoints = served.endpoints()
    assert sorted(endpoints) == ["cluster1", "cluster2"]
    for url, user in endpoints.values():
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.hostname == "127.0.0.1"
        assert parts.port and parts.port > 0 and parts.path == "/json-rpc/12.3"
        assert user == "admin"
    assert len({urlsplit(u).port for u, _ in endpoints.values()}) == 2
    url1, url2 = endpoints["cluster1"][0], endpoints["cluster2"][0]
    # the servers answer, each as its own cluster
    assert request(url1, "GetClusterInfo")["result"]["clusterInfo"]["name"] == "cluster1"
    assert request(url2, "GetClusterInfo")["result"]["clusterInfo"]["name"] == "cluster2"
    key = request(url1, "StartClusterPairing")["result"]["clusterPairingKey"]
    assert request(url2, "CompleteClusterPairing",
                   {"clusterPairingKey": key})["result"]["clusterPairID"] == 1

    code, stdout, stderr = served.finish(signal.SIGTERM)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert f"results written to {results}/" in stdout
    assert re.search(r"stopped at simulated t = \d+\.\d{3} s", stdout)
    for name in ("manifest.json", "summary.csv", "api_calls.parquet", "states.parquet"):
        assert (results / name).is_file(), name
    calls = pd.read_parquet(results / "api_calls.parquet")
    assert list(calls["method"]) == ["GetClusterInfo", "GetClusterInfo", "StartClusterPairing",
                                     "CompleteClusterPairing"]
    assert (calls["outcome"] == "ok").all()
    assert key not in calls.to_csv()  # the pairing key is masked in the results
    manifest = json.loads((results / "manifest.json").read_text())
    assert manifest["simulated_s"] > 0


def test_serve_a_scenario_over_http_then_ctrl_c(serve_cmd, tmp_path):
    scenario = tmp_path / "pair.yaml"
    scenario.write_text(
        "run: {name: served, duration: 1h}\n"
        "clusters:\n"
        "  - {name: prod, username: ops, password: 'op3rator'}\n"
        "  - {name: dr}\n"
        "links:\n"
        "  - {between: [prod, dr], rtt: 2ms, bandwidth: 1Gbps}\n")
    served = serve_cmd(str(scenario), "--port-base", "0", "--http")
    endpoints = served.endpoints()
    assert [user for _, user in endpoints.values()] == ["ops", "admin"]
    prod, dr = endpoints["prod"][0], endpoints["dr"][0]
    assert prod.startswith("http://127.0.0.1:") and dr.startswith("http://127.0.0.1:")
    assert request(prod, "ListClusterPairs", auth=("ops", "op3rator"))["result"] == {
        "clusterPairs": []}
    assert request(dr, "GetClusterInfo")["result"]["clusterInfo"]["name"] == "dr"
    code, stdout, stderr = served.finish(signal.SIGINT)
    assert code == 0, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert "results written" not in stdout  # no --results: nothing written
    assert not any(p.name != "pair.yaml" for p in tmp_path.iterdir())


@pytest.mark.parametrize(("args", "message"), [
    ([], "give a SCENARIO or --clusters N"),
    (["scenario.yaml", "--clusters", "2"], "give a SCENARIO or --clusters N (not both)"),
    (["--clusters", "2", "--cert", "cert.pem"], "--cert and --key go together"),
    (["--clusters", "2", "--key", "key.pem"], "--cert and --key go together"),
    (["--clusters", "0"], "--clusters must be between 1 and 20"),
    (["--clusters", "2", "--speed", "0"], "--speed must be > 0"),
    (["--clusters", "2", "--port-base", "65535"], "ports must lie within 1..65535"),
    (["--clusters", "2", "--port-base", "-1"], "ports must lie within 1..65535"),
    (["--clusters", "2", "--cert", "missing.pem", "--key", "missing.pem"],
     "cannot use --cert missing.pem --key missing.pem"),
    (["missing.yaml"], "missing.yaml"),
])
def test_bad_arguments_exit_2_with_a_message(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenario.yaml").write_text("clusters: [{name: a}]\n")
    assert main(["serve", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("replsim: ") and message in err, err
    assert "Traceback" not in err


def test_a_port_in_use_is_named(capsys):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert main(["serve", "--clusters", "1", "--port-base", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port} for cluster1" in err and "Traceback" not in err


def test_a_certificate_that_is_not_pem_is_refused(capsys, tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    assert main(["serve", "--clusters", "1", "--cert", str(junk), "--key", str(junk)]) == 2
    assert "cannot use --cert" in capsys.readouterr().err


def test_bad_arguments_in_a_real_process_print_no_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "replsim.cli", "serve", "--clusters", "2",
                           "--cert", "only-a-cert.pem"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=START_TIMEOUT_S, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert done.stderr.strip() == "replsim: --cert and --key go together"
    assert done.stdout == ""
    done = subprocess.run([sys.executable, "-m", "replsim.cli", "serve", "--clusters", "two"],
                          cwd=tmp_path, capture_output=True, text=True,
                          timeout=START_TIMEOUT_S, stdin=subprocess.DEVNULL)
    assert done.returncode == 2  # argparse's own usage error
    assert "invalid int value" in done.stderr and "Traceback" not in done.stderr
