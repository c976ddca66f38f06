"""Receptive fields: nncalc's figures against a brute-force measurement with real Keras,
and the known figures of classic networks.

The measurement (tests/analysis/rf_probe.py, run once in a Keras subprocess) builds each
generated stack with ones kernels, no bias and linear activations and takes the gradient
of output positions with respect to the input: the non-zero positions are the field.
nncalc says, per axis, size r, jump j and start s: output position q sees the input
positions s + q·j - (r - 1)/2 … s + q·j + (r - 1)/2.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

import nncalc.keras as keras
from nncalc.analysis import AnalysisOptions
from nncalc.analysis.receptive_field import ReceptiveField
from nncalc.render.explain import explanation_lines
from nncalc.summary import summarize_model

from .rf_probe import build

PROBE = Path(__file__).with_name("rf_probe.py")


def fields(model):
    summary = summarize_model(model, analysis=AnalysisOptions(receptive_field=True))
    return {row.name: row.receptive_field for row in summary.rows}, summary


def last_field(spec) -> ReceptiveField:
    rows, _ = fields(build(keras, spec))
    return list(rows.values())[-1]


# ---------------------------------------------------------------------- generated stacks
def _window_layer(rng, rank, transposed_ok=False, stride_ok=True):
    def per_axis(values):
        return values[0] if rank == 1 else tuple(values)

    kind = rng.choice(["conv", "conv", "pool", "depthwise", "separable", "pad", "crop"])
    k = [rng.randint(1, 5) for _ in range(rank)]
    s = [rng.randint(1, 3) if stride_ok else 1 for _ in range(rank)]
    d = [1] * rank
    if stride_ok and rng.random() < 0.3:
        s = [1] * rank
        d = [rng.randint(1, 3) for _ in range(rank)]
    if not stride_ok and rng.random() < 0.3:
        d = [rng.randint(1, 3) for _ in range(rank)]
    if kind in ("depthwise", "separable"):  # TF's depthwise kernel wants equal strides (and dilations)
        s, d = [s[0]] * rank, [d[0]] * rank
    padding = rng.choice(["valid", "same"] + (["causal"] if rank == 1 and kind == "conv" else []))
    name = {1: "1D", 2: "2D"}[rank]
    if kind == "conv":
        return [f"Conv{name}", dict(filters=1, kernel_size=per_axis(k), strides=per_axis(s),
                                    dilation_rate=per_axis(d), padding=padding)]
    if kind == "depthwise":
        return [f"DepthwiseConv{name}", dict(kernel_size=per_axis(k), strides=per_axis(s),
                                             dilation_rate=per_axis(d), padding=padding)]
    if kind == "separable":
        return [f"SeparableConv{name}", dict(filters=1, kernel_size=per_axis(k), strides=per_axis(s),
                                             dilation_rate=per_axis(d), padding=padding)]
    if kind == "pool":
        mode = rng.choice(["Max", "Average"])
        return [f"{mode}Pooling{name}", dict(pool_size=per_axis([min(x, 3) for x in k]), strides=per_axis(s),
                                             padding=rng.choice(["valid", "same"]))]
    pairs = [(rng.randint(0, 2), rng.randint(0, 2)) for _ in range(rank)]
    if kind == "pad":
        return [f"ZeroPadding{name}", dict(padding=pairs[0] if rank == 1 else tuple(pairs))]
    return [f"Cropping{name}", dict(cropping=pairs[0] if rank == 1 else tuple(pairs))]


def _transposed_layer(rng, rank):
    name = {1: "1D", 2: "2D"}[rank]
    s = rng.choice([1, 2, 2, 3])
    if rng.random() < 0.3:
        return [f"UpSampling{name}", dict(size=s)]
    # (TF's CPU kernel has no dilated transposed convolution)
    kwargs = dict(filters=1, kernel_size=rng.randint(1, 5), strides=s, padding=rng.choice(["valid", "same"]))
    if rng.random() < 0.4:  # (with 'same' and an even kernel TF rejects Keras' output size)
        kwargs["output_padding"] = rng.randint(0, s - 1)
        if kwargs["kernel_size"] % 2 == 0:
            kwargs["padding"] = "valid"
    return [f"Conv{name}Transpose", kwargs]


def generated_specs():
    rng = random.Random(6)
    plain, transposed = [], []
    for i in range(36):
        rank = 1 if i < 28 else 2
        spec = {"trunk": [_window_layer(rng, rank) for _ in range(rng.randint(1, 5))]}
        if i % 4 == 3:  # a 2-branch merge with the same output size on both branches
            spec["branches"] = [[_window_layer(rng, rank, stride_ok=False) for _ in range(rng.randint(1, 2))]
                                for _ in range(2)]
            for branch in spec["branches"]:
                for layer in branch:
                    if layer[0].startswith(("Zero", "Crop")):
                        layer[:] = ["Activation", {"activation": "linear"}]
                    else:
                        layer[1]["padding"] = "same"
            spec["merge"] = rng.choice(["Add", "Concatenate", "Maximum"])
            spec["tail"] = [_window_layer(rng, rank)]
        plain.append((rank, spec))
    for i in range(16):
        rank = 1 if i < 12 else 2
        spec = {"trunk": [_window_layer(rng, rank) for _ in range(rng.randint(0, 2))]
                + [_transposed_layer(rng, rank)]
                + [_window_layer(rng, rank, stride_ok=False) for _ in range(rng.randint(0, 2))]}
        transposed.append((rank, spec))
    return plain, transposed


def _sized(rank, spec):
    """Give the spec an input large enough that middle outputs see no padding and no edge."""
    probe = dict(spec, input=[256] * rank)
    rf = last_field(probe)
    assert rf.kind == "field", (spec, rf)
    sizes = []
    for axis in range(rank):
        a = rf.field_of(axis + 1)
        sizes.append(int(3 * a.size + 8 * max(a.jump, 1) + 30))
    return dict(spec, input=sizes)


@pytest.fixture(scope="module")
def measured():
    plain, transposed = generated_specs()
    cases = [("plain", rank, _sized(rank, spec)) for rank, spec in plain]
    cases += [("transposed", rank, _sized(rank, spec)) for rank, spec in transposed]
    out = subprocess.run([sys.executable, str(PROBE)], input=json.dumps([c[2] for c in cases]),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return list(zip(cases, json.loads(out.stdout)))


def _theory(axis_field, q):
    centre = axis_field.start + q * axis_field.jump
    half = (axis_field.size - 1) / 2
    return centre - half, centre + half


@pytest.mark.keras
def test_generated_stacks_match_keras(measured):
    checked = 0
    for (kind, rank, spec), extents in measured:
        if kind != "plain":
            continue
        rf = last_field(spec)
        for axis in range(rank):
            a = rf.field_of(axis + 1)
            per_position = extents[axis]
            n = len(per_position)
            for q, got in enumerate(per_position):
                lo, hi = _theory(a, q)
                if got is not None:  # never outside the stated field (padding may cut it)
                    assert lo <= got[0] and got[1] <= hi, (spec, axis, q, got, (lo, hi), str(rf))
            for q in range(max(0, n // 2 - 2), min(n, n // 2 + 3)):  # middle: the whole field is real input
                lo, hi = _theory(a, q)
                assert per_position[q] == [lo, hi], (spec, axis, q, per_position[q], (lo, hi), str(rf))
                checked += 1
    assert checked > 100


@pytest.mark.keras
def test_transposed_and_upsampling_bound_every_position(measured):
    """A transposed window's size bounds every output's field, and both ends are reached."""
    checked = 0
    for (kind, rank, spec), extents in measured:
        if kind != "transposed":
            continue
        rf = last_field(spec)
        for axis in range(rank):
            a = rf.field_of(axis + 1)
            per_position = extents[axis]
            n = len(per_position)
            middle = range(max(0, n // 2 - 6), min(n, n // 2 + 6))
            for q, got in enumerate(per_position):
                lo, hi = _theory(a, q)
                if got is not None:
                    assert lo <= got[0] and got[1] <= hi, (spec, q, got, (lo, hi), str(rf))
            # both ends of the stated footprint are reached by some middle output position
            assert any(per_position[q] and per_position[q][0] == _theory(a, q)[0] for q in middle), (spec, str(rf))
            assert any(per_position[q] and per_position[q][1] == _theory(a, q)[1] for q in middle), (spec, str(rf))
            checked += 1
    assert checked >= 16


# ---------------------------------------------------------------------- known networks
def vgg16(top=True):
    x = inputs = keras.Input((224, 224, 3))
    for block, (convs, filters) in enumerate([(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)], start=1):
        for i in range(1, convs + 1):
            x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"block{block}_conv{i}")(x)
        x = keras.layers.MaxPooling2D(2, strides=2, name=f"block{block}_pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(4096, activation="relu", name="fc1")(x)
    x = keras.layers.Dense(1000, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, x)


def test_vgg16():
    rf, _ = fields(vgg16())
    # the figures usually quoted: conv5_3 sees 196 × 196 pixels, pool5 212 × 212, 32 pixels apart
    assert str(rf["block5_conv3"]) == "196×196 /16 @7.5"
    assert str(rf["block5_pool"]) == "212×212 /32 @15.5"
    assert str(rf["block1_conv1"]) == "3×3 /1 @0"
    assert str(rf["block1_pool"]) == "6×6 /2 @0.5"
    assert rf["flatten"].kind == "stopped"
    assert rf["fc1"].kind == "global" and str(rf["predictions"]) == "global"
    assert rf["input_layer"] is None


def test_alexnet_first_layer_and_explanation():
    inputs = keras.Input((227, 227, 3))
    x = keras.layers.Conv2D(96, 11, strides=4, activation="relu", name="conv1")(inputs)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = keras.layers.ZeroPadding2D(2, name="pad2")(x)
    x = keras.layers.Conv2D(256, 5, activation="relu", name="conv2")(x)
    rf, summary = fields(keras.Model(inputs, x))
    assert str(rf["conv1"]) == "11×11 /4 @5"
    assert str(rf["pool1"]) == "19×19 /8 @9"
    assert str(rf["pad2"]) == "19×19 /8 @-7"
    assert str(rf["conv2"]) == "51×51 /8 @9"
    row = next(r for r in summary.rows if r.name == "conv1")
    lines = explanation_lines(row)
    assert "receptive field: 11×11 /4 @5" in lines[-3]
    assert "height: r = 1 + (11 - 1) × 1 = 11; j = 1 × 4 = 4; start = 0 + ((11 - 1) / 2 - 0) × 1 = 5" in lines[-2]
    zh = explanation_lines(row, "zh")
    assert any(line.startswith("感受野: 11×11 /4 @5") for line in zh)


def test_cell_and_special_cases():
    from nncalc.render.extras import _rf_cell

    inputs = keras.Input((None, 20, 3))
    x = keras.layers.Conv2D(4, (3, 5), strides=(2, 1), padding="same", name="c")(inputs)
    y = keras.layers.Dense(4, name="per_position")(x)
    z = keras.layers.GlobalMaxPooling2D(name="g")(y)
    w = keras.layers.UpSampling2D(2, interpolation="bilinear", name="up")(x)
    rf, summary = fields(keras.Model(inputs, [z, w]))
    # unknown height: 'same' with stride 2 pads by an amount that depends on it
    assert str(rf["c"]) == "3×5 /2×1 @?,0"
    assert str(rf["per_position"]) == str(rf["c"])  # Dense on the channel axis keeps the field
    assert str(rf["g"]) == "global"
    assert rf["up"].kind == "unknown" and "bilinear" in rf["up"].reason.en
    cells = {r.name: _rf_cell(r) for r in summary.rows}
    assert cells["input_layer"] == "-" and cells["up"] == "?" and cells["c"] == "3×5 /2×1 @?,0"
    # an MLP has no receptive field at all
    inputs = keras.Input((16,))
    rf, _ = fields(keras.Model(inputs, keras.layers.Dense(3, name="d")(inputs)))
    assert rf["d"] is None


def test_merge_takes_the_union_and_nested_models():
    inputs = keras.Input((64, 1))
    a = keras.layers.Conv1D(1, 7, padding="same", name="wide")(inputs)
    b = keras.layers.Conv1D(1, 4, padding="same", name="even")(inputs)
    merged = keras.layers.Add(name="add")([a, b])
    rf, _ = fields(keras.Model(inputs, merged))
    assert str(rf["wide"]) == "7 /1 @0" and str(rf["even"]) == "4 /1 @0.5"
    assert str(rf["add"]) == "7 /1 @0"  # [-3, 3] ∪ [-1, 2]
    inner = keras.Sequential([keras.Input((32, 1)), keras.layers.Conv1D(1, 3, strides=2),
                              keras.layers.Conv1D(1, 3)], name="inner")
    outer_in = keras.Input((64, 1))
    x = keras.layers.MaxPooling1D(2, name="p")(outer_in)
    rf, _ = fields(keras.Model(outer_in, inner(x)))
    # pool 2/2 (2 /2 @0.5), conv 3 stride 2 (2 + 2·2 = 6 /4 @2.5), conv 3 (6 + 2·4 = 14 /4 @6.5)
    assert str(rf["inner"]) == "14 /4 @6.5"


def test_explain_cli(tmp_path):
    script = tmp_path / "net.py"
    script.write_text("import keras\nfrom keras import layers\n"
                      "model = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(8, 5, strides=2),"
                      " layers.MaxPooling2D(), layers.Conv2DTranspose(4, 3, strides=2, padding='same'),"
                      " layers.Flatten()])\n")
    out = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(script), "--receptive-field",
                          "--explain"], capture_output=True, text=True, env=dict(os.environ, COLUMNS="200"))
    assert out.returncode == 0, out.stderr
    # conv 5/2: 5 /2 @2; pool 2/2: 7 /4 @3; transposed 3/2 'same' (P = 0): 7 + 2 × 2 = 11 /2 @1
    assert "5×5 /2 @2" in out.stdout and "7×7 /4 @3" in out.stdout and "11×11 /2 @1" in out.stdout
    assert "stopped" in out.stdout and "Flatten removes the spatial axes" in out.stdout
