"""Keras 3's ``model.summary()`` text, exactly as Keras draws it with rich.

Uncoloured output (captured, or stdout not a terminal) is drawn by
:mod:`nncalc.render.text_table`, which reproduces rich's layout byte for byte without
importing rich; coloured output (and the rare text that writer leaves to rich) is drawn by
rich itself, with Keras' own markup.

Column widths: the default line length is 88 (sequential-like) or 108 (with
"Connected to"), plus 12 with ``show_trainable``, capped at the terminal width
minus 4 (76 when piped); ``positions`` are fractions of the line length. The
footer's sizes are weight bytes on a 1024 base.
"""

from __future__ import annotations

import os
import sys
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
    """:func:`format_shape` with Keras' colours on the numbers."""
    return format_shape(shape, highlight_number)


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns`` (what Keras asks), without importing shutil:
    ``$COLUMNS`` if a positive integer, else the width of the terminal on stdout, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]  # (None: AttributeError)
        except (AttributeError, ValueError, OSError):
            columns = 80
        columns = columns or 80
    return columns


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
    default_length = min(default_length, terminal_columns() - 4)
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


def _plain_fields(row, sequential_like: bool, show_trainable: bool) -> list[str]:
    """The same cells as :func:`_row_fields`, as the text rich shows for them (no markup)."""
    prefix = "   " * row.depth + "└ " if row.depth else ""
    fields = [f"{prefix}{row.name} ({row.class_name})", format_shape(row.output_shape),
              "0 (unbuilt)" if not row.built else f"{row.params:,}"]
    if not sequential_like:
        fields.append(", ".join(f"{layer}[{node}][{tensor}]" for layer, node, tensor in row.connected_to)
                      or "-")
    if show_trainable:
        fields.append("-" if not row.has_weights else ("Y" if row.trainable else "N"))
    return fields


def format_shape(shape, number=str) -> str:
    """``(None, 784)`` (or ``[(None, 3), (None, 4)]`` for several outputs); ``?`` if unknown.

    ``number`` writes each dimension (``str``; :func:`format_shape_markup` colours them).
    """
    if shape is None:
        return "?"

    def one(s):
        return "(" + ", ".join(number(d) for d in s) + ")"

    if isinstance(shape, tuple):
        return one(shape)
    return str([one(s) for s in shape]).replace("'", "")


def _plain_text(summary: ModelSummary, width: int, line_length, positions, show_trainable) -> Optional[str]:
    """The whole summary as rich prints it uncoloured on a console ``width`` cells wide
    (:mod:`nncalc.render.text_table`); None when some text needs rich itself."""
    from . import text_table as tt

    if summary.analysis is not None:
        from .extras import extra_columns, footer_lines

        extra, footers = extra_columns(summary), footer_lines(summary)
    else:
        extra, footers = [], []
    line_length, header, alignment, widths = _column_layout(summary, line_length, positions, show_trainable)
    drawn = tt.column_widths(widths, line_length)
    if drawn is None:
        return None
    if extra:
        # Keep Keras' columns exactly as wide as Keras draws them, then append nncalc's.
        widths = [d - 2 for d in drawn] + [c.width for c in extra]
        header = header + [c.header for c in extra]
        alignment = alignment + [c.justify for c in extra]
        line_length = sum(widths) + 3 * len(widths) + 1
        width = max(width, line_length)
        drawn = tt.column_widths(widths, line_length)
        if drawn is None:
            return None
    sequential_like = summary.sequential_like
    rows = []
    for row in summary.rows:
        cells = _plain_fields(row, sequential_like, show_trainable)
        cells += [column.cell(row) for column in extra]
        if not all(tt.safe(cell) for cell in cells):
            return None
        # Brackets and backslashes go through rich's markup (escaped, or in "Connected to"
        # not even that): leave them to rich.
        names = [cells[0], *cells[len(cells) - len(extra):]] if extra else [cells[0]]
        if not sequential_like:
            names += [name for name, _, _ in row.connected_to]
        if any("[" in text or "\\" in text for text in names):
            return None
        rows.append(cells)
    title = f'Model: "{summary.name}"'
    totals = [
        (" Total params: ", summary.total_params, summary.total_bytes),
        (" Trainable params: ", summary.trainable_params, summary.trainable_bytes),
        (" Non-trainable params: ", summary.non_trainable_params, summary.non_trainable_bytes),
    ]
    if summary.optimizer_params is not None:
        totals.append((" Optimizer params: ", summary.optimizer_params, summary.optimizer_bytes))
    total_lines = [f"{label}{count:,} ({readable_memory_size(size)})" for label, count, size in totals]
    footer_texts = [f" {label}: {value}" for label, value in footers]
    if not all(tt.safe(text) and "[" not in text and "\\" not in text for text in [title, *footer_texts]):
        return None
    parts = [tt.paragraph(title, width), tt.table(header, alignment, drawn, rows, width)]
    parts += [tt.paragraph(text, width) for text in total_lines]
    parts += [text + "\n" for text in footer_texts]
    return "".join(parts)


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
                  print_fn: Optional[Callable] = None, show_trainable: bool = False,
                  use_rich: bool = False) -> None:
    """Print like Keras: straight to stdout, or as one captured string to ``print_fn``.

    Without colours (captured, or stdout not a terminal) the text is drawn by
    :func:`_plain_text`, byte for byte what rich draws; rich itself draws coloured output,
    the rare text :mod:`~nncalc.render.text_table` leaves to it, and all of it with
    ``use_rich`` (what the tests compare against).
    """
    if not use_rich:
        width = text_table_console_width(to_stdout=print_fn is None)
        text = None if width is None else _plain_text(summary, width, line_length, positions,
                                                       show_trainable)
        if text is not None:
            if print_fn:
                print_fn(text)
            else:
                sys.stdout.write(text)
                sys.stdout.flush()
            return
    import rich.console

    if print_fn:
        console = rich.console.Console(highlight=False, force_terminal=False, color_system=None)
        console.begin_capture()
        _draw(console, summary, line_length, positions, show_trainable)
        print_fn(console.end_capture())
    else:
        console = rich.console.Console(highlight=False)
        _draw(console, summary, line_length, positions, show_trainable)


def text_table_console_width(to_stdout: bool) -> Optional[int]:
    from .text_table import console_width

    return console_width(to_stdout)


def render_text(summary: ModelSummary, line_length: Optional[int] = None, positions=None,
                show_trainable: bool = False, use_rich: bool = False) -> str:
    """The summary as plain text (no colours), as ``print_fn`` would receive it."""
    captured: list[str] = []
    print_summary(summary, line_length, positions, captured.append, show_trainable, use_rich)
    return captured[0]
