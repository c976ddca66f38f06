"""The pieces a layer uses to explain its figures.

A layer computes a figure and its explanation from the same numbers: the
helpers here return a :class:`Derived` (value *and* formula), so the shape a
layer reports and the formula it prints can never disagree. Words are given
in English and Chinese side by side (:class:`Text`); formulas are plain math
and need no translation.
"""

from __future__ import annotations

from typing import Optional, Union

from .records import field, record


@record(frozen=True)
class Text:
    """One phrase in each language nncalc speaks."""

    en: str
    zh: str

    def __call__(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


Label = Union[Text, str]
# A derived figure: a count or a size (None: unknown), a shape, several shapes, or words.
Figure = Union[int, float, tuple, list, str, None]


def say(label: Optional[Label], lang: str) -> str:
    """A label in ``lang`` (plain strings, such as weight names, are the same in both)."""
    if label is None:
        return ""
    return label(lang) if isinstance(label, Text) else label


@record(frozen=True)
class Step:
    """One derived figure: ``label: formula = value`` plus, optionally, the rule in words."""

    topic: str  # "params" | "weight" | "shape" | "macs" | "flops" | "cost_term" | "cost" | ...
    label: Label
    formula: Label  # plain math, or a Text when it has words (``128 × 128 output positions``)
    value: Figure
    rule: Optional[Label] = None


@record(frozen=True)
class Derived:
    """A number together with the formula that produced it."""

    value: Optional[int]
    formula: str


def num(n) -> str:
    """``401920`` -> ``401,920``; ``None`` stays ``None``."""
    return "None" if n is None else f"{n:,}"


def shape_text(shape) -> str:
    """``(None, 28, 28)`` as Keras prints a shape."""
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


SAME_SHAPE = Text("same as the input", "与输入相同")
OUTPUT_SHAPE = Text("output shape", "输出形状")
PARAMS = Text("params", "参数")
NO_PARAMS = Text("no weights", "无参数")


def identity_shape_steps(input_shape) -> list[Step]:
    """Explanation for a layer whose output shape is its input shape."""
    return [Step("shape", OUTPUT_SHAPE, shape_text(input_shape), tuple(input_shape), SAME_SHAPE)]


@record
class Explanation:
    """Everything nncalc can say about one summary row."""

    params: list[Step] = field(default_factory=list)
    shape: list[Step] = field(default_factory=list)
    memory: list[Step] = field(default_factory=list)  # with --memory: the row's activation bytes
