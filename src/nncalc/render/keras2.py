"""tf.keras 2.0–2.8's ``model.summary()`` text (``--style keras2``): the tutorial's format.

``keras/utils/layer_utils.py::print_summary`` of Keras 2.6, re-implemented on a
:class:`~nncalc.summary.ModelSummary`:

* line length 65 with positions ``[.45, .85, 1.]`` for sequential-like models,
  98 with ``[.33, .55, .67, 1.]`` and a "Connected to" column otherwise;
  positions <= 1 are fractions of the line length;
* each field is cut to its column (no wrapping); a row is followed by a ``_``
  rule, the last one by a ``=`` rule;
* output shapes are Python reprs (``(None, 784)``; an InputLayer ``[(None, 784)]``;
  ``multiple`` when the layer was never called or its calls disagree);
* one connection per line in "Connected to";
* footer ``Total params: 567,434`` (thousands separators, no byte sizes) and a
  closing ``_`` rule. Nested rows (``expand_nested``) did not exist then and are
  not printed.
"""

from __future__ import annotations

from typing import Callable, Optional

from ..summary import LayerRow, ModelSummary


def shape_text(row: LayerRow) -> str:
    """``layer.output_shape`` as Keras 2 printed it."""
    calls = {str(shapes) for shapes in row.call_output_shapes}
    if len(calls) != 1:
        return "multiple"
    shapes = row.call_output_shapes[0]
    if row.class_name == "InputLayer" or len(shapes) > 1:
        return str([tuple(s) for s in shapes])
    return str(tuple(shapes[0]))


def _row(fields, positions) -> str:
    line = ""
    for i, field in enumerate(fields):
        if i > 0:
            line = line[:-1] + " "
        line += str(field)
        line = line[: positions[i]]
        line += " " * (positions[i] - len(line))
    return line


def summary_lines(model: ModelSummary, line_length: Optional[int] = None, positions=None) -> list[str]:
    """The summary, one string per printed line.

    nncalc's own columns (``--flops``, ``--memory``, ``--receptive-field``) go to the right of
    Keras' line, their totals after Keras' (:mod:`nncalc.render.extras`).
    """
    from .extras import extra_columns, extra_width, footer_lines, right_of

    extra = extra_columns(model)
    if model.sequential_like:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [0.33, 0.55, 0.67, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    rule = line_length + extra_width(extra)
    lines = [f'Model: "{model.name}"', "_" * rule, *right_of([_row(header, positions)], [c.header for c in extra], extra),
             "=" * rule]
    rows = [row for row in model.rows if row.depth == 0]
    for i, row in enumerate(rows):
        params = row.params if row.built else "0 (unused)"
        fields = [f"{row.name} ({row.class_name})", shape_text(row), params]
        if model.sequential_like:
            row_lines = [_row(fields, positions)]
        else:
            links = [f"{layer}[{node}][{tensor}]" for layer, node, tensor in row.connected_to]
            row_lines = [_row(fields + [links[0] if links else ""], positions)]
            row_lines += [_row(["", "", "", link], positions) for link in links[1:]]
        lines += right_of(row_lines, [column.cell(row) for column in extra], extra)
        lines.append(("=" if i == len(rows) - 1 else "_") * rule)
    lines += [
        f"Total params: {model.trainable_params + model.non_trainable_params:,}",
        f"Trainable params: {model.trainable_params:,}",
        f"Non-trainable params: {model.non_trainable_params:,}",
        *(f"{label}: {value}" for label, value in footer_lines(model)),
        "_" * rule,
    ]
    return lines


def print_summary(model: ModelSummary, line_length: Optional[int] = None, positions=None,
                  print_fn: Optional[Callable] = None, show_trainable: bool = False) -> None:
    """Print line by line, through ``print_fn`` (default ``print``) as Keras 2 did.

    ``show_trainable`` did not exist in Keras 2.0–2.8 and is ignored.
    """
    print_fn = print_fn or print
    for line in summary_lines(model, line_length, positions):
        print_fn(line)


def render_text(model: ModelSummary, line_length: Optional[int] = None, positions=None) -> str:
    return "\n".join(summary_lines(model, line_length, positions)) + "\n"
