"""``--flops-convention tf``: nncalc's per-layer ``tf_flops`` against TensorFlow's own profiler.

The truth is ``tests/analysis/tf_profiler.py`` (the keras-flops method: batch 1, frozen graph,
``tf.compat.v1.profiler`` float_operation) run on real Keras, in one subprocess per test
session (nothing is cached on disk). Every figure must be equal, in total and per TF op type.

* the small cases of ``tf_profiler_cases.py``, each built once with real Keras and once with
  ``nncalc.keras``: by default a deterministic sample (the first case of every layer class,
  the composite models, every keras.ops case and the cases of the MACs check below);
  ``NNCALC_TF_CASES=all`` runs
  all of them;
* ``keras.applications`` models (``weights=None``), read by nncalc from their ``to_json()``:
  ResNet50, MobileNetV2, DenseNet121, MobileNetV3Small and ConvNeXtTiny by default;
  ``NNCALC_TF_APPS=all`` runs every one, ``NNCALC_TF_APPS=VGG16,Xception`` those named;
* nncalc's own MACs (default convention) of convolutions, dense and attention layers are
  half the profiler's matmul/convolution op counts where those ops are the plain products.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import pytest

from tests.io import make_applications

from nncalc.analysis import AnalysisOptions
from nncalc.summary import summarize_model

from .tf_profiler_cases import CASES, build

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytestmark = pytest.mark.profiler  # TensorFlow's profiler and real Keras (skipped without them)

# Cases whose matmul/convolution op is the plain product of the layer (checked in
# test_macs_are_half_the_profiler_products): case id -> the profiler's op types of those products.
PLAIN_PRODUCTS = {
    "conv1d_valid_20x3_k3_f8": ["Conv2D"],
    "conv2d_valid_10x10x3_k3_f8": ["Conv2D"],
    "conv2d_same_s2_11x9x4_k5x3_f6": ["Conv2D"],
    "conv2d_1x1_7x7x16_f32": ["Conv2D"],
    "conv3d_valid_6x6x6x2_k3_f4": ["Conv3D"],
    "dwconv2d_valid_8x8x3_k3": ["DepthwiseConv2dNative"],
    "sepconv2d_valid_8x8x3_k3_f5": ["DepthwiseConv2dNative", "Conv2D"],
    "dense_100_10": ["MatMul"],
    "dense_3d_6x32_16": ["MatMul"],
    "einsumdense_ab_bc_32_16": ["MatMul"],
    "attention_5x8_7x8": ["BatchMatMulV2"],
    "mha_dropout_6x16_h2_k4": ["BatchMatMulV2"],
    "dot_axes2_5x6_7x6": ["BatchMatMulV2"],
}

# By default the smallest model of every keras.applications module (each module is one
# architecture: its other constructors differ in widths, depths and input sizes only);
# NNCALC_TF_APPS=all runs all 40 (about 15 min; see README "Tests").
DEFAULT_APPS = ["ConvNeXtTiny", "DenseNet121", "EfficientNetB0", "EfficientNetV2B0", "InceptionResNetV2",
                "InceptionV3", "MobileNet", "MobileNetV2", "MobileNetV3Small", "NASNetMobile",
                "ResNet50V2", "VGG16", "VGG19", "Xception", "ResNet50"]
RESNET50_TOTAL = 7_755_299_312


def selected_cases() -> list[dict]:
    """All cases with NNCALC_TF_CASES=all, else a deterministic sample (see the module docstring)."""
    if os.environ.get("NNCALC_TF_CASES", "").lower() == "all":
        return list(CASES)
    per_layer: dict[str, int] = {}
    chosen = []
    for case in CASES:
        limit = 1
        seen = per_layer.get(case["layer"], 0)
        if seen < limit or case["id"] in PLAIN_PRODUCTS or case["id"].startswith(("composite_", "ops_")):
            chosen.append(case)
        per_layer[case["layer"]] = seen + 1
    return chosen


def selected_apps() -> list[str]:
    """``NNCALC_TF_APPS``: ``all``, or names separated by commas; default ``DEFAULT_APPS``."""
    wanted = os.environ.get("NNCALC_TF_APPS", "")
    if wanted.lower() == "all":
        return sorted(set(APP_NAMES) - {"ResNet50"}) + ["ResNet50"]
    if wanted:
        return [name.strip() for name in wanted.split(",") if name.strip()]
    return DEFAULT_APPS


# Every keras.applications constructor (Keras 3.15), by name: the list tests/io checks.
APP_NAMES = make_applications.CONSTRUCTORS

# Run in a fresh interpreter with real Keras: profile the cases and applications named on
# stdin, print one JSON line each; applications also leave their to_json() in OUT_DIR.
WORKER = r"""
import json, os, sys, contextlib
sys.path.insert(0, os.getcwd())
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
request = json.load(sys.stdin)
out = sys.stdout
sys.stdout = sys.stderr
import keras
from tests.analysis.tf_profiler import profile_keras_model
from tests.analysis.tf_profiler_cases import CASES, build
by_id = {c["id"]: c for c in CASES}
for case_id in request["cases"]:
    try:
        result = profile_keras_model(build(by_id[case_id]))
    except Exception as error:
        result = {"error": f"{type(error).__name__}: {error}"[:300]}
    keras.backend.clear_session()
    print(json.dumps({"id": case_id, **result}), file=out, flush=True)
