"""Fuzz Keras model configs: valid configs of real Keras models, mutated, as .json/.keras/.h5.

Each case takes a seed config (tests/fuzz/seeds, written by real Keras), applies 1-4
mutations (delete a key or an item, change a value's type, set a number to 0, -1, a
huge or fractional value, NaN, swap a layer's class, break or redirect an inbound link,
duplicate or reorder layers) and runs ``nncalc summary`` on it: a summary or one clean
error line (see harness.py), never a crash or a hang.
"""

from __future__ import annotations

import copy
import json
import zipfile

from hypothesis import given, strategies as st

from .harness import check_cli, fuzz_settings, option_sets, seed_configs

SEEDS = seed_configs()
SEED_NAMES = sorted(SEEDS)
CLASSES = ["Dense", "Conv2D", "Conv1D", "MaxPooling2D", "Flatten", "Reshape", "Add", "Concatenate",
           "Multiply", "LSTM", "GRU", "Bidirectional", "Embedding", "BatchNormalization",
           "LayerNormalization", "MultiHeadAttention", "Dropout", "InputLayer", "Sequential",
           "Functional", "Permute", "RepeatVector", "DepthwiseConv2D", "Conv2DTranspose",
           "GlobalAveragePooling1D", "TimeDistributed", "Lambda", "NoSuchLayer", "", "Dot",
           "Cropping1D", "ZeroPadding1D", "UpSampling1D", "SeparableConv2D", "Conv3D"]
ODD_VALUES = [0, -1, 1, 2, 3, 2**31, 2**63, -2**63, 10**30, 0.5, -0.0, 1e308, float("nan"),
              float("inf"), None, True, False, "", "abc", "same", "valid", "relu", [], {}, [0],
              [-1, 2], [None, 3], [2**63, 2**63], {"class_name": "Dense"}, [[1, 2], [3]]]


def paths(node, prefix=()):
    """Every path (tuple of keys/indices) in a JSON tree, the root excluded."""
    result = []
    stack = [(node, prefix)]
    while stack:
        value, path = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, child in items:
            result.append(path + (key,))
            stack.append((child, path + (key,)))
    return result


def get(node, path):
    for key in path:
        node = node[key]
    return node


def layer_entries(config):
    return [v for v in (get(config, p) for p in paths(config)) if isinstance(v, dict) and "class_name" in v]


@st.composite
def mutated_configs(draw):
    config = copy.deepcopy(SEEDS[draw(st.sampled_from(SEED_NAMES))])
    for _ in range(draw(st.integers(1, 4))):
        all_paths = paths(config)
        if not all_paths:
            break
        path = all_paths[draw(st.integers(0, len(all_paths) - 1))]
        parent, key = get(config, path[:-1]), path[-1]
        op = draw(st.sampled_from(["delete", "odd", "odd", "number", "class", "link", "duplicate",
                                   "swap", "other"]))
        if op == "delete":
            del parent[key]
        elif op == "odd":
            parent[key] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
        elif op == "number":
            numbers = [p for p in all_paths if type(get(config, p)) in (int, float)]
            if numbers:
                target = numbers[draw(st.integers(0, len(numbers) - 1))]
                value = get(config, target)
                get(config, target[:-1])[target[-1]] = draw(st.sampled_from(
                    [0, -1, value + 1, value - 1, value * 1000, -value, 2**63, 2**62 + 1, 0.5]))
        elif op == "class":
            entries = layer_entries(config)
            if entries:
                entry = entries[draw(st.integers(0, len(entries) - 1))]
                entry["class_name"] = draw(st.sampled_from(CLASSES))
        elif op == "link":
            histories = [p for p in all_paths if p[-1] == "keras_history"]
            names = [e.get("name") for e in layer_entries(config)] + ["nope", "", None]
            if histories:
                target = get(config, histories[draw(st.integers(0, len(histories) - 1))])
                if isinstance(target, list) and target:
                    index = draw(st.integers(0, len(target) - 1))
                    target[index] = draw(st.sampled_from(names + [0, 1, 5, -1, -7]))
        elif op == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif op == "swap" and isinstance(parent, list) and len(parent) > 1:
            other = draw(st.integers(0, len(parent) - 1))
            parent[key], parent[other] = parent[other], parent[key]
        elif op == "other":  # a value from elsewhere in the config
            source = all_paths[draw(st.integers(0, len(all_paths) - 1))]
            if source[:len(path)] != path:
                parent[key] = copy.deepcopy(get(config, source))
    return config


def write_model(tmp_path, config, kind: str):
    text = json.dumps(config)
    if kind == "json":
        path = tmp_path / "model.json"
        path.write_text(text, encoding="utf-8")
    elif kind == "keras":
        path = tmp_path / "model.keras"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
            archive.writestr("config.json", text)
    else:
        import h5py

        path = tmp_path / "model.h5"
        with h5py.File(path, "w") as handle:
            handle.attrs["model_config"] = text
            handle.attrs["keras_version"] = "3.15.1"
    return path


@fuzz_settings(ci_default=150)
@given(config=mutated_configs(), kind=st.sampled_from(["json", "json", "keras", "h5"]), data=st.data())
def test_mutated_configs_give_a_summary_or_one_clean_error(tmp_path_factory, config, kind, data):
    path = write_model(tmp_path_factory.mktemp("cfg"), config, kind)
    options = option_sets(data.draw, st, model_file=True)
    check_cli(["summary", path, *options], "config")
