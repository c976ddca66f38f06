"""Models from files: nncalc reads the JSON, .keras and .h5 files real Keras wrote, and prints
the summary real Keras prints for the same model loaded back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.differential import generate

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "tests" / "differential" / "scripts").glob("*.py")) + sorted((ROOT / "examples").glob("*.py"))
WIDTH = "100"


@pytest.fixture(scope="module")
def saved(tmp_path_factory, real_keras):
    """Every model of the differential scripts (and 20 generated ones), saved by real Keras."""
    root = tmp_path_factory.mktemp("saved_models")
    scripts = [str(p) for p in SCRIPTS if not p.stem.startswith("error_")]
    for script_id, source in generate.generate_scripts(int(os.environ.get("NNCALC_DIFF_SEED", "20240601")), 20):
        path = root / f"{script_id}.py"
        path.write_text(source, encoding="utf-8")
        scripts.append(str(path))
    env = dict(os.environ, COLUMNS=WIDTH, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, str(Path(__file__).with_name("keras_configs.py")), str(root), *scripts],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return root, json.loads((root / "index.json").read_text())


def nncalc_summary(path: Path) -> str:
    from nncalc.io.files import load_model
    from nncalc.keras.backend import clear_session

    clear_session()  # as keras_configs.py does before each load (ops without a saved name, e.g. ExtractPatches)
    captured = []
    load_model(str(path)).summary(print_fn=captured.append)
    return "".join(captured)


def test_every_saved_model_matches_keras(saved, monkeypatch):
    monkeypatch.setenv("COLUMNS", WIDTH)
    root, index = saved
    compared = 0
    for entry in index.values():
        for name, expected in entry["summaries"].items():
            if isinstance(expected, dict):  # real Keras could not load it back
                continue
            assert nncalc_summary(root / name) == expected, name
            compared += 1
    assert compared >= 60


def test_cli_reads_each_file_type(saved):
    root, index = saved
    stem = next(s for s, e in index.items() if "files" in e)
    for name in [index[stem]["json"]] + index[stem]["files"]:
        result = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(root / name), "--format", "json"],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["models"][0]["layers"]


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00binary", "not UTF-8"),
    (b"\x00\x01binary", "not valid JSON"),
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"class_name": "Sequential", "config": {"layers": []}}', "'name' and 'layers'"),
    (b'{"class_name": "Conv9D", "config": {"name": "x"}}', "Conv9D"),
])
def test_bad_json_files_give_one_line_errors(tmp_path, content, message):
    path = tmp_path / "model.json"
    path.write_bytes(content)
    result = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr


@pytest.mark.parametrize("suffix, content, message", [
    (".keras", b"PK not really a zip", "not a zip archive"),
    pytest.param(".h5", b"not hdf5 at all", "not an HDF5 file", marks=pytest.mark.requires("h5py")),
    (".onnx", b"", "unknown model file type"),
])
def test_bad_binary_files_give_one_line_errors(tmp_path, suffix, content, message):
    path = tmp_path / f"model{suffix}"
    path.write_bytes(content)
    result = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr


def test_keras_archive_without_config(tmp_path):
    import zipfile

    path = tmp_path / "empty.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", "{}")
    result = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(path)], capture_output=True, text=True)
    assert result.returncode == 2 and "no config.json" in result.stderr
