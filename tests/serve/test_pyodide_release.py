"""nncalc.serve.pyodide_release: the pinned fetch keeps only checked files (a changed tarball
or file is refused, nothing kept), a failure is one line, and the pin is the registry's."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import subprocess
import tarfile

import pytest

from nncalc.serve import assets, pyodide_release


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
    files = {name: f"content of {name}".encode() for name in pyodide_release.CORE_FILES}
    data, pin = fake_release(files)
    monkeypatch.setenv("NNCALC_PYODIDE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(pyodide_release, "PYODIDE", pin)
    monkeypatch.setattr(pyodide_release, "node", lambda: None)  # no byte code step here
    return data, pin, files


def test_fetch_keeps_checked_files(fake_pyodide, monkeypatch):
    data, pin, files = fake_pyodide
    monkeypatch.setattr(pyodide_release, "_tarball", lambda pin, log: data)
    assert pyodide_release.pyodide_dir() is None
    where = pyodide_release.fetch(log=lambda line: None)
    assert pyodide_release.pyodide_dir() == where
    assert {name: (where / name).read_bytes() for name in files} == files
    assert pyodide_release.served_files(where) == pin["files"]  # no compiled standard library without Node


def test_fetch_refuses_a_changed_tarball(fake_pyodide, monkeypatch):
    data, _, _ = fake_pyodide
    monkeypatch.setattr(pyodide_release, "_tarball", lambda pin, log: data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(pyodide_release.AssetError, match="does not match its pinned integrity"):
        pyodide_release.fetch(log=lambda line: None)
    assert pyodide_release.pyodide_dir() is None and not pyodide_release.cache_dir().exists()


def test_fetch_refuses_a_file_that_does_not_match_its_pin(fake_pyodide, monkeypatch):
    data, pin, _ = fake_pyodide
    monkeypatch.setitem(pin["files"], "pyodide.asm.wasm", hashlib.sha256(b"other").hexdigest())
    monkeypatch.setattr(pyodide_release, "_tarball", lambda pin, log: data)
    with pytest.raises(pyodide_release.AssetError, match="pyodide.asm.wasm does not match its pinned sha256"):
        pyodide_release.fetch(log=lambda line: None)
    assert pyodide_release.pyodide_dir() is None and not pyodide_release.cache_dir().exists()


def test_the_pin_is_the_registrys():
    """The pinned integrity is the registry's (`npm view`), when npm can ask it."""
    npm = shutil.which("npm")
    if not npm:
        pytest.skip("no npm here")
    done = subprocess.run([npm, "view", f"pyodide@{pyodide_release.PYODIDE['version']}", "dist", "--json"],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.skip(f"the npm registry did not answer ({done.stderr.strip()[-200:]})")
    dist = json.loads(done.stdout)
    assert dist["integrity"] == pyodide_release.PYODIDE["integrity"]
    assert dist["tarball"] == pyodide_release.PYODIDE["tarball"]


def test_fetch_failure_is_one_line(fake_pyodide, monkeypatch, capsys):
    def offline(pin, log):
        raise pyodide_release.AssetError(f"cannot download {pin['tarball']}: no route to host")

    monkeypatch.setattr(pyodide_release, "_tarball", offline)
    assert assets.prepare(fetch_pyodide=True) == 2
    lines = capsys.readouterr().err.splitlines()  # a progress line, then the one error line
    assert lines[-1].startswith("nncalc: error: cannot download https://registry.invalid/")
    assert [line for line in lines if "error" in line] == lines[-1:]
