"""nncalc.serve.assets: the pinned Pyodide fetch and its checks, the wheels, what the server
adds to the page, and the export command's refusal without Pyodide's files."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from nncalc.serve import assets

from .conftest import SEED, nncalc_command, serving


# ---------------------------------------------------------------- wheels
def test_wheel_is_a_complete_standard_wheel(tmp_path):
    name, data = assets.build_wheel("nncalc")
    assert name == f"nncalc-{__import__('nncalc').__version__}-py3-none-any.whl"
    assert assets.build_wheel("nncalc")[1] == data  # deterministic
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    info = name.split("-py3")[0] + ".dist-info"
    record = archive.read(f"{info}/RECORD").decode().splitlines()
    assert f"{info}/RECORD,," in record
    for line in record:  # every file listed with its hash and size, as pip checks them
        path, digest, size = line.rsplit(",", 2)
        if path.endswith("RECORD"):
            continue
        content = archive.read(path)
        assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(content).digest()).decode().rstrip("=")
        assert int(size) == len(content)
    assert len(record) == len(names)
    import nncalc

    package = Path(nncalc.__file__).parent
    sources = {f"nncalc/{p.relative_to(package).as_posix()}" for p in package.rglob("*.py")
               if "static" not in p.parts}
    assert sources <= set(names)
    assert "nncalc/render/summary.schema.json" in names
    assert not [n for n in names if "__pycache__" in n or n.startswith("nncalc/serve/static/")]

    # pip installs it, and the installed copy gives the command's own answer
    target = tmp_path / "site"
    (tmp_path / name).write_bytes(data)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target",
                    str(target), str(tmp_path / name)], check=True)
    program = ("import sys; site = sys.argv.pop(1); sys.path.insert(0, site); import nncalc.cli, nncalc; "
               "assert nncalc.__file__.startswith(site); sys.exit(nncalc.cli.main())")
    run = subprocess.run([sys.executable, "-c", program,
                          str(target), "summary", str(SEED)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout == nncalc_command("summary", str(SEED)).stdout


def test_rich_wheel_carries_its_licence():
    _, data = assets.build_wheel("rich")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "rich/console.py" in names and "rich/table.py" in names
    assert any("/licenses/" in n for n in names)


# ---------------------------------------------------------------- fetching Pyodide
def fake_release(files: dict) -> tuple[bytes, dict]:
    """An npm-like tarball of ``files`` and the pin that matches it."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            entry = tarfile.TarInfo(f"package/{name}")
            entry.size = len(content)
            archive.addfile(entry, io.BytesIO(content))
    data = buffer.getvalue()
    pin = {"version": "0.0.1", "tarball": "https://registry.invalid/pyodide-0.0.1.tgz",
           "integrity": "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode(),
           "files": {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}}
    return data, pin


@pytest.fixture
def fake_pyodide(monkeypatch, tmp_path):
    files = {name: f"content of {name}".encode() for name in assets.CORE_FILES}
    data, pin = fake_release(files)
    monkeypatch.setenv("NNCALC_PYODIDE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(assets, "PYODIDE", pin)
    monkeypatch.setattr(assets, "node", lambda: None)  # no byte code step here
    return data, pin, files


def test_fetch_keeps_checked_files(fake_pyodide, monkeypatch):
    data, pin, files = fake_pyodide
    monkeypatch.setattr(assets, "_tarball", lambda pin, log: data)
    assert assets.pyodide_dir() is None
    where = assets.fetch(log=lambda line: None)
    assert assets.pyodide_dir() == where
    assert {name: (where / name).read_bytes() for name in files} == files
    assert assets.served_files(where) == pin["files"]  # no compiled standard library without Node


def test_fetch_refuses_a_changed_tarball(fake_pyodide, monkeypatch):
    data, _, _ = fake_pyodide
    monkeypatch.setattr(assets, "_tarball", lambda pin, log: data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(assets.AssetError, match="does not match its pinned integrity"):
        assets.fetch(log=lambda line: None)
    assert assets.pyodide_dir() is None and not assets.cache_dir().exists()


def test_fetch_refuses_a_file_that_does_not_match_its_pin(fake_pyodide, monkeypatch):
    data, pin, _ = fake_pyodide
    monkeypatch.setitem(pin["files"], "pyodide.asm.wasm", hashlib.sha256(b"other").hexdigest())
    monkeypatch.setattr(assets, "_tarball", lambda pin, log: data)
    with pytest.raises(assets.AssetError, match="pyodide.asm.wasm does not match its pinned sha256"):
        assets.fetch(log=lambda line: None)
    assert assets.pyodide_dir() is None and not assets.cache_dir().exists()


def test_the_pin_is_the_registrys():
    """The pinned integrity is the registry's (`npm view`), when npm can ask it."""
    npm = shutil.which("npm")
    if not npm:
        pytest.skip("no npm here")
    done = subprocess.run([npm, "view", f"pyodide@{assets.PYODIDE['version']}", "dist", "--json"],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.skip(f"the npm registry did not answer ({done.stderr.strip()[-200:]})")
    dist = json.loads(done.stdout)
    assert dist["integrity"] == assets.PYODIDE["integrity"]
    assert dist["tarball"] == assets.PYODIDE["tarball"]


# ---------------------------------------------------------------- what the server adds
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
    for name, digest in assets.served_files(pyodide_files).items():
        status, kind, body = fetch_bytes(f"{server.url}/pyodide/{name}")
        assert status == 200 and hashlib.sha256(body).hexdigest() == digest
    assert fetch_bytes(f"{server.url}/pyodide/pyodide.asm.wasm")[1] == "application/wasm"
    assert fetch_bytes(f"{server.url}/pyodide/pyodide.mjs")[1].startswith("text/javascript")
    assert fetch_bytes(f"{server.url}/pyodide/verified.json")[0] == 404
    assert fetch_bytes(f"{server.url}/pyodide/../assets.py")[0] == 404
    status, kind, body = fetch_bytes(f"{server.url}/assets.json")
    manifest = json.loads(body)
    assert status == 200 and manifest["api"] is True
    assert manifest["pyodide"]["stdlib"] in assets.served_files(pyodide_files)
    assert manifest["wheels_dir"] == assets.WHEELS_IN_PYODIDE
    if assets.node() is not None:  # the memory snapshot, gzipped
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
    assert "nncalc serve --fetch-pyodide" in assets.missing_note()


def test_fetch_failure_is_one_line(fake_pyodide, monkeypatch, capsys):
    def offline(pin, log):
        raise assets.AssetError(f"cannot download {pin['tarball']}: no route to host")

    monkeypatch.setattr(assets, "_tarball", offline)
    assert assets.prepare(fetch_pyodide=True) == 2
    lines = capsys.readouterr().err.splitlines()  # a progress line, then the one error line
    assert lines[-1].startswith("nncalc: error: cannot download https://registry.invalid/")
    assert [line for line in lines if "error" in line] == lines[-1:]
