"""nncalc.serve.assets: what the server adds to the page (Pyodide's checked files, the wheels,
the snapshot, the page's modules, ``assets.json``), and the export command without Pyodide."""

from __future__ import annotations

import hashlib
import io
import json
import urllib.error
import urllib.request
import zipfile

import pytest

from nncalc.serve import assets, pyodide_release, wheels

from .conftest import nncalc_command, serving


def fetch_bytes(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


@pytest.fixture
def server(pyodide_files):
    """A server started after Pyodide's files are here, as `nncalc serve` starts by default."""
    with serving(max_workers=1) as server:
        yield server


def test_server_routes(pyodide_files, server):
    for name, digest in pyodide_release.served_files(pyodide_files).items():
        status, kind, body = fetch_bytes(f"{server.url}/pyodide/{name}")
        assert status == 200 and hashlib.sha256(body).hexdigest() == digest
    assert fetch_bytes(f"{server.url}/pyodide/pyodide.asm.wasm")[1] == "application/wasm"
    assert fetch_bytes(f"{server.url}/pyodide/pyodide.mjs")[1].startswith("text/javascript")
    assert fetch_bytes(f"{server.url}/pyodide/verified.json")[0] == 404
    assert fetch_bytes(f"{server.url}/pyodide/../assets.py")[0] == 404
    status, kind, body = fetch_bytes(f"{server.url}/assets.json")
    manifest = json.loads(body)
    assert status == 200 and manifest["api"] is True
    assert manifest["pyodide"]["stdlib"] in pyodide_release.served_files(pyodide_files)
    assert manifest["wheels_dir"] == wheels.WHEELS_IN_PYODIDE
    if pyodide_release.node() is not None:  # the memory snapshot, gzipped
        status, kind, body = fetch_bytes(f"{server.url}/{manifest['snapshot']}")
        assert status == 200 and body[:2] == b"\x1f\x8b"
    for url in manifest["wheels"]:
        status, kind, body = fetch_bytes(f"{server.url}/{url}")
        assert status == 200 and kind == "application/zip"
        assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    for name in assets.PAGE_FILES:
        assert fetch_bytes(f"{server.url}/{name}")[0] == 200, name
    assert fetch_bytes(f"{server.url}/py/nothing.whl")[0] == 404


def test_export_without_pyodide_says_how(monkeypatch, tmp_path):
    monkeypatch.setenv("NNCALC_PYODIDE_DIR", str(tmp_path / "none"))
    done = nncalc_command("serve", "--export", str(tmp_path / "site"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "nncalc serve --fetch-pyodide" in done.stderr
    assert not (tmp_path / "site").exists()
    assert "nncalc serve --fetch-pyodide" in pyodide_release.missing_note()
