"""A :class:`~nncalc.summary.Summary` as JSON, in a stable, documented schema.

The schema (also machine-readable: ``summary.schema.json`` next to this module,
see :func:`schema`)::

    {
      "nncalc_version": "0.1.0",
      "models": [                      # in the order they were summarized
        {
          "name": "mnist",
          "class_name": "Functional",  # "Functional", "Sequential", ...
          "sequential_like": false,    # false: Keras shows a "Connected to" column
          "total_params": 567434,      # trainable + non-trainable (+ optimizer)
          "trainable_params": 567434,
          "non_trainable_params": 0,
          "optimizer_params": null,    # int once the optimizer is built (first fit)
          "total_bytes": 2269736,      # bytes of weights (+ optimizer variables)
          "trainable_bytes": 2269736,  # integers, or fractions for sub-byte dtypes
          "non_trainable_bytes": 0,
          "optimizer_bytes": 0,
          "layers": [                  # exactly the rows Keras' summary shows, in its order
            {
              "name": "dense",
              "class_name": "Dense",
              "output_shape": [null, 512],  # null: unknown dim; several outputs: a list
                                            # of such lists; null: never called ("?")
              "params": 401920,
              "built": true,
              "trainable_params": 401920,
              "non_trainable_params": 0,
              "trainable": true,       # null when the layer has no weights
              "connected_to": [        # Keras' "Connected to" cell: what feeds the row's
                {"layer": "flatten", "node_index": 0, "tensor_index": 0}
              ],                       # calls in this model; always empty for
                                       # sequential-like models, which have no such column
              "depth": 0,              # > 0: inside a nested model (expand_nested)
              "explanation": {         # see nncalc.render.explain.explanation_dict
                "params": [STEP, ...],
                "output_shape": [STEP, ...]
              }
            }
          ]
        }
      ]
    }

where ``STEP`` is ``{"topic": "params" | "weight" | "shape", "label": str,
"formula": str, "value": int | null | list | str, "rule": str | null}``, with
``label`` and ``rule`` in the requested language.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from ..summary import LayerRow, ModelSummary, Summary, output_shape_json
from .explain import explanation_dict

SCHEMA_PATH = Path(__file__).with_name("summary.schema.json")


def schema() -> dict:
    """The JSON Schema (draft 2020-12) every :func:`render` output validates against."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _bytes(size: float):
    """Whole byte counts as ints (``2269736``, not ``2269736.0``)."""
    return int(size) if float(size).is_integer() else size


def layer_dict(row: LayerRow, lang: str = "en", sequential_like: bool = False, options=None) -> dict:
    """One row of the table as JSON data (no connections where Keras shows none)."""
    data = {
        "name": row.name,
        "class_name": row.class_name,
        "output_shape": output_shape_json(row.output_shape),
        "params": row.params,
        "built": row.built,
        "trainable_params": row.trainable_params,
        "non_trainable_params": row.non_trainable_params,
        "trainable": row.trainable if row.has_weights else None,
        "connected_to": [
            {"layer": layer, "node_index": node, "tensor_index": tensor}
            for layer, node, tensor in ([] if sequential_like else row.connected_to)
        ],
        "depth": row.depth,
        "explanation": explanation_dict(row.explanation, lang),
    }
    if options is not None:
        add_row_analysis(data, row, options, lang)
    return data


def add_row_analysis(data: dict, row: LayerRow, options, lang: str) -> None:
    """The figures nncalc adds to a row (only those asked for), with their derivations."""
    from ..core.explain import say
    from .explain import step_dict

    if options.flops and row.cost is not None:
        reason = row.cost.why_unknown()
        data.update(macs=row.cost.macs, flops=row.cost.flops,
                    cost_unknown=say(reason, lang) if reason is not None else None)
        data["explanation"]["cost"] = [step_dict(s, lang) for s in row.cost.steps()]
        if getattr(options, "flops_convention", "nncalc") == "tf":
            data["tf_flops_by_op"] = getattr(row.cost, "by_op", None)
    if options.memory:
        data["activation_bytes"] = None if row.activation_bytes is None else _bytes(row.activation_bytes)
    if options.receptive_field:
        rf = row.receptive_field
        data["receptive_field"] = rf.to_json() if rf is not None else None


def analysis_dict(analysis, lang: str) -> dict:
    """A model's totals beyond Keras': MACs, FLOPs, memory."""
    from ..core.explain import say

    data: dict = {}
    if analysis.cost is not None:
        reason = analysis.cost.why_unknown()
        data.update(macs=analysis.cost.macs, flops=analysis.cost.flops,
                    cost_unknown=say(reason, lang) if reason is not None else None)
        if analysis.options.flops_convention == "tf":
            data.update(flops_convention="tf", tf_flops_by_op=getattr(analysis.cost, "by_op", None))
    m = analysis.memory
    if m is not None:
        def b(x):
            return None if x is None else _bytes(x)

        data["memory"] = {
            "batch_size": m.batch_size, "optimizer": m.optimizer,
            "weights_by_dtype": {dt: {"count": n, "bytes": b(size)} for dt, (n, size) in m.weights_by_dtype.items()},
            "weight_bytes": b(m.weight_bytes), "gradient_bytes": b(m.gradient_bytes),
            "optimizer_variables": m.optimizer_variables, "optimizer_bytes": b(m.optimizer_bytes),
            "activation_bytes": b(m.activation_bytes), "peak_inference_bytes": b(m.peak_inference_bytes),
            "inference_bytes": b(m.inference_bytes), "training_activation_bytes": b(m.training_activation_bytes),
            "training_bytes": b(m.training_bytes),
            "unknown": say(m.unknown, lang) if m.unknown is not None else None,
        }
    return data


def model_dict(model: ModelSummary, lang: str = "en") -> dict:
    """One model, its totals and its rows as JSON data."""
    options = model.analysis.options if model.analysis is not None else None
    data = {
        "name": model.name,
        "class_name": model.class_name,
        "sequential_like": model.sequential_like,
        "total_params": model.total_params,
        "trainable_params": model.trainable_params,
        "non_trainable_params": model.non_trainable_params,
        "optimizer_params": model.optimizer_params,
        "total_bytes": _bytes(model.total_bytes),
        "trainable_bytes": _bytes(model.trainable_bytes),
        "non_trainable_bytes": _bytes(model.non_trainable_bytes),
        "optimizer_bytes": _bytes(model.optimizer_bytes),
        "layers": [layer_dict(row, lang, model.sequential_like, options) for row in model.rows],
    }
    if model.analysis is not None:
        data["analysis"] = analysis_dict(model.analysis, lang)
    return data


def summary_dict(summary: Summary, lang: str = "en") -> dict:
    """The whole document as plain Python data."""
    from .. import __version__

    return {"nncalc_version": __version__, "models": [model_dict(m, lang) for m in summary.models]}


def render(summary: Summary, lang: str = "en", indent: Optional[int] = 2) -> str:
    """The JSON text (UTF-8 characters kept, so Chinese stays readable)."""
    return json.dumps(summary_dict(summary, lang), indent=indent, ensure_ascii=False)
