"""Explanations: every figure of every row, derived with its numbers, in English or Chinese.

Each line is ``label: formula = value`` followed by the rule in words; the
numbers come from the layer's own computation (see :mod:`nncalc.core.explain`).
"""

from __future__ import annotations

from ..core.explain import Explanation, Step, Text, num, say, shape_text
from ..summary import ModelSummary, Summary

HEADINGS = {
    "model": Text('Explanations for model "{name}"', '模型 "{name}" 的计算过程'),
    "params": Text("Params", "参数"),
    "shape": Text("Output shape", "输出形状"),
    "totals": Text(
        "Total params: {total} = trainable {trainable} + non-trainable {non_trainable}",
        "参数总数：{total} = 可训练参数 {trainable} + 不可训练参数 {non_trainable}",
    ),
    "unbuilt": Text("not built yet: no weights", "尚未构建：没有权重"),
    "never_called": Text("never called: output shape unknown", "从未被调用：输出形状未知"),
}


def value_text(value) -> str:
    """An int with thousands separators, a shape as Keras prints it."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return num(value)
    if isinstance(value, tuple):
        return shape_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    return str(value)


def step_line(step: Step, lang: str) -> str:
    """``label: formula = value  (rule)``; the ``= value`` is dropped when the formula is the value."""
    value = value_text(step.value)
    formula = say(step.formula, lang)
    text = f"{say(step.label, lang)}: {formula}"
    if step.value is None and step.topic == "cost":
        pass  # an unknown cost: the rule says why
    elif formula != value and not formula.endswith(f"→ {value}"):
        text += f" = {value}"
    if step.rule is not None:
        text += f"  ({say(step.rule, lang)})"
    return text


def step_dict(step: Step, lang: str) -> dict:
    """One step as JSON data."""
    value = step.value
    if isinstance(value, tuple):
        value = list(value)
    elif isinstance(value, list):
        value = [list(v) if isinstance(v, tuple) else v for v in value]
    return {
        "topic": step.topic,
        "label": say(step.label, lang),
        "formula": say(step.formula, lang),
        "value": value,
        "rule": say(step.rule, lang) if step.rule is not None else None,
    }


def explanation_dict(explanation: Explanation, lang: str) -> dict:
    """``{"params": [steps], "output_shape": [steps]}`` for the JSON schema."""
    data = {
        "params": [step_dict(s, lang) for s in explanation.params],
        "output_shape": [step_dict(s, lang) for s in explanation.shape],
    }
    if explanation.memory:
        data["memory"] = [step_dict(s, lang) for s in explanation.memory]
    return data


def explanation_lines(row, lang: str = "en") -> list[str]:
    """How one row's figures are derived, one line each (weights and axes indented)."""
    lines = []
    if not row.built:
        lines.append(f"{HEADINGS['params'](lang)}: {HEADINGS['unbuilt'](lang)}")
    for step in row.explanation.params:
        lines.append(("  " if step.topic == "weight" else "") + step_line(step, lang))
    if row.output_shape is None:
        lines.append(f"{HEADINGS['shape'](lang)}: {HEADINGS['never_called'](lang)}")
    for i, step in enumerate(row.explanation.shape):
        lines.append(("  " if i else "") + step_line(step, lang))
    if row.cost is not None:
        for step in row.cost.steps():
            lines.append(("  " if step.topic == "cost_term" else "") + step_line(step, lang))
    for step in row.explanation.memory:
        lines.append(step_line(step, lang))
    if row.receptive_field is not None:
        from ..analysis.receptive_field import receptive_field_steps

        for i, step in enumerate(receptive_field_steps(row.receptive_field)):
            lines.append(("  " if i else "") + step_line(step, lang))
    return lines


def render_model(model: ModelSummary, lang: str = "en") -> str:
    lines = [HEADINGS["model"](lang).format(name=model.name), ""]
    for row in model.rows:
        indent = "   " * row.depth
        lines.append(f"{indent}{row.name} ({row.class_name})")
        lines.extend(f"{indent}  {line}" for line in explanation_lines(row, lang))
        lines.append("")
    lines.append(HEADINGS["totals"](lang).format(
        total=num(model.total_params), trainable=num(model.trainable_params),
        non_trainable=num(model.non_trainable_params)))
    from .extras import footer_lines

    lines.extend(f"{label}: {value}" for label, value in footer_lines(model, lang))
    return "\n".join(lines) + "\n"


def render(summary: Summary, lang: str = "en") -> str:
    """Explanations of every model, separated by a blank line."""
    return "\n" + "\n".join(render_model(m, lang) for m in summary.models)
