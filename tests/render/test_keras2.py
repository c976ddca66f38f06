"""``--style keras2`` reproduces the tf.keras 2.x tables printed in the tutorial.

The reference is the tutorial's own output (``keras2_seed_reference.txt``), made by
real tf.keras; its copy collapsed runs of spaces, so lines are compared word by
word, and the layout (column cuts, rules) is checked against Keras 2.6's rules.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nncalc
from nncalc.render import keras2

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parents[1] / "examples"


def seed_tables() -> list[list[str]]:
    text = (HERE / "keras2_seed_reference.txt").read_text()
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                tables.append(current)
            current = []
        else:
            current.append(line)
    return tables + ([current] if current else [])


def words(lines):
    return [" ".join(line.split()) for line in lines if line.strip()]


def nncalc_keras2(script: Path) -> list[str]:
    result = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(script), "--style", "keras2"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_seed_tables_match_word_by_word():
    mlp, cnn = seed_tables()
    for script, table in (("seed_mlp.py", mlp), ("seed_cnn.py", cnn)):
        printed = nncalc_keras2(EXAMPLES / script)
        assert words(printed)[: len(table)] == words(table)
        assert printed[-1] == "_" * 65  # Keras 2 closes with a rule the tutorial did not copy


def test_columns_are_cut_at_keras2_positions():
    printed = nncalc_keras2(EXAMPLES / "seed_cnn.py")
    assert printed[1] == "_" * 65 and printed[3] == "=" * 65
    header = printed[2]
    assert header.index("Output Shape") == 29 and header.index("Param #") == 55
    assert all(len(line) == 65 for line in printed[1:-5])


def test_multiple_when_calls_disagree_and_inputs_as_lists():
    import nncalc.keras as keras

    shared = keras.layers.Dense(3)
    a, b = keras.Input((4, 2)), keras.Input((5, 2))
    model = keras.Model([a, b], [shared(a), shared(b)])
    lines = keras2.summary_lines(nncalc.summarize(model).models[0])
    rows = {line.split()[0]: line for line in lines if line.split() and line.split()[0] in ("dense", "input_layer")}
    assert "multiple" in rows["dense"]
    assert "[(None, 4, 2)]" in rows["input_layer"]
