"""JSON output: validates against summary.schema.json and says what real Keras 3's table says."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

jsonschema = pytest.importorskip("jsonschema")

import nncalc  # noqa: E402
from nncalc.render.json import render, schema  # noqa: E402
from nncalc.render.keras3 import readable_memory_size  # noqa: E402

from .keras3_tables import HERE, SCRIPTS  # noqa: E402
from ..helpers import script_params  # noqa: E402

PARAMS = script_params(SCRIPTS)


def validator():
    return jsonschema.Draft202012Validator(schema())


def shape_text(shape) -> str:
    """A JSON output_shape as Keras 3 writes it."""
    if shape is None:
        return "?"
    if shape and isinstance(shape[0], list):
        return "[" + ", ".join(shape_text(s) for s in shape) + "]"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def test_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_schema_rejects_what_it_should():
    doc = json.loads(nncalc.summarize(str(HERE / "tf_keras_reference" / "seed_mlp.py")).to_json())
    validator().validate(doc)
    broken = json.loads(json.dumps(doc))
    del broken["models"][0]["layers"][0]["params"]
    assert not validator().is_valid(broken)
    broken = json.loads(json.dumps(doc))
    broken["models"][0]["layers"][0]["output_shape"] = [[None, "784"]]
    assert not validator().is_valid(broken)
    broken = json.loads(json.dumps(doc))
    broken["models"][0]["surprise"] = 1
    assert not validator().is_valid(broken)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("script", PARAMS)
def test_output_validates(script, lang):
    doc = json.loads(nncalc.summarize(str(script)).to_json(lang=lang))
    errors = sorted(validator().iter_errors(doc), key=str)
    assert not errors, errors[0]
    assert doc["nncalc_version"] == nncalc.__version__


@pytest.mark.parametrize("script", PARAMS)
def test_rows_and_totals_match_real_keras(script, pairs):
    summary, models = pairs(script)
    doc = json.loads(render(summary))
    assert len(doc["models"]) == len(models)
    for data, (_, table) in zip(doc["models"], models):
        assert data["name"] == table.name
        assert data["sequential_like"] == ("Connected to" not in table.header)
        assert len(data["layers"]) == len(table.rows)
        for layer, cells in zip(data["layers"], table.rows):
            prefix = "   " * layer["depth"] + "└ " if layer["depth"] else ""
            assert cells[0] == f"{prefix}{layer['name']} ({layer['class_name']})"
            assert cells[1] == shape_text(layer["output_shape"])
            params = f"{layer['params']:,}" if layer["built"] else "0 (unbuilt)"
            assert cells[2] == params
            if data["sequential_like"]:
                assert layer["connected_to"] == []  # Keras shows no such column
            else:
                links = ", ".join(f"{c['layer']}[{c['node_index']}][{c['tensor_index']}]"
                                  for c in layer["connected_to"])
                assert cells[3] == (links or "-")
            assert layer["params"] == layer["trainable_params"] + layer["non_trainable_params"]
        totals = [
            f"Total params: {data['total_params']:,} ({readable_memory_size(data['total_bytes'])})",
            f"Trainable params: {data['trainable_params']:,} "
            f"({readable_memory_size(data['trainable_bytes'])})",
            f"Non-trainable params: {data['non_trainable_params']:,} "
            f"({readable_memory_size(data['non_trainable_bytes'])})",
        ]
        if data["optimizer_params"] is not None:
            totals.append(f"Optimizer params: {data['optimizer_params']:,} "
                          f"({readable_memory_size(data['optimizer_bytes'])})")
        assert totals == table.totals


def test_unbuilt_layers_and_several_outputs():
    doc = json.loads(nncalc.summarize(str(HERE / "scripts" / "edge.py")).to_json())
    lazy, odd, _ = doc["models"]
    assert [(r["output_shape"], r["built"], r["params"]) for r in lazy["layers"]] == [
        (None, False, 0), (None, False, 0)]
    assert lazy["layers"][0]["trainable"] is None
    assert odd["layers"][1]["output_shape"] == [[None, 3], [None, 5]]
    assert odd["layers"][2]["name"] == "pipe|and<tag>&amp;*_x_*"


@pytest.mark.requires("numpy")  # frozen.py fits on numpy arrays
def test_optimizer_params_appear_after_fit():
    doc = json.loads(nncalc.summarize(str(HERE / "tf_keras_reference" / "frozen.py")).to_json())
    before, after = doc["models"]
    assert before["optimizer_params"] is None and before["optimizer_bytes"] == 0
    assert after["optimizer_params"] == 1302  # Adam: 2 slots x 650 + iteration + learning rate
    assert after["total_params"] == 2762 + 1302
    assert isinstance(after["total_bytes"], int)


def test_explanations_follow_lang():
    summary = nncalc.summarize(str(HERE / "tf_keras_reference" / "seed_mlp.py"))
    en = json.loads(summary.to_json(lang="en"))["models"][0]["layers"][1]["explanation"]
    zh = json.loads(summary.to_json(lang="zh"))["models"][0]["layers"][1]["explanation"]
    assert en["params"][0]["value"] == zh["params"][0]["value"] == 401920
    assert en["params"][0]["formula"] == zh["params"][0]["formula"]
    assert en["params"][0]["label"] != zh["params"][0]["label"]
    assert en["output_shape"][0]["value"] == [None, 512]
    assert "\\u" not in summary.to_json(lang="zh")  # Chinese kept readable


def test_indent_none_is_one_line():
    text = nncalc.summarize(str(HERE / "tf_keras_reference" / "seed_cnn.py")).to_json(indent=None)
    assert "\n" not in text
    validator().validate(json.loads(text))


def test_cli_json_validates():
    script = HERE / "tf_keras_reference" / "functional_shared.py"
    result = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(script), "--format", "json"],
                            capture_output=True, text=True, check=True)
    doc = json.loads(result.stdout)
    validator().validate(doc)
    shared = doc["models"][0]["layers"][1]
    assert shared["connected_to"] == [{"layer": "left", "node_index": 0, "tensor_index": 0},
                                      {"layer": "right", "node_index": 0, "tensor_index": 0}]
