"""nncalc's own columns and footer lines (FLOPs, memory, receptive field) for text tables.

Keras' columns are drawn exactly as Keras draws them; these columns go to their
right and these lines below Keras' totals, only when they were asked for
(``--flops``, ``--memory``, ``--receptive-field``). Figures are per sample unless
a line names a batch size; ``?`` marks a figure that is unknown (``--explain`` says why).
"""

from __future__ import annotations

from ..core.records import record
from typing import Callable, Literal, Optional

from ..summary import LayerRow, ModelSummary


def si(n: Optional[float]) -> str:
    """``3855925248`` -> ``3.86 G`` (1000 base, as FLOPs are usually quoted)."""
    if n is None:
        return "?"
    for unit in ("", " K", " M", " G", " T", " P"):
        if abs(n) < 1000:
            return f"{n:.2f}{unit}" if unit else f"{n:g}"
        n /= 1000
    return f"{n:.2f} E"


def count(n: Optional[int]) -> str:
    return "?" if n is None else f"{n:,}"


def memory(n: Optional[float]) -> str:
    """Bytes -> ``'2.16 MB'`` as Keras writes them, but right beyond 1024 PB (EB, ZB, YB).

    (Keras' own ``readable_memory_size`` divides once too often past its last unit, so its
    totals line says ``16.00 PB`` for 16 EB; Keras' lines keep that, nncalc's figures do not.)
    """
    if n is None:
        return "?"
    units = ["B", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    for unit in units[:-1]:
        if n / 1024 < 1:
            return f"{n:.2f} {unit}"
        n /= 1024
    return f"{n:.2f} {units[-1]}"


@record(frozen=True)
class Column:
    header: str
    width: int
    cell: Callable[[LayerRow], str]
    justify: Literal["left", "right"] = "right"


def _rf_cell(row: LayerRow) -> str:
    """``11×11 /4 @5``: sizes, jump and start per spatial axis (see nncalc.analysis.receptive_field);
    ``global``, ``stopped`` (after Flatten ...), ``?`` (not followed), ``-`` (no field yet)."""
    rf = row.receptive_field
    if rf is None:
        return "-"
    return str(rf)


def extra_columns(summary: ModelSummary) -> list[Column]:
    """The columns asked for, in a fixed order: MACs, FLOPs, activations, receptive field."""
    analysis = summary.analysis
    if analysis is None:
        return []
    options = analysis.options
    columns = []
    if options.flops:
        columns.append(Column("MACs", 17, lambda r: count(r.cost.macs) if r.cost is not None else "?"))
        columns.append(Column("FLOPs", 17, lambda r: count(r.cost.flops) if r.cost is not None else "?"))
    if options.memory:
        columns.append(Column("Activations", 14, lambda r: memory(r.activation_bytes)))
    if options.receptive_field:
        columns.append(Column("Receptive field", 24, _rf_cell, "left"))
    return columns


def right_of(lines: list[str], cells: list[str], columns: list[Column]) -> list[str]:
    """Keras 2 table lines with nncalc's cells (``cells``, one per column) to their right, on the
    first line (the others, when a row wraps, get blanks): one space, then each cell in its width."""
    def pad(cell, column):
        cell = cell[:column.width]
        return cell.rjust(column.width) if column.justify == "right" else cell.ljust(column.width)

    first = "".join(" " + pad(cell, column) for cell, column in zip(cells, columns))
    return [line + (first if i == 0 else " " * len(first)) for i, line in enumerate(lines)]


def extra_width(columns: list[Column]) -> int:
    """Characters :func:`right_of` adds to each line."""
    return sum(1 + column.width for column in columns)


def footer_lines(summary: ModelSummary, lang: str = "en") -> list[tuple[str, str]]:
    """(label, value) lines after Keras' totals, in English or Chinese."""
    analysis = summary.analysis
    if analysis is None:
        return []

    def t(en, zh):
        return zh if lang == "zh" else en

    lines = []
    if analysis.cost is not None:
        c = analysis.cost
        if c.macs is None:
            reason = c.why_unknown()
            assert reason is not None  # (unknown figures have their reason)
            lines.append((t("Total MACs", "乘加总数 MACs"), t(reason.en, reason.zh)))
            lines.append((t("Total FLOPs", "浮点运算总数 FLOPs"), t("unknown", "未知")))
        else:
            per = t("per sample", "每个样本")
            lines.append((t("Total MACs", "乘加总数 MACs"), f"{c.macs:,} ({si(c.macs)}) {per}"))
            if analysis.options.flops_convention == "tf":
                by_op = " + ".join(f"{op} {v:,}" for op, v in (getattr(c, "by_op", None) or {}).items())
                lines.append((t("Total FLOPs (TensorFlow profiler, batch 1)", "浮点运算总数 FLOPs（TensorFlow 分析器，批大小 1）"),
                              f"{c.flops:,} ({si(c.flops)})" + (f" = {by_op}" if by_op else "")
                              if c.flops is not None else t("unknown", "未知")))
            else:
                lines.append((t("Total FLOPs", "浮点运算总数 FLOPs"), f"{c.flops:,} ({si(c.flops)}) {per}"))
    m = analysis.memory
    if m is not None:
        dtypes = ", ".join(f"{dt} {n:,} ({memory(b)})" for dt, (n, b) in m.weights_by_dtype.items())
        lines.append((t("Weights", "权重"), f"{memory(m.weight_bytes)}" + (f" ({dtypes})" if dtypes else "")))
        if m.unknown is not None:
            lines.append((t("Activations", "激活值"), t(f"unknown ({m.unknown.en})", f"未知（{m.unknown.zh}）")))
        else:
            assert m.peak_inference_bytes is not None  # (activation figures are known)
            lines.append((t("Activations per sample", "每个样本的激活值"),
                          t(f"{memory(m.activation_bytes)} (all layer outputs), "
                            f"{memory(m.peak_inference_bytes)} at the inference peak",
                            f"{memory(m.activation_bytes)}（所有层的输出），推理峰值 {memory(m.peak_inference_bytes)}")))
            lines.append((t(f"Inference memory (batch {m.batch_size})", f"推理内存（批大小 {m.batch_size}）"),
                          t(f"weights {memory(m.weight_bytes)} + peak activations "
                            f"{memory(m.peak_inference_bytes * m.batch_size)} = {memory(m.inference_bytes)}",
                            f"权重 {memory(m.weight_bytes)} + 激活峰值 "
                            f"{memory(m.peak_inference_bytes * m.batch_size)} = {memory(m.inference_bytes)}")))
        lines.append((t(f"Training memory (batch {m.batch_size}, {m.optimizer})",
                        f"训练内存（批大小 {m.batch_size}，{m.optimizer}）"),
                      t(f"weights {memory(m.weight_bytes)} + gradients {memory(m.gradient_bytes)} + "
                        f"optimizer {memory(m.optimizer_bytes)} + activations "
                        f"{memory(m.training_activation_bytes)} = {memory(m.training_bytes)}",
                        f"权重 {memory(m.weight_bytes)} + 梯度 {memory(m.gradient_bytes)} + "
                        f"优化器状态 {memory(m.optimizer_bytes)} + 激活值 "
                        f"{memory(m.training_activation_bytes)} = {memory(m.training_bytes)}")))
    return lines
