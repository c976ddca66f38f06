"""Fixtures of the web calculator's tests: a running server on a free port, model files
saved by real Keras, and a small HTTP client."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
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


# ---------------------------------------------------------------- the page in a real browser
CHROMIUM = os.environ.get("NNCALC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def pyodide_files():
    """Pyodide's checked files (fetched once into the cache, as `.ci/run` does), or skip."""
    from nncalc.serve import pyodide_release

    if pyodide_release.pyodide_dir() is None:
        try:
            pyodide_release.fetch(log=lambda line: None)
        except (pyodide_release.AssetError, OSError) as error:
            pytest.skip(f"Pyodide's files are not here and could not be fetched ({error}); "
                        "run `nncalc serve --fetch-pyodide`")
    return pyodide_release.pyodide_dir()


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (no `playwright install`), or skip."""
    import shutil

    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                                   "(pip install -e '.[test]'; .ci/run installs it)")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watched:
    """A browser context whose every request is recorded; requests that leave ``origin`` are
    refused (the page must work offline) and recorded too."""

    def __init__(self, browser, origin: str, bypass_csp: bool = True, **options):
        self.origin = origin
        self.requests, self.outside, self.errors = [], [], []
        # bypass_csp: Playwright's wait_for_function evaluates strings; the page itself never does
        self.context = browser.new_context(accept_downloads=True, bypass_csp=bypass_csp, **options)
        self.context.route("**/*", self._route)
        self.context.on("request", lambda request: self.requests.append(request))

    def _route(self, route):
        if route.request.url.startswith(self.origin + "/"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def page(self, path: str = "/", wait: bool = True):
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(self.origin + path)
        if wait:
            page.wait_for_selector("tr.layer-row", timeout=60000)
        return page

    def carried(self, secret: bytes) -> list[str]:
        """The requests whose URL, headers or body hold any 48-byte piece of ``secret``: as it
        is, percent-encoded, or base64-encoded at any alignment."""
        pieces = [secret[i:i + 48] for i in range(0, max(1, len(secret) - 47), 48)]
        forms = set()
        for piece in pieces:
            forms.add(piece)
            for k in range(3):  # base64 of a stream that holds the piece, whatever its offset
                whole = piece[k:len(piece) - (len(piece) - k) % 3]
                if len(whole) >= 12:
                    forms.add(base64.b64encode(whole))
        found = []
        for request in self.requests:
            body = request.post_data_buffer or b""
            texts = [request.url, json.dumps(request.headers), body.decode("latin-1")]
            hay = [t.encode("latin-1", "replace") for t in texts]
            hay += [urllib.parse.unquote_to_bytes(t.replace("+", " ")) for t in texts]
            if any(form in part for form in forms for part in hay):
                found.append(f"{request.method} {request.url[:120]}")
        return found

    def close(self):
        self.context.close()


def wait_for_new_result(page, action, timeout=60000):
    """Do ``action`` and wait until the page has shown the answer (or error) it caused."""
    before = int(page.get_attribute("body", "data-runs") or 0)
    action()
    page.wait_for_function(f"Number(document.body.dataset.runs || 0) > {before}", timeout=timeout)


def cli_json(path, *options: str) -> dict:
    """``nncalc summary PATH --format json OPTIONS``: the figures the page must show."""
    done = nncalc_command("summary", str(path), "--format", "json", *options)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
