"""tf.keras 2.x's ``model.summary()`` text (``--style tf_keras``), as tf_keras 2.21 prints it.

This is ``tf_keras/src/utils/layer_utils.py::print_summary`` of tf_keras 2.21.0
(the Keras 2 that TensorFlow 2.16+ uses under ``TF_USE_LEGACY_KERAS=1``),
re-implemented on a :class:`~nncalc.summary.ModelSummary`:

* plain ASCII, one ``print_fn`` call per line (default: ``sys.stdout``);
* line length 65 with positions ``[0.45, 0.85, 1.0]`` for sequential-like
  models, 98 with ``[0.3, 0.6, 0.70, 1.0]`` and a "Connected to" column
  otherwise; positions <= 1 are fractions of the line length, larger ones are
  absolute; ``show_trainable`` adds an 11-wide "Trainable" column;
* each row starts with a space and is followed by a blank line; cells too long
  for their column wrap onto further lines, breaking after ``),`` ``},``
  ``],`` or ``',`` when the cut-off piece contains one;
* output shapes are Python reprs (``(None, 784)``; InputLayers ``[(None, 4)]``;
  ``multiple`` when unknown); "Connected to" is the repr of a list of
  ``'layer[node][tensor]'`` strings; unbuilt layers show ``0 (unused)``;
* nested rows (``expand_nested``) are framed by ``|`` and ``¯`` rules;
* the footer has no thousands separators and byte sizes on a 1024 base with
  the unit ``Byte`` (``Total params: 407050 (1.55 MB)``); there is no
  optimizer line.

Older tf.keras releases (2.0 to 2.8, the one in the seed tutorial) printed
``____`` rules between rows and ``567,434`` without byte sizes: that is
``--style keras2`` (:mod:`nncalc.render.keras2`).  Known gap: tf_keras prints ``multiple`` for a layer whose calls
gave different output shapes; a :class:`~nncalc.summary.LayerRow` only keeps
the last call's shape, which is printed instead.
"""

from __future__ import annotations

import sys
from typing import Callable, Optional

from ..summary import LayerRow, ModelSummary
from .keras3 import readable_memory_size as keras3_memory_size

LINE_BREAKS = ("),", "},", "],", "',")


def readable_memory_size(size: float) -> str:
    """Bytes -> ``'1.55 MB'`` / ``'0.00 Byte'`` (1024 base), as tf_keras writes it."""
    return keras3_memory_size(size, smallest_unit="Byte")


def shape_text(row: LayerRow) -> str:
    """``layer.output_shape`` as tf_keras prints it."""
    shape = row.output_shape
    if shape is None:
        return "multiple"
    if isinstance(shape, tuple):
        return str([shape]) if row.class_name == "InputLayer" else str(shape)
    return str([tuple(s) for s in shape])


def row_fields(row: LayerRow, sequential_like: bool, show_trainable: bool) -> list[str]:
    """The cells of one row, before wrapping."""
    params = f"{row.params}" if row.built else "0 (unused)"
    fields = [f"{row.name} ({row.class_name})", shape_text(row), params]
    if not sequential_like:
        fields.append(str([f"{layer}[{node}][{tensor}]" for layer, node, tensor in row.connected_to]))
    if show_trainable:
        fields.append("Y" if row.trainable else "N")
    return fields


def format_row(fields, positions, nested_level: int = 0) -> list[str]:
    """One table row as lines: each cell cut to its column, overflow wrapped onto more lines."""
    left = [str(x) for x in fields]
    lines = []
    while any(left):
        before = list(left)
        line = ""
        for col in range(len(left)):
            start = positions[col - 1] if col > 0 else 0
            end = positions[col]
            last = col == len(positions) - 1
            space = 0 if last else 2
            cutoff = end - start - space - (0 if last else 1)
            if col == 0:
                cutoff -= nested_level
            fit = left[col][:cutoff]
            breaks = [fit.find(x) + len(x) for x in LINE_BREAKS if fit.find(x) >= 0]
            if breaks:
                cutoff = min(breaks)
                fit = fit[:cutoff]
            if col == 0:
                line += "|" * nested_level + " "
            line += fit + " " * space
            left[col] = left[col][cutoff:]
            if nested_level and last:
                line += " " * (positions[col] - len(line) - nested_level)
            else:
                line += " " * (positions[col] - len(line))
        lines.append(line + "|" * nested_level)
        if left == before:
            raise ValueError("line_length is too small to print the summary.")
    return lines


