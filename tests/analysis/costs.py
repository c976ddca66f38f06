"""Shared helpers of the per-family cost tests: one layer's summary row with --flops, and its steps."""

import nncalc.keras as keras
from nncalc.analysis import AnalysisOptions
from nncalc.core.explain import num, say
from nncalc.summary import summarize_model


def row_of(layer, input_shape, dtype=None):
    """The row of ``layer`` called on ``Input(input_shape, dtype)`` in a one-layer model, with costs."""
    inputs = keras.Input(input_shape, dtype=dtype)
    model = keras.Model(inputs, layer(inputs))
    return summarize_model(model, analysis=AnalysisOptions(flops=True)).rows[-1]


def steps_text(row, lang="en"):
    """Every cost step as ``label: formula = value (rule)``, one per line."""
    return "\n".join(f"{say(s.label, lang)}: {say(s.formula, lang)} = {num(s.value)} ({say(s.rule, lang)})"
                     for s in row.cost.steps())
