"""Keras 3's summary table as plain text, drawn without rich but exactly as rich draws it.

Keras 3 prints its summary through ``rich``; when rich writes no colour (output captured
with ``print_fn``, or stdout not a terminal), its output is plain text that follows a few
fixed rules, re-done here in a few hundred microseconds per hundred rows instead of rich's
milliseconds (``tests/render/test_text_table.py`` checks byte-identity with rich):

* **Column widths** (``rich.table.Table._calculate_column_widths``; every column of
  Keras' table has a fixed width ``w``): each column wants ``w + 2`` cells (one space of
  padding each side, capped at the room left); the room is the table width minus its
  borders (``len(columns) + 1``); when the wants exceed the room, the excess ``e`` is
  taken from the columns in turn, column ``i`` of ``n`` giving
  ``round((e - given so far) / (n - i))`` (``rich._ratio.ratio_reduce``); when they fall
  short, the rest is shared out the same way, rounding up (``ratio_distribute``).
* **Cells** (``rich.text.Text.wrap``): a cell's text is cut into words (a run of spaces, a
  run of non-spaces, the spaces after it); a word that does not fit on the current line
  starts a new one; a word longer than a whole line stays whole and is cut to
  ``width - 1`` characters plus ``…`` (overflow "ellipsis"). Lines are then justified
  (left: padded; right and center: trailing spaces dropped first). The header row is
  aligned to the bottom of its row, other rows to the top.
* **Lines outside the table** (``Model: "…"`` and the totals) are wrapped the same way at
  the console's width, but a word longer than the line is folded (cut every ``width``
  characters) instead of being ellipsized; footer lines printed with ``soft_wrap`` are
  never wrapped. Every other line is cropped to the console's width.
* **Console width** (``rich.console.Console.size``): ``$COLUMNS`` if it is a number, else
  the size of the first terminal among stdin, stdout and stderr, else 80.

Only text whose every character is one cell wide is drawn here: printable ASCII and
U+00A0..U+02FF (Latin letters, ``×``...). Text rich would treat differently (wide or
zero-width characters, control characters, markup left unescaped, ``:emoji:`` codes) makes
:func:`safe` false, and the caller then lets rich draw.
"""

from __future__ import annotations

import math
import os
import re
import sys
from typing import Optional

_WORD = r"\s*\S+\s*"  # patterns compiled on first use (by re's cache), not at import
_TRAILING_SPACE = r"\s+$"
_EMOJI_CODE = r":\S*:"  # what rich's emoji replacement could touch
_WIDE_SAFE = frozenset(chr(c) for c in range(0xA0, 0x300) if c != 0xAD)  # one cell each in rich


def safe(text: str) -> bool:
    """True when every character of ``text`` is one cell wide and printable (see above),
    and no ``:code:`` could turn into an emoji."""
    if not (text.isascii() and text.isprintable()):
        if not all(c in _WIDE_SAFE or (c.isascii() and c.isprintable()) for c in text):
            return False
    return ":" not in text or re.search(_EMOJI_CODE, text) is None


