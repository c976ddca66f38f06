"""Fixtures of the web calculator's tests: a running server on a free port, model files
saved by real Keras, and a small HTTP client."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed_cnn.py"
# Small limits so that the hostile tests are quick; the defaults are larger (see Limits).
TEST_LIMITS = dict(timeout=4.0, cpu_seconds=6, memory_bytes=1024 * 1024 * 1024, grace=3.0)
# The API tests send many requests from 127.0.0.1: no per-client rate (test_throttle.py tests it).
TEST_CLIENT_LIMITS = dict(rate=1000.0, burst=1000.0, jobs_per_client=2)
BWRAP = os.environ.get("NNCALC_BWRAP", "/usr/bin/bwrap")
NO_BWRAP = (f"bubblewrap is absent ({BWRAP}): the code API's jail needs it "
            "(apt-get install bubblewrap; .ci/run installs it)")


def need_bwrap() -> None:
    """Skip (the only reason a jail test may skip) when bubblewrap is not installed."""
    if not os.access(BWRAP, os.X_OK):
        pytest.skip(NO_BWRAP)


class Client:
    """``post(body)`` / ``get(path)`` -> (status, headers, parsed JSON or text)."""

    def __init__(self, url: str):
        self.url = url

    def request(self, method: str, path: str, data: bytes | None = None, headers=None, timeout=60):
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                status, head, raw = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, head, raw = error.code, dict(error.headers), error.read()
        kind = head.get("Content-Type", "")
        return status, head, json.loads(raw) if kind.startswith("application/json") else raw.decode("utf-8")

    def post(self, body, **kwargs):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.request("POST", "/api/summary", data, {"Content-Type": "application/json"}, **kwargs)

    def get(self, path: str):
        return self.request("GET", path)


def start_server(**kwargs):
    from nncalc.serve.sandbox import Limits
    from nncalc.serve.server import CalculatorServer
    from nncalc.serve.throttle import ClientLimits

    kwargs.setdefault("client_limits", ClientLimits(**TEST_CLIENT_LIMITS))
    if kwargs.get("code_api"):
        kwargs.setdefault("bwrap", BWRAP)
    server = CalculatorServer(("127.0.0.1", 0), limits=Limits(**TEST_LIMITS), **kwargs)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@contextlib.contextmanager
def serving(**kwargs):
    """A :func:`start_server` server for the ``with`` block, shut down after it."""
    server = start_server(**kwargs)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def server():
    """The calculator on a free port of 127.0.0.1, two workers at most, with its code API on:
    each request runs in a bubblewrap jail."""
    need_bwrap()
    with serving(max_workers=2, code_api=True) as server:
        yield server


@pytest.fixture(scope="session")
def client(server):
    return Client(server.url)


@pytest.fixture(scope="session")
def plain_server():
    """The calculator as ``nncalc serve`` starts it: code API off, files read in the sandbox."""
    with serving(max_workers=2) as server:
        yield server


@pytest.fixture(scope="session")
def plain_client(plain_server):
    return Client(plain_server.url)


@pytest.fixture(scope="session")
def seed_code() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def keras_files(tmp_path_factory, real_keras):
    """Files real Keras saved (seed CNN as .keras/.h5/.json, a Lambda model) and its figures."""
    out = tmp_path_factory.mktemp("keras_files")
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    subprocess.run([sys.executable, str(Path(__file__).with_name("keras_files.py")), str(out)],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(out))
    return out, json.loads((out / "reference.json").read_text(encoding="utf-8"))


def nncalc_command(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """``nncalc ARGS`` as a user runs it with its output piped (no terminal, no COLUMNS)."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    return subprocess.run([sys.executable, "-m", "nncalc", *args], capture_output=True, text=True,
                          env=env, cwd=cwd)
