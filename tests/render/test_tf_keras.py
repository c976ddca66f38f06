"""``--style tf_keras`` prints, byte for byte, what tf_keras 2.21 printed for the same scripts.

The references in ``tf_keras_reference/*.txt`` were produced by
``make_tf_keras_reference.py`` with real TensorFlow 2.21.0 + tf_keras 2.21.0
(see ``tf_keras_reference/versions.txt``).  Set ``NNCALC_TF_KERAS_PYTHON`` to an
interpreter with tf_keras to also check that they are still what tf_keras prints.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import nncalc
from nncalc.render import tf_keras

from ..helpers import script_params

REFERENCE = Path(__file__).resolve().parent / "tf_keras_reference"
SCRIPTS = sorted(REFERENCE.glob("*.py"))

pytestmark = pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")


def nncalc_tf_keras(script: Path) -> str:
    result = subprocess.run([sys.executable, "-m", "nncalc", "summary", script.name, "--style", "tf_keras"],
                            cwd=script.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_references_exist_and_name_their_source():
    assert {s.stem for s in SCRIPTS} <= {t.stem for t in REFERENCE.glob("*.txt")}
    versions = (REFERENCE / "versions.txt").read_text()
    assert "tf_keras 2.21.0" in versions and "tf.keras is tf_keras" in versions


@pytest.mark.parametrize("script", script_params(SCRIPTS))
def test_cli_matches_tf_keras(script):
    assert nncalc_tf_keras(script) == script.with_suffix(".txt").read_text()


def test_show_trainable_rendering_matches_tf_keras():
    """The renderer itself, given show_trainable=True as Model.summary passes it."""
    summary = nncalc.summarize(str(REFERENCE / "show_trainable.py"))
    text = "".join(tf_keras.render_text(m, show_trainable=True) for m in summary.models)
    assert text == (REFERENCE / "show_trainable.txt").read_text()


def test_print_fn_gets_one_line_per_call():
    summary = nncalc.summarize(str(REFERENCE / "nested.py"))
    model = summary.models[1]
    lines = []
    tf_keras.print_summary(model, print_fn=lines.append)
    assert all("\n" not in line for line in lines)
    assert "".join(line + "\n" for line in lines) == tf_keras.render_text(model)
    assert tf_keras.render_text(summary) == "".join(tf_keras.render_text(m) for m in summary.models)


def test_default_print_goes_to_stdout(capsys):
    summary = nncalc.summarize(str(REFERENCE / "seed_mlp.py"))
    tf_keras.print_summary(summary.models[0])
    assert capsys.readouterr().out == (REFERENCE / "seed_mlp.txt").read_text()


def test_too_narrow_raises_instead_of_looping():
    summary = nncalc.summarize(str(REFERENCE / "seed_mlp.py"))
    with pytest.raises(ValueError):
        tf_keras.render_text(summary.models[0], line_length=6)


def test_readable_memory_size():
    assert tf_keras.readable_memory_size(0) == "0.00 Byte"
    assert tf_keras.readable_memory_size(1023) == "1023.00 Byte"
    assert tf_keras.readable_memory_size(1628200) == "1.55 MB"


@pytest.mark.keras
@pytest.mark.skipif(not os.environ.get("NNCALC_TF_KERAS_PYTHON"),
                    reason="set NNCALC_TF_KERAS_PYTHON to a python with tensorflow and tf_keras")
def test_references_are_what_tf_keras_prints(tmp_path):
    subprocess.run([sys.executable, str(Path(__file__).with_name("make_tf_keras_reference.py")),
                    "--python", os.environ["NNCALC_TF_KERAS_PYTHON"], "--out", str(tmp_path)],
                   check=True, capture_output=True)
    for script in SCRIPTS:
        name = script.with_suffix(".txt").name
        assert (tmp_path / name).read_text() == (REFERENCE / name).read_text(), name
