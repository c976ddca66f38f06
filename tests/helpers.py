"""Build one layer in real Keras and in nncalc, and describe both the same way."""

from __future__ import annotations

import os


def sweep(examples: int) -> int:
    """Hypothesis examples per test: the CI sample, times ``NNCALC_SWEEP`` for a larger sweep.

    ``NNCALC_SWEEP=20 python -m pytest tests/layers`` runs twenty times as many cases.
    """
    return max(1, int(examples * float(os.environ.get("NNCALC_SWEEP", "1"))))


def record_coverage(class_names, outcome: str) -> None:
    """Note which layer classes a differential check covered (for the README's coverage table).

    Active only when ``NNCALC_COVERAGE_FILE`` names a file; one ``class<TAB>outcome`` line each.
    """
    path = os.environ.get("NNCALC_COVERAGE_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.writelines(f"{name}\t{outcome}\n" for name in class_names)


KERAS_REJECTIONS = (ValueError, TypeError, IndexError, AttributeError)  # Keras sometimes fails crudely
NNCALC_REJECTIONS = (ValueError, TypeError)  # nncalc must always fail with a clear error


def describe_layer(module, class_name: str, kwargs: dict, input_shape, rejections=NNCALC_REJECTIONS):
    """Call ``module.layers.<class_name>(**kwargs)`` on ``Input(input_shape)``.

    Returns ``("ok", output shape, [(weight name, shape, trainable)], params)`` or
    ``("error",)`` when construction or the call is rejected (ValueError or TypeError).
    ``input_shape`` excludes the batch axis; a list of shapes means several inputs.
    """
    try:
        layer = getattr(module.layers, class_name)(**kwargs)
        if input_shape and isinstance(input_shape[0], (tuple, list)):
            inputs = [module.Input(shape=tuple(s)) for s in input_shape]
        else:
            inputs = module.Input(shape=tuple(input_shape))
        out = layer(inputs)
    except rejections:
        return ("error",)
    outs = out if isinstance(out, (list, tuple)) else [out]
    shapes = [tuple(o.shape) for o in outs]
    weights = [(w.name, tuple(w.shape), bool(w.trainable)) for w in layer.weights]
    return ("ok", shapes, weights, layer.count_params())


def assert_same_layer(real_keras, class_name: str, kwargs: dict, input_shape):
    """Real Keras and nncalc agree on shapes, weights and params, or both reject the layer."""
    import nncalc.keras as nk

    expected = describe_layer(real_keras, class_name, kwargs, input_shape, KERAS_REJECTIONS)
    actual = describe_layer(nk, class_name, kwargs, input_shape)
    if expected[0] == "error":
        assert actual[0] == "error", f"Keras rejects {class_name}({kwargs}) on {input_shape}; nncalc gave {actual}"
        record_coverage([getattr(nk.layers, class_name).__name__], "rejected")
    else:
        assert actual == expected, f"{class_name}({kwargs}) on {input_shape}"
        record_coverage([getattr(nk.layers, class_name).__name__], "passed")
    return actual


def summary_text(module, build, **summary_kwargs) -> str:
    """Fresh names, ``model = build(module)``, and the summary text ``print_fn`` receives."""
    module.backend.clear_session()
    model = build(module)
    captured = []
    model.summary(print_fn=captured.append, **summary_kwargs)
    return "".join(captured)


def assert_same_summary(real_keras, build, **summary_kwargs):
    """The model ``build(keras)`` makes prints the same summary in real Keras and in nncalc.

    Same text means the same rows (names, classes, output shapes, parameters) and the
    same trainable / non-trainable totals. If Keras rejects the model, nncalc must too.
    Also checks that nncalc's explanations agree with its figures. Returns the text.
    """
    import warnings

    import nncalc.keras as nk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = summary_text(real_keras, build, **summary_kwargs)
        except (ValueError, TypeError) as error:
            expected = error
        if isinstance(expected, Exception):
            try:
                summary_text(nk, build, **summary_kwargs)
            except (ValueError, TypeError):
                return None
            raise AssertionError(f"Keras rejects the model ({expected}); nncalc accepted it")
        actual = summary_text(nk, build, **summary_kwargs)
    assert actual == expected
    nk.backend.clear_session()
    model = build(nk)
    assert_explained(model)
    record_coverage({type(layer).__name__ for layer in _all_layers(model)}, "passed")
    return actual


def _all_layers(model):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from contained_layers(layer)


def contained_layers(layer):
    """The layers a layer holds, recursively: a model's or Pipeline's layers, an RNN's cell,
    StackedRNNCells' cells, a wrapper's layer (TimeDistributed, Bidirectional's two directions)."""
    inner = list(getattr(layer, "layers", None) or [])
    for attribute in ("cell", "layer", "forward_layer", "backward_layer"):
        value = getattr(layer, attribute, None)
        if value is not None and not isinstance(value, (str, int, float, bool)):
            inner.append(value)
    inner.extend(getattr(layer, "cells", None) or [])
    for child in inner:
        yield child
        yield from contained_layers(child)


def class_names(layer) -> set:
    """The class of ``layer`` and of every layer it contains (for :func:`record_coverage`)."""
    return {type(layer).__name__} | {type(child).__name__ for child in contained_layers(layer)}


def assert_explained(model) -> None:
    """Every figure of every summary row equals the figure its explanation derives."""
    import nncalc
    from nncalc.core.explain import say

    for summary in nncalc.summarize(model, expand_nested=True).models:
        for row in summary.rows:
            steps = row.explanation.params
            if row.built:
                assert steps and steps[0].value == row.params, (row.name, steps)
            if row.explanation.shape:
                assert row.explanation.shape[0].value == row.output_shape, (row.name, row.explanation.shape)
            for step in steps + row.explanation.shape:
                for lang in ("en", "zh"):  # the derivation reads in both languages
                    assert say(step.formula, lang) and (step.label is None or say(step.label, lang)), (
                        row.name, lang, step)


def script_params(paths) -> list:
    """Scripts as test parameters named after their files; a script that imports numpy needs it."""
    import pytest

    return [pytest.param(path, id=path.name, marks=[pytest.mark.requires("numpy")]
                         if "import numpy" in path.read_text(encoding="utf-8") else [])
            for path in paths]