def _layout(summary: ModelSummary, line_length, positions, show_trainable):
    if summary.sequential_like:
        line_length = line_length or 65
        positions = list(positions or [0.45, 0.85, 1.0])
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = list(positions or [0.3, 0.6, 0.70, 1.0])
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    if show_trainable:
        line_length += 11
        positions.append(line_length)
        header.append("Trainable")
    return line_length, positions, header


def _tree(rows: list[LayerRow]) -> list[tuple[LayerRow, list]]:
    """Rows (with depths) -> nested ``(row, children)`` pairs."""
    root: list = []
    stack = [(-1, root)]
    for row in rows:
        while stack[-1][0] >= row.depth:
            stack.pop()
        node: tuple[LayerRow, list] = (row, [])
        stack[-1][1].append(node)
        stack.append((row.depth, node[1]))
    return root


def summary_lines(summary: ModelSummary, line_length: Optional[int] = None, positions=None,
                  show_trainable: bool = False) -> list[str]:
    """Every line tf_keras would pass to ``print_fn``, without newlines.

    nncalc's own columns (``--flops``, ``--memory``, ``--receptive-field``) go to the right of
    the table, their totals after tf_keras' (:mod:`nncalc.render.extras`).
    """
    from .extras import extra_columns, extra_width, footer_lines, right_of

    extra = extra_columns(summary)
    line_length, positions, header = _layout(summary, line_length, positions, show_trainable)
    lines = [f'Model: "{summary.name}"', "_" * (line_length + extra_width(extra))]
    lines += right_of(format_row(header, positions), [c.header for c in extra], extra)
    lines.append("=" * (line_length + extra_width(extra)))

    def emit(node, level: int, is_nested_last: bool) -> None:
        row, children = node
        lines.extend(right_of(format_row(row_fields(row, summary.sequential_like, show_trainable), positions, level),
                              [column.cell(row) for column in extra], extra))
        if children:
            lines.append("|" * (level + 1) + "¯" * (line_length - 2 * level - 2) + "|" * (level + 1))
            for i, child in enumerate(children):
                emit(child, level + 1, i == len(children) - 1)
            lines.append("|" * level + "¯" * (line_length - 2 * level) + "|" * level)
            is_nested_last = True  # tf_keras reuses the flag: no blank line after a nested block
        if not is_nested_last:
            lines.append("|" * level + " " * (line_length - 2 * level) + "|" * level)

    for node in _tree(summary.rows):
        emit(node, 0, False)
    total_bytes = summary.trainable_bytes + summary.non_trainable_bytes
    lines += [
        "=" * (line_length + extra_width(extra)),
        f"Total params: {summary.trainable_params + summary.non_trainable_params} "
        f"({readable_memory_size(total_bytes)})",
        f"Trainable params: {summary.trainable_params} ({readable_memory_size(summary.trainable_bytes)})",
        f"Non-trainable params: {summary.non_trainable_params} "
        f"({readable_memory_size(summary.non_trainable_bytes)})",
        *(f"{label}: {value}" for label, value in footer_lines(summary)),
        "_" * (line_length + extra_width(extra)),
    ]
    return lines


def _print_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def print_summary(summary: ModelSummary, line_length: Optional[int] = None, positions=None,
                  print_fn: Optional[Callable] = None, show_trainable: bool = False) -> None:
    """Print like tf.keras 2: ``print_fn`` (default: stdout) is called once per line."""
    print_fn = print_fn or _print_line
    for line in summary_lines(summary, line_length, positions, show_trainable):
        print_fn(line)


def render_text(summary, line_length: Optional[int] = None, positions=None,
                show_trainable: bool = False) -> str:
    """The text tf.keras 2 prints for a :class:`ModelSummary` (or every model of a ``Summary``)."""
    models = getattr(summary, "models", [summary])
    return "".join(
        line + "\n"
        for model in models
        for line in summary_lines(model, line_length, positions, show_trainable)
    )