def console_width(to_stdout: bool) -> Optional[int]:
    """The width rich's ``Console`` would use when it writes no colour; None when it would
    write colour (stdout a terminal, ``FORCE_COLOR``/``TTY_COMPATIBLE=1``), or when rich is
    in a setting this module does not reproduce (Jupyter, IDLE, Windows, non-UTF-8 output).

    ``to_stdout``: True when the console writes to stdout itself (Keras without
    ``print_fn``); False when its output is captured (with ``print_fn``, never coloured).
    """
    environ = os.environ
    if os.name == "nt" or environ.get("DATABRICKS_RUNTIME_VERSION"):
        return None
    import builtins

    if hasattr(builtins, "get_ipython") or getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return None
    if not (getattr(sys.stdout, "encoding", None) or "utf-8").lower().startswith("utf"):
        return None
    if to_stdout:
        tty_compatible = environ.get("TTY_COMPATIBLE", "")
        if tty_compatible == "1":
            return None
        if tty_compatible != "0":
            force_color = environ.get("FORCE_COLOR")
            if force_color is not None:
                if force_color != "":
                    return None
            else:
                try:
                    if sys.stdout.isatty():
                        return None
                except (AttributeError, ValueError):
                    pass
    columns = environ.get("COLUMNS")
    width: Optional[int]
    if columns is not None and columns.isdigit():
        width = int(columns)
    else:
        width = None
        for fd in (0, 1, 2):
            try:
                width = os.get_terminal_size(fd).columns
            except (AttributeError, ValueError, OSError):
                continue
            break
        width = width or 80
    return width if width >= 1 else None


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """``rich._ratio.ratio_reduce``: take ``total`` from ``values`` in proportion to ``ratios``."""
    ratios = [ratio if maximum else 0 for ratio, maximum in zip(ratios, maximums)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining, result = total, []
    for ratio, maximum, value in zip(ratios, maximums, values):
        if ratio and total_ratio > 0:
            given = min(maximum, round(ratio * remaining / total_ratio))
            result.append(value - given)
            remaining -= given
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _ratio_distribute(total: int, ratios: list[int]) -> list[int]:
    """``rich._ratio.ratio_distribute`` without minimums: share ``total`` by ``ratios``, rounding up."""
    total_ratio, remaining, result = sum(ratios), total, []
    for ratio in ratios:
        given = math.ceil(ratio * remaining / total_ratio) if total_ratio > 0 else remaining
        result.append(given)
        total_ratio -= ratio
        remaining -= given
    return result


def column_widths(widths: list[int], table_width: int) -> Optional[list[int]]:
    """Drawn widths (padding included, borders not) of fixed-width columns in a table of
    ``table_width`` cells, as rich computes them; None where rich would draw nothing sane."""
    room = table_width - (len(widths) + 1)
    if room < 1 or not widths:
        return None
    drawn = [min(w + 2, room) for w in widths]
    total = sum(drawn)
    if total > room:
        drawn = _ratio_reduce(total - room, [1] * len(drawn), drawn, drawn)
        total = sum(drawn)
        drawn = [0 if d < 1 else min(w + 2, d) for w, d in zip(widths, drawn)]
    if total < room and sum(drawn) > 0:
        drawn = [d + extra for d, extra in zip(drawn, _ratio_distribute(room - total, drawn))]
    if any(d < 3 for d in drawn):
        return None  # no room for a character between the paddings: leave it to rich
    return drawn


def _divide(text: str, width: int, fold: bool) -> list[str]:
    """``rich._wrap.divide_line`` then ``Text.divide`` and ``rstrip_end``: the lines of ``text``."""
    breaks, offset, length = [], 0, len
    for match in re.finditer(_WORD, text):  # (the words are contiguous: each takes its spaces)
        start = match.start()
        word = match.group(0)
        word_length = length(word.rstrip())
        if width - offset >= word_length:
            offset += length(word)
        elif word_length > width:
            if fold:
                pieces = [word[i:i + width] for i in range(0, length(word), width)]
                for i, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if i == length(pieces) - 1:
                        offset = length(piece)
                    else:
                        start += length(piece)
            else:
                if start:
                    breaks.append(start)
                offset = length(word)
        elif offset and start:
            breaks.append(start)
            offset = length(word)
    if not breaks:
        lines = [text]
    else:
        bounds = [0, *breaks, length(text)]
        lines = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    for i, line in enumerate(lines):
        if length(line) > width:
            space = re.search(_TRAILING_SPACE, line)
            if space is not None:
                lines[i] = line[:length(line) - min(length(space.group(0)), length(line) - width)]
    return lines


def _truncate(line: str, width: int, ellipsis: bool) -> str:
    if len(line) > width:
        return line[:max(width - 1, 0)] + "…" if ellipsis else line[:width]
    return line


def wrap(text: str, width: int, justify: str = "default", ellipsis: bool = False) -> list[str]:
    """``rich.text.Text.wrap`` of one line of safe text: its lines, each justified to ``width``
    ("left", "right", "center"; "default" leaves them as they are)."""
    if len(text) <= width:  # the common case: one line, nothing to break
        lines = [text]
    else:
        lines = _divide(text, width, fold=not ellipsis)
    out = []
    for line in lines:
        if justify == "left":
            line = _truncate(line, width, ellipsis)
            line += " " * (width - len(line))
        elif justify == "right":
            line = _truncate(line.rstrip(), width, ellipsis)
            line = " " * (width - len(line)) + line
        elif justify == "center":
            line = _truncate(line.rstrip(), width, ellipsis)
            left = (width - len(line)) // 2
            line = " " * left + line + " " * (width - len(line) - left)
        else:
            line = _truncate(line, width, ellipsis)
        out.append(line)
    return out


def paragraph(text: str, console_width: int) -> str:
    """``console.print(text)`` of safe text: wrapped at the console's width, lines folded."""
    return "".join(line + "\n" for line in wrap(text, console_width))


def table(header: list[str], justify: list[str], drawn: list[int], rows, console_width: int) -> str:
    """rich's ``Table(show_lines=True)`` (box HEAVY_HEAD, padding 1, every column of fixed
    width) of safe cells, each line cropped to the console's width; ``drawn`` comes from
    :func:`column_widths`. ``rows`` is an iterable of lists of cell texts."""
    inner = [d - 2 for d in drawn]
    out: list[str] = []
    crop = console_width

    def rule(left, fill, cross, right):
        return (left + cross.join(fill * d for d in drawn) + right)[:crop] + "\n"

    def blank(i):
        return " " * inner[i]

    columns = list(zip(inner, justify))

    def emit(cells, edge, header_row):
        # The common case first: every cell fits on one line (see wrap()).
        parts = []
        for (width, how), text in zip(columns, cells):
            if len(text) > width:
                break
            if how == "left":
                parts.append(text.ljust(width))
            elif how == "right":
                parts.append(text.rstrip().rjust(width))
            else:
                text = text.rstrip()
                left = (width - len(text)) // 2
                parts.append(" " * left + text + " " * (width - len(text) - left))
        else:
            out.append((edge + " " + " {} ".format(edge).join(parts) + " " + edge)[:crop] + "\n")
            return
        cell_lines = [wrap(text, inner[i], justify[i], ellipsis=True) for i, text in enumerate(cells)]
        height = max(len(lines) for lines in cell_lines)
        for i, lines in enumerate(cell_lines):
            missing = [blank(i)] * (height - len(lines))
            cell_lines[i] = missing + lines if header_row else lines + missing
        for n in range(height):
            line = edge + edge.join(" " + lines[n] + " " for lines in cell_lines) + edge
            out.append(line[:crop] + "\n")

    out.append(rule("┏", "━", "┳", "┓"))
    emit(header, "┃", True)
    out.append(rule("┡", "━", "╇", "┩"))
    separator = None
    for cells in rows:
        if separator is None:
            separator = rule("├", "─", "┼", "┤")
        else:
            out.append(separator)
        emit(cells, "│", False)
    out.append(rule("└", "─", "┴", "┘"))
    return "".join(out)