for name in request["apps"]:
    try:
        model = getattr(keras.applications, name)(weights=None)
        if None in model.input_shape[1:]:  # (MobileNetV3: any size) the profiler needs every dim
            keras.backend.clear_session()
            model = getattr(keras.applications, name)(weights=None, input_shape=(224, 224, 3))
        path = os.path.join(request["out_dir"], name + ".json")
        with open(path, "w") as handle:
            handle.write(model.to_json())
        result = dict(profile_keras_model(model), path=path)
    except Exception as error:
        result = {"error": f"{type(error).__name__}: {error}"[:300]}
    del model
    keras.backend.clear_session()
    print(json.dumps({"id": "app:" + name, **result}), file=out, flush=True)
"""


@pytest.fixture(scope="session")
def profiler_figures():
    """{case id or "app:Name": {"total", "by_op"[, "path"]}} from one real-Keras subprocess."""
    cases = [c["id"] for c in selected_cases()]
    with tempfile.TemporaryDirectory(prefix="nncalc_tf_") as out_dir:
        env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
        proc = subprocess.run([sys.executable, "-c", WORKER], input=json.dumps(
            {"cases": cases, "apps": selected_apps(), "out_dir": out_dir}), capture_output=True,
            text=True, cwd=ROOT, env=env, timeout=3600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        figures = {}
        for line in proc.stdout.splitlines():
            data = json.loads(line)
            if "path" in data:  # keep the config: the directory goes away
                with open(data["path"], encoding="utf-8") as handle:
                    data["config"] = handle.read()
            figures[data.pop("id")] = data
        yield figures


def tf_options() -> AnalysisOptions:
    return AnalysisOptions(flops=True, flops_convention="tf")


def nncalc_tf(model) -> dict:
    """nncalc's tf-convention figures of an nncalc model: total, by op type, and the reason if unknown."""
    summary = summarize_model(model, analysis=tf_options())
    cost = summary.analysis.cost
    reason = cost.why_unknown()
    return {"total": cost.flops, "by_op": cost.by_op, "unknown": reason.en if reason else None}


