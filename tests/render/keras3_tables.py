"""Real Keras 3 summary tables for the renderer tests, as parsed cells.

    python keras3_tables.py SCRIPT...   # prints {script: [table text, ...]} as JSON

Run as a program (with real Keras 3 and TensorFlow importable), it runs every
script in turn, with ``Model.summary`` patched to capture each table wide
enough (line length 300) that rich neither wraps nor truncates a cell; the
scripts' own ``line_length``/``positions``/``print_fn`` are ignored, their
``expand_nested``/``show_trainable``/``layer_range`` kept.  :func:`parse`
turns one captured table into a :class:`Table`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import runpy
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
# tf.keras 2 reference scripts (also valid Keras 3), then Keras-3-only ones.
SCRIPTS = sorted((HERE / "tf_keras_reference").glob("*.py")) + sorted((HERE / "scripts").glob("*.py"))


@dataclass
class Table:
    """One Keras 3 summary: title, column titles, row cells, footer lines."""

    name: str
    header: list[str]
    rows: list[list[str]]  # first cell keeps its nesting prefix ("   └ "); others stripped
    totals: list[str]  # "Total params: 2,762 (10.79 KB)", ...


def parse(text: str) -> Table:
    lines = text.splitlines()
    assert lines[0].startswith('Model: "') and lines[0].endswith('"'), lines[0]
    name = lines[0][len('Model: "'):-1]
    header: list[str] = []
    rows: list[list[str]] = []
    totals: list[str] = []
    block: list[list[str]] = []

    def flush():
        if block:
            cells = [" ".join(part for part in column if part) for column in zip(*block)]
            rows.append(cells)
            block.clear()

    for line in lines[1:]:
        if line.startswith("┃"):
            header = [cell.strip() for cell in line.split("┃")[1:-1]]
        elif line.startswith("│"):
            parts = line.split("│")[1:-1]
            block.append([parts[0][1:].rstrip()] + [p.strip() for p in parts[1:]])
        elif line[:1] in ("├", "└"):
            flush()
        elif line.startswith(" ") and ": " in line:
            totals.append(line.strip())
    flush()
    return Table(name, header, rows, totals)


def run_real_keras(scripts: list[Path]) -> dict[str, list[Table]]:
    """Run the scripts under real Keras 3 in a subprocess; their tables, parsed."""
    env = {k: v for k, v in os.environ.items() if k not in ("TF_USE_LEGACY_KERAS", "PYTHONPATH")}
    env.update(COLUMNS="400", TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    result = subprocess.run([sys.executable, __file__, *map(str, scripts)], env=env,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode:
        raise RuntimeError(f"real Keras failed:\n{result.stderr[-3000:]}")
    captured = json.loads(result.stdout)
    return {Path(path).name: [parse(t) for t in texts] for path, texts in captured.items()}


def _main(paths: list[str]) -> None:
    import keras
    from keras.src.models.model import Model

    captured: list[str] = []
    original = Model.summary

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        out: list[str] = []
        original(self, line_length=300, print_fn=out.append, expand_nested=expand_nested,
                 show_trainable=show_trainable, layer_range=layer_range)
        captured.append("".join(out))

    Model.summary = summary
    tables = {}
    for path in paths:
        keras.backend.clear_session()
        captured.clear()
        cwd, script = os.getcwd(), os.path.abspath(path)
        os.chdir(os.path.dirname(script))
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                runpy.run_path(script, run_name="__main__")
        finally:
            os.chdir(cwd)
        tables[path] = list(captured)
    json.dump(tables, sys.stdout)


if __name__ == "__main__":
    _main(sys.argv[1:])
