"""The nncalc command: exit codes, one-line errors naming file:line and the layer, formats."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_nncalc(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "nncalc", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src")})


def write(tmp_path, source: str) -> Path:
    path = tmp_path / "model.py"
    path.write_text(textwrap.dedent(source))
    return path


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result
    assert result.stdout == "" or "Traceback" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("nncalc: error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_unsupported_layer_names_layer_file_and_line(tmp_path):
    path = write(tmp_path, """\
        import keras
        model = keras.Sequential([keras.Input((10, 4)),
                                  keras.layers.NoSuchLayer(8)])
    """)
    assert_one_line_error(run_nncalc("summary", path), f"{path}:3:", "keras.layers.NoSuchLayer", "not supported")


def test_kernel_larger_than_input(tmp_path):
    path = write(tmp_path, """\
        from tensorflow import keras
        inputs = keras.Input((3, 3, 1))
        x = keras.layers.Conv2D(4, 5, name="conv_big")(inputs)
    """)
    assert_one_line_error(run_nncalc("summary", path), f"{path}:3:", "layer 'conv_big' (Conv2D)",
                          "kernel size 5 is larger than the input (3)")


def test_incompatible_shapes_follow_keras(tmp_path):
    path = write(tmp_path, """\
        import keras
        shared = keras.layers.Dense(4)
        a = shared(keras.Input((8,)))
        b = shared(keras.Input((9,)))
    """)
    assert_one_line_error(run_nncalc("summary", path), f"{path}:4:", "dense", "expected axis -1 of input shape to have value 8")


def test_script_errors_and_missing_files(tmp_path):
    assert_one_line_error(run_nncalc("summary", tmp_path / "nope.py"), "no such file")
    assert_one_line_error(run_nncalc("summary", write(tmp_path, "x = (\n")), "SyntaxError")
    assert_one_line_error(run_nncalc("summary", write(tmp_path, "x = 1\n")), "defines no model")
    assert_one_line_error(run_nncalc("summary", write(tmp_path, "import tensorflow as tf\ntf.data.Dataset\n")),
                          ":2:", "tensorflow.data is not supported")


def test_models_left_in_globals_are_summarized(tmp_path):
    path = write(tmp_path, """\
        import keras
        a = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)], name="first")
        b = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5)], name="second")
    """)
    result = run_nncalc("summary", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.index('Model: "first"') < result.stdout.index('Model: "second"')


def test_json_output_is_clean_even_when_the_script_prints(tmp_path):
    path = write(tmp_path, """\
        import keras
        print("hello from the script")
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        model.summary()
    """)
    result = run_nncalc("summary", path, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["models"][0]["total_params"] == 10
    assert "hello from the script" in result.stderr


def test_script_arguments_after_double_dash(tmp_path):
    path = write(tmp_path, """\
        import sys, keras
        model = keras.Sequential([keras.Input((int(sys.argv[1]),)), keras.layers.Dense(2)])
    """)
    result = run_nncalc("summary", path, "--format", "json", "--", "7")
    assert json.loads(result.stdout)["models"][0]["total_params"] == 16


def test_layers_command_lists_aliases():
    result = run_nncalc("layers")
    assert result.returncode == 0
    assert "MaxPool2D (alias of MaxPooling2D)" in result.stdout.splitlines()
    assert "Dense" in result.stdout.splitlines()


@pytest.mark.parametrize("command", [["layers"], ["summary", "examples/seed_cnn.py", "--explain"]])
def test_a_reader_that_stops_early_gets_no_traceback(command):
    """``nncalc layers | head -1``: the pipe closes after one line; nncalc ends quietly, exit 0."""
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    result = subprocess.run([sys.executable, "-m", "nncalc", *command], stdout=reader.stdin,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src")})
    reader.stdin.close()
    reader.wait()
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr
    assert result.returncode == 0


@pytest.mark.parametrize("argv", [[], ["summary"], ["summary", "x.py", "--format", "yaml"]])
def test_usage_errors_exit_2(argv):
    assert run_nncalc(*argv).returncode == 2


def test_only_the_real_command_collects_young_objects_only(tmp_path):
    """The command leaves its layers to the end of the process (no older-generation
    collections); an in-process call keeps the caller's garbage-collector settings."""
    import ast
    import gc

    from nncalc.cli import main

    script = tmp_path / "model.py"
    script.write_text("import gc, sys\nimport keras\nprint('thresholds', gc.get_threshold(), file=sys.stderr)\n"
                      "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n")
    result = run_nncalc("summary", script)
    assert result.returncode == 0, result.stderr
    young, older, oldest = ast.literal_eval(result.stderr.split("thresholds", 1)[1].strip().splitlines()[0])
    assert young == gc.get_threshold()[0] and older >= 1 << 30 and oldest >= 1 << 30
    before = gc.get_threshold()
    assert main(["summary", str(script)]) == 0
    assert gc.get_threshold() == before