def test_small_cases_match_the_profiler(profiler_figures):
    import nncalc.keras as nk

    mismatches, checked = [], 0
    for case in selected_cases():
        truth = profiler_figures[case["id"]]
        assert "error" not in truth, (case["id"], truth)
        got = nncalc_tf(build(case, nk))
        checked += 1
        if got["total"] != truth["total"] or got["by_op"] != truth["by_op"]:
            mismatches.append(f"{case['id']}: TF {truth['total']} {truth['by_op']} / nncalc {got}")
    assert not mismatches, f"{len(mismatches)} of {checked} cases differ:\n" + "\n".join(mismatches)


def test_rows_sum_to_the_total_and_explain_by_op(profiler_figures):
    """Per layer: each row's by-op figures add up to the model's, and --explain lists them."""
    import nncalc.keras as nk

    case = next(c for c in CASES if c["id"] == "composite_cnn")
    summary = summarize_model(build(case, nk), analysis=tf_options())
    total: dict = {}
    for row in summary.rows:
        assert row.cost.flops == sum(row.cost.by_op.values())
        for op, value in row.cost.by_op.items():
            total[op] = total.get(op, 0) + value
    assert total == profiler_figures["composite_cnn"]["by_op"]
    conv = next(r for r in summary.rows if r.class_name == "Conv2D")
    # Conv2D(8, 3) on 16×16×3: 14×14×8 outputs × 3×3×3 products × 2, then one BiasAdd per output
    n = 14 * 14 * 8
    assert conv.cost.by_op == {"Conv2D": 2 * n * 27, "BiasAdd": n}
    line = [s for s in conv.cost.steps() if s.topic == "flops"][0]
    assert line.formula == f"Conv2D {2 * n * 27:,} + BiasAdd {n:,}" and line.value == 2 * n * 27 + n
    assert conv.cost.macs == n * 27  # the MACs column stays nncalc's


def test_applications_match_the_profiler(profiler_figures):
    from nncalc.io.files import load_model

    matched, failures = [], []
    for name in selected_apps():
        truth = profiler_figures["app:" + name]
        if "error" in truth:
            failures.append(f"{name}: Keras/profiler failed: {truth['error']}")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, name + ".json")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(truth["config"])
            try:
                got = nncalc_tf(load_model(path))
            except Exception as error:  # reported with the others
                failures.append(f"{name}: nncalc failed: {type(error).__name__}: {error}")
                continue
        if got["total"] == truth["total"] and got["by_op"] == truth["by_op"]:
            matched.append(name)
        else:
            failures.append(f"{name}: TF {truth['total']} {truth['by_op']} / nncalc {got}")
    print(f"{len(matched)} of {len(selected_apps())} applications match: {matched}")
    assert not failures, "\n".join(failures)


def test_resnet50_total_is_the_published_figure(profiler_figures):
    assert profiler_figures["app:ResNet50"]["total"] == RESNET50_TOTAL


@pytest.mark.parametrize("case_id", sorted(PLAIN_PRODUCTS))
def test_macs_are_half_the_profiler_products(profiler_figures, case_id):
    """nncalc's MACs (its own convention) = the profiler's Conv/MatMul/BatchMatMul float ops / 2."""
    import nncalc.keras as nk

    case = next(c for c in CASES if c["id"] == case_id)
    summary = summarize_model(build(case, nk), analysis=AnalysisOptions(flops=True))
    by_op = profiler_figures[case_id]["by_op"]
    products = sum(by_op[op] for op in PLAIN_PRODUCTS[case_id])
    assert products % 2 == 0
    assert summary.analysis.cost.macs == products // 2


def test_unknown_dimension_and_unmodelled_layer_say_why():
    import nncalc.keras as nk
    from nncalc.core.layer import Layer

    x = nk.Input((None, 3))
    model = nk.Model(x, nk.layers.Conv1D(4, 3)(x))
    got = nncalc_tf(model)
    assert got["total"] is None and "needs every dimension" in got["unknown"]

    class Custom(Layer):
        def compute_output_shape(self, input_shape):
            return input_shape

    assert Custom().tf_flops((None, 3), (None, 3)).unknown is not None
