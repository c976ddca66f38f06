"""A :class:`~nncalc.summary.Summary` as CSV: one line per summary row, all models together.

Columns: ``model,layer,class_name,output_shape,params,trainable_params,
non_trainable_params,depth,connected_to``.  ``output_shape`` is written as
Keras writes it (``(None, 784)``, ``[(None, 3), (None, 4)]``, ``?`` when never
called); counts are plain integers (0 for unbuilt layers); ``depth`` is the
nesting level (``expand_nested``); ``connected_to`` is Keras' "Connected to"
cell, ``layer[node][tensor]`` joined by ``", "``, left empty for inputs and for
sequential-like models (which have no such column).  Quoting follows the :mod:`csv` module; lines end in ``\\n``.
"""

from __future__ import annotations

import csv
import io

from ..summary import Summary
from .markdown import shape_cell

COLUMNS = ["model", "layer", "class_name", "output_shape", "params", "trainable_params",
           "non_trainable_params", "depth", "connected_to"]


# With --flops / --memory / --receptive-field: per-sample figures, empty when unknown.
EXTRA_COLUMNS = {"flops": ["macs", "flops"], "memory": ["activation_bytes"], "receptive_field": ["receptive_field"]}


def _extra_values(row, asked) -> list:
    values = []
    if "flops" in asked:
        values += [row.cost.macs, row.cost.flops] if row.cost is not None else [None, None]
    if "memory" in asked:
        b = row.activation_bytes
        values.append(int(b) if b is not None and float(b).is_integer() else b)
    if "receptive_field" in asked:
        values.append(row.receptive_field)
    return ["" if v is None else v for v in values]


def render(summary: Summary) -> str:
    """The header line, then every model's rows in Keras' order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    asked = [key for key in EXTRA_COLUMNS
             if any(m.analysis is not None and getattr(m.analysis.options, key) for m in summary.models)]
    writer.writerow(COLUMNS + [c for key in asked for c in EXTRA_COLUMNS[key]])
    for model in summary.models:
        for row in model.rows:
            writer.writerow([
                model.name,
                row.name,
                row.class_name,
                shape_cell(row.output_shape),
                row.params,
                row.trainable_params,
                row.non_trainable_params,
                row.depth,
                "" if model.sequential_like else ", ".join(
                    f"{layer}[{node}][{tensor}]" for layer, node, tensor in row.connected_to),
            ] + _extra_values(row, asked))
    return out.getvalue()
