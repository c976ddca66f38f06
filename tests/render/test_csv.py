"""CSV output: read back with the csv module, it holds real Keras 3's rows, every model in turn."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

import nncalc
from nncalc.core.explain import Explanation
from nncalc.render.csv import COLUMNS, render
from nncalc.summary import LayerRow, ModelSummary, Summary

from .keras3_tables import HERE, SCRIPTS
from ..helpers import script_params

pytestmark = pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")
PARAMS = script_params(SCRIPTS)


def read(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == COLUMNS == [
        "model", "layer", "class_name", "output_shape", "params", "trainable_params",
        "non_trainable_params", "depth", "connected_to"]
    return list(reader)


@pytest.mark.parametrize("script", PARAMS)
def test_rows_are_real_keras_rows(script, pairs):
    summary, models = pairs(script)
    records = read(render(summary))
    expected = [(table, cells) for _, table in models for cells in table.rows]
    assert len(records) == len(expected)
    for record, (table, cells) in zip(records, expected):
        depth = int(record["depth"])
        prefix = "   " * depth + "└ " if depth else ""
        assert record["model"] == table.name
        assert cells[0] == f"{prefix}{record['layer']} ({record['class_name']})"
        assert cells[1] == record["output_shape"]
        assert cells[2].split()[0].replace(",", "") == record["params"]
        assert int(record["params"]) == int(record["trainable_params"]) + int(record["non_trainable_params"])
        if "Connected to" in table.header:
            assert cells[3] == (record["connected_to"] or "-")
        else:
            assert record["connected_to"] == ""


@pytest.mark.parametrize("script", PARAMS)
def test_agrees_with_json(script):
    summary = nncalc.summarize(str(script))
    records = read(summary.to_csv())
    layers = [(m["name"], layer) for m in json.loads(summary.to_json())["models"] for layer in m["layers"]]
    assert len(records) == len(layers)
    for record, (model, layer) in zip(records, layers):
        assert record["model"] == model and record["layer"] == layer["name"]
        for key in ("params", "trainable_params", "non_trainable_params", "depth"):
            assert int(record[key]) == layer[key]
        links = [f"{c['layer']}[{c['node_index']}][{c['tensor_index']}]" for c in layer["connected_to"]]
        assert record["connected_to"] == ", ".join(links)


def test_awkward_text_round_trips():
    name = 'comma, "quote"\nnewline'
    row = LayerRow(name=name, class_name="Dense", output_shape=[(None, 3), (None, 4)], params=12,
                   built=True, trainable_params=12, non_trainable_params=0,
                   connected_to=[("a,b", 0, 0), ("c", 1, 2)], depth=0, trainable=True, has_weights=True,
                   explanation=Explanation())
    model = ModelSummary(name="m,1", class_name="Functional", sequential_like=False, rows=[row],
                         total_params=12, trainable_params=12, non_trainable_params=0,
                         trainable_bytes=48, non_trainable_bytes=0)
    (record,) = read(render(Summary([model])))
    assert record == {"model": "m,1", "layer": name, "class_name": "Dense",
                      "output_shape": "[(None, 3), (None, 4)]", "params": "12", "trainable_params": "12",
                      "non_trainable_params": "0", "depth": "0", "connected_to": "a,b[0][0], c[1][2]"}


def test_cli_csv():
    script = HERE / "scripts" / "edge.py"
    result = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(script), "--format", "csv"],
                            capture_output=True, text=True, check=True)
    records = read(result.stdout)
    assert [r["model"] for r in records] == ["lazy"] * 2 + ["odd <names> | & co"] * 9
    assert records[0]["output_shape"] == "?" and records[0]["params"] == "0"
    assert records[3]["output_shape"] == "[(None, 3), (None, 5)]"
