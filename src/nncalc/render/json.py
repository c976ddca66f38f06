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


def layer_dict(row: LayerRow, lang: str = "en", sequential_like: bool = False) -> dict:
    """One row of the table as JSON data (no connections where Keras shows none)."""
    return {
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


def model_dict(model: ModelSummary, lang: str = "en") -> dict:
    """One model, its totals and its rows as JSON data."""
    return {
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
        "layers": [layer_dict(row, lang, model.sequential_like) for row in model.rows],
    }


def summary_dict(summary: Summary, lang: str = "en") -> dict:
    """The whole document as plain Python data."""
    from .. import __version__

    return {"nncalc_version": __version__, "models": [model_dict(m, lang) for m in summary.models]}


def render(summary: Summary, lang: str = "en", indent: Optional[int] = 2) -> str:
    """The JSON text (UTF-8 characters kept, so Chinese stays readable)."""
    return json.dumps(summary_dict(summary, lang), indent=indent, ensure_ascii=False)
