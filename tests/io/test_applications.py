"""Every ``keras.applications`` model: nncalc's summary of its config equals real Keras' summary.

Real Keras builds each model (``weights=None``) and records its ``to_json()`` and the text
of ``model.summary(print_fn=...)`` at two widths (see ``make_applications.py``); a few are
also saved as ``.keras`` and ``.h5`` and loaded back by Keras. nncalc reads the same files
and must print the same text, byte for byte: every row (name, class, output shape,
parameters, connections) and the totals.

Building the 56 models takes minutes, so the recordings are cached between runs in
``tests/io/.applications_cache/`` (git-ignored; ``NNCALC_APPLICATIONS_CACHE`` names another
directory), one subdirectory per Keras version and generator version. The python running
Keras is ``NNCALC_KERAS_PYTHON`` (default: this one).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.io import make_applications

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
GENERATOR = HERE / "make_applications.py"
CASES = list(make_applications.CASES)
FILES = [f"{case}{suffix}" for case in make_applications.FILE_CASES + make_applications.CONFIG_FILE_CASES
         for suffix in (".keras", ".h5")]
_TERMINAL_VARS = ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE",
                  "JUPYTER_COLUMNS", "JUPYTER_LINES")


def _keras_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _TERMINAL_VARS}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("KERAS_BACKEND", "tensorflow")
    return env


@pytest.fixture(scope="module")
def applications():
    """(cache directory, index): Keras' recordings, generated on first use."""
    python = os.environ.get("NNCALC_KERAS_PYTHON", sys.executable)
    probe = subprocess.run([python, "-c", "import keras; print(keras.__version__)"], env=_keras_env(),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"real Keras is not importable by {python}: set NNCALC_KERAS_PYTHON")
    version = probe.stdout.strip().splitlines()[-1]
    if not version.startswith("3."):
        pytest.skip(f"{python} has keras {version}; Keras 3 is needed")
    generator_hash = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:10]
    cache_root = Path(os.environ.get("NNCALC_APPLICATIONS_CACHE", HERE / ".applications_cache"))
    cache = cache_root / f"keras-{version}-{generator_hash}"
    if not (cache / "index.json").exists():
        cache_root.mkdir(parents=True, exist_ok=True)
        with _exclusive(cache_root / ".lock"):  # pytest -n: the first worker generates, the others wait
            if not (cache / "index.json").exists():
                _generate(python, cache_root, cache)
        for stale in cache_root.glob(f"keras-{version}-*"):  # recordings of an older generator
            if stale != cache:
                shutil.rmtree(stale, ignore_errors=True)
    index = json.loads((cache / "index.json").read_text(encoding="utf-8"))
    assert index["__keras_version__"] == version
    return cache, index


def _generate(python: str, cache_root: Path, cache: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cache_root))
    try:
        result = subprocess.run([python, str(GENERATOR), str(work), "--jobs", "2"], env=_keras_env(),
                                stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(f"make_applications.py failed:\n{result.stderr[-3000:]}")
        try:
            work.rename(cache)  # atomic; another session may have finished first
        except OSError:
            if not (cache / "index.json").exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def _exclusive(path: Path):
    """Holds an exclusive lock on ``path`` (other processes' ``_exclusive`` wait for it)."""
    import fcntl

    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _diff(expected: str, actual: str) -> str:
    import difflib

    lines = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "keras", "nncalc", lineterm="", n=1)
    return "\n".join(list(lines)[:40])


def _assert_same_text(monkeypatch, path: Path, expected: dict, summaries=None) -> None:
    """nncalc's summary of ``path`` prints each recorded Keras text (``SUMMARIES`` options).

    ``summaries``: ``{expand_nested: Summary}`` already made.
    """
    import nncalc

    summaries = dict(summaries or {})
    for key, text in expected.items():
        columns, options = make_applications.SUMMARIES[key]
        nested = options.get("expand_nested", False)
        if nested not in summaries:
            summaries[nested] = nncalc.summarize(path, expand_nested=nested)
        monkeypatch.setenv("COLUMNS", columns)
        actual = summaries[nested].to_text(show_trainable=options.get("show_trainable", False))
        assert actual == text, f"{path.name}, COLUMNS={columns} {options}:\n{_diff(text, actual)}"


@pytest.mark.parametrize("case", CASES)
def test_application_config_matches_keras(applications, case, monkeypatch):
    import nncalc

    root, index = applications
    entry = index[case]
    assert "error" not in entry, f"real Keras could not build {case}: {entry['error']}"
    summary = nncalc.summarize(root / entry["json"])
    model = summary.models[0]
    assert (model.total_params, model.trainable_params, model.non_trainable_params) == (
        entry["total_params"], entry["trainable_params"], entry["non_trainable_params"])
    _assert_same_text(monkeypatch, root / entry["json"], entry["summaries"], {False: summary})


@pytest.mark.parametrize("name", FILES)
def test_application_files_match_keras(applications, name, monkeypatch):
    """A ``.keras`` archive and an ``.h5`` file of the same model, as Keras loads them back.

    Every constructor has both files: a few saved by ``model.save`` (weights then removed),
    the others written without weights by Keras' own serializers (``write_config_files``,
    checked against ``model.save`` by ``test_config_file_writer_matches_model_save``).

    Keras cannot load an ``.h5`` file holding a ``keras.applications`` layer that is not in
    ``keras.layers`` (``LayerScale``, ``CustomScaleLayer``: "Unknown layer"), since the legacy
    format does not record the layer's module; nncalc refuses it too.
    """
    import nncalc
    from nncalc.errors import NncalcError

    root, index = applications
    case = name.rsplit(".", 1)[0]
    expected = index[case]["files"][name]
    if "error" in expected:
        with pytest.raises(NncalcError):
            nncalc.summarize(root / name)
        return
    _assert_same_text(monkeypatch, root / name, expected)


@pytest.mark.parametrize("case", make_applications.FILE_CASES)
def test_config_file_writer_matches_model_save(applications, case):
    """``write_config_files`` writes the config ``model.save`` writes (archive and HDF5)."""
    root, index = applications
    assert index[case]["writer_matches"] is True


def test_every_application_is_covered(real_keras):
    """The generator lists every model constructor ``keras.applications`` exports."""
    exported = {name for name in dir(real_keras.applications)
                if name[0].isupper() and callable(getattr(real_keras.applications, name))}
    assert exported == set(make_applications.CONSTRUCTORS)
