"""Memory figures: activation bytes, the inference peak, the training estimate, optimizer state.

Optimizer state variables are compared with real Keras (the "Optimizer params" figure);
activation figures with sums computed here from the shapes.
"""

import math

import pytest

import nncalc.keras as nk
from nncalc.analysis import AnalysisOptions, graph_nodes
from nncalc.analysis.memory import make_optimizer, memory_report
from nncalc.cli import OPTIMIZER_CHOICES
from nncalc.summary import summarize_model


def _cnn(keras, dtype=None):
    inputs = keras.Input((12, 12, 3))
    x = keras.layers.Conv2D(8, 3, dtype=dtype)(inputs)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.MaxPooling2D(2)(x)
    y = keras.layers.Conv2D(8, 1)(x)
    x = keras.layers.Add()([x, y])
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(4)(x)
    return keras.Model(inputs, outputs)


BYTES = {"float32": 4, "int64": 8, "int32": 4}


def _keras_optimizer(keras, name):
    if name == "sgd-momentum":
        return keras.optimizers.SGD(momentum=0.9)
    return keras.optimizers.get(name)


@pytest.mark.parametrize("name", OPTIMIZER_CHOICES)
def test_optimizer_state_equals_keras(real_keras, name):
    real = _cnn(real_keras)
    optimizer = _keras_optimizer(real_keras, name)
    optimizer.build(real.trainable_variables)
    expected = sum(math.prod(v.shape) for v in optimizer.variables)
    expected_bytes = sum(math.prod(v.shape) * BYTES[v.dtype] for v in optimizer.variables)
    model = _cnn(nk)
    ours = memory_report(model, graph_nodes(model), optimizer=name)
    assert ours.optimizer_variables == expected
    assert ours.optimizer_bytes == expected_bytes


def test_unknown_optimizer_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown optimizer 'adamx'"):
        make_optimizer("adamx")


def test_activation_bytes_and_inference_peak():
    model = _cnn(nk)
    report = memory_report(model, graph_nodes(model), batch_size=8, optimizer="sgd")
    sizes = {  # per-sample elements of every tensor, in graph order
        "input": 12 * 12 * 3, "conv": 10 * 10 * 8, "bn": 10 * 10 * 8, "pool": 5 * 5 * 8,
        "conv1x1": 5 * 5 * 8, "add": 5 * 5 * 8, "flatten": 200, "dense": 4,
    }
    assert report.activation_bytes == 4 * sum(sizes.values())
    # Live sets while each layer runs: the peak is conv (input + conv output) or bn (conv + bn).
    live = [sizes["input"], sizes["input"] + sizes["conv"], sizes["conv"] + sizes["bn"],
            sizes["bn"] + sizes["pool"], sizes["pool"] + sizes["conv1x1"],
            sizes["pool"] + sizes["conv1x1"] + sizes["add"], sizes["add"] + sizes["flatten"],
            sizes["flatten"] + sizes["dense"]]
    assert report.peak_inference_bytes == 4 * max(live)
    weights = sum(w.size for w in model.weights) * 4
    trainable = sum(w.size for w in model.trainable_weights) * 4
    assert report.weight_bytes == weights and report.gradient_bytes == trainable
    assert report.training_bytes == weights + trainable + report.optimizer_bytes + 8 * 4 * sum(sizes.values())
    assert report.inference_bytes == weights + 8 * 4 * max(live)


def test_mixed_precision_activations_are_16_bit():
    model = _cnn(nk, dtype="mixed_float16")
    row = summarize_model(model, analysis=AnalysisOptions(memory=True)).rows[1]
    assert row.name == "conv2d" and row.activation_bytes == 10 * 10 * 8 * 2
    assert any("2 bytes (float16)" in step.formula.en for step in row.explanation.memory)


def test_unknown_dimension_is_stated_not_guessed():
    inputs = nk.Input((None, 16))
    model = nk.Model(inputs, nk.layers.Dense(4)(inputs))
    summary = summarize_model(model, analysis=AnalysisOptions(memory=True, flops=True))
    report = summary.analysis.memory
    assert report.activation_bytes is None and report.training_bytes is None
    assert "unknown dimension" in report.unknown.en
    assert summary.rows[1].cost.macs is None
    assert "None" in summary.rows[1].cost.why_unknown().en
