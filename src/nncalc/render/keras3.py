"""Keras 3's ``model.summary()`` text, drawn with rich exactly as Keras draws it.

Column widths: the default line length is 88 (sequential-like) or 108 (with
"Connected to"), plus 12 with ``show_trainable``, capped at the terminal width
minus 4 (76 when piped); ``positions`` are fractions of the line length. The
footer's sizes are weight bytes on a 1024 base.
"""

from __future__ import annotations

import shutil
from typing import Callable, Optional

from ..summary import ModelSummary


def highlight_number(x) -> str:
    return f"[color(45)]{x}[/]" if x is None else f"[color(34)]{x}[/]"


def highlight_symbol(x) -> str:
    return f"[color(33)]{x}[/]"


def bold_text(x, color=None) -> str:
    return f"[bold][color({color})]{x}[/][/]" if color else f"[bold]{x}[/]"


def readable_memory_size(size: float, smallest_unit: str = "B") -> str:
    """Bytes -> ``'2.16 MB'`` (1024 base, two decimals); tf_keras calls bytes ``Byte``."""
    units = [smallest_unit, "KB", "MB", "GB", "TB", "PB"]
    for unit in units:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} {units[-1]}"


def format_shape_markup(shape) -> str:
    """``(None, 784)`` (or ``[(None, 3), (None, 4)]`` for several outputs) with colours."""
    if shape is None:
        return "?"

    def one(s):
        return "(" + ", ".join(highlight_number(d) for d in s) + ")"

    if isinstance(shape, tuple):
        return one(shape)
    return str([one(s) for s in shape]).replace("'", "")


def _column_layout(summary: ModelSummary, line_length, positions, show_trainable):
    if summary.sequential_like:
        default_length = 88
        positions = positions or [0.45, 0.80, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
        alignment = ["left", "left", "right"]
    else:
        default_length = 108
        positions = positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        alignment = ["left", "left", "right", "left"]
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        alignment.append("center")
    default_length = min(default_length, shutil.get_terminal_size().columns - 4)
    line_length = line_length or default_length
    widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    return line_length, header, alignment, widths


def _drawn_widths(columns, line_length) -> list[int]:
    """The content width rich gives each column of Keras' table (it fits them to the line)."""
    import rich.console
    import rich.table

    console = rich.console.Console(width=line_length + 8, force_terminal=False, color_system=None)
    with console.capture() as capture:
        console.print(rich.table.Table(*[rich.table.Column(c.header, width=c.width) for c in columns],
                                       width=line_length, show_lines=True))
    top = capture.get().splitlines()[0]
    return [len(segment) - 2 for segment in top[1:-1].split("┳")]


def _row_fields(row, sequential_like: bool, show_trainable: bool) -> list[str]:
    from rich.markup import escape

    prefix = "   " * row.depth + "└ " if row.depth else ""
    name = escape(f"{prefix}{row.name}") + f" ({highlight_symbol(escape(row.class_name))})"
    if not row.built:
        params = f"{highlight_number(0)} (unbuilt)"
    else:
        params = highlight_number(f"{row.params:,}")
    fields = [name, format_shape_markup(row.output_shape), params]
    if not sequential_like:
        links = ", ".join(
            f"{layer}[{highlight_number(node)}][{highlight_number(tensor)}]"
            for layer, node, tensor in row.connected_to
        )
        fields.append(links or "-")
    if show_trainable:
        if not row.has_weights:
            fields.append(bold_text("-"))
        else:
            fields.append(bold_text("Y", color=34) if row.trainable else bold_text("N", color=9))
    return fields


def _draw(console, summary: ModelSummary, line_length, positions, show_trainable) -> None:
    import rich.table
    from rich.markup import escape

    from .extras import extra_columns, footer_lines

    extra = extra_columns(summary)
    line_length, header, alignment, widths = _column_layout(
        summary, line_length, positions, show_trainable
    )
    columns = [
        rich.table.Column(name, justify=alignment[i], width=widths[i]) for i, name in enumerate(header)
    ]
    if extra:
        # Keep Keras' columns exactly as wide as Keras draws them, then append nncalc's.
        drawn = _drawn_widths(columns, line_length)
        columns = [rich.table.Column(name, justify=alignment[i], width=drawn[i])
                   for i, name in enumerate(header)]
        columns += [rich.table.Column(c.header, justify=c.justify, width=c.width) for c in extra]
        line_length = sum(drawn) + sum(c.width for c in extra) + 3 * len(columns) + 1
        console.width = max(console.width, line_length)
    table = rich.table.Table(*columns, width=line_length, show_lines=True)
    for row in summary.rows:
        fields = _row_fields(row, summary.sequential_like, show_trainable)
        table.add_row(*fields, *(escape(column.cell(row)) for column in extra))
    console.print(bold_text(f'Model: "{escape(summary.name)}"'))
    console.print(table)
    totals = [
        (" Total params: ", summary.total_params, summary.total_bytes),
        (" Trainable params: ", summary.trainable_params, summary.trainable_bytes),
        (" Non-trainable params: ", summary.non_trainable_params, summary.non_trainable_bytes),
    ]
    if summary.optimizer_params is not None:
        totals.append((" Optimizer params: ", summary.optimizer_params, summary.optimizer_bytes))
    for label, count, size in totals:
        console.print(bold_text(label) + highlight_number(f"{count:,}") + f" ({readable_memory_size(size)})")
    for label, value in footer_lines(summary):
        console.print(bold_text(escape(f" {label}: ")) + escape(value), soft_wrap=True)


def print_summary(summary: ModelSummary, line_length: Optional[int] = None, positions=None,
                  print_fn: Optional[Callable] = None, show_trainable: bool = False) -> None:
    """Print like Keras: straight to stdout, or as one captured string to ``print_fn``."""
    import rich.console

    if print_fn:
        console = rich.console.Console(highlight=False, force_terminal=False, color_system=None)
        console.begin_capture()
        _draw(console, summary, line_length, positions, show_trainable)
        print_fn(console.end_capture())
    else:
        console = rich.console.Console(highlight=False)
        _draw(console, summary, line_length, positions, show_trainable)


def render_text(summary: ModelSummary, line_length: Optional[int] = None, positions=None,
                show_trainable: bool = False) -> str:
    """The summary as plain text (no colours), as ``print_fn`` would receive it."""
    captured: list[str] = []
    print_summary(summary, line_length, positions, captured.append, show_trainable)
    return captured[0]
