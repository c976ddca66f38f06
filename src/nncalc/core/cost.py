"""MACs and FLOPs of one layer call, each figure with its formula.

The convention (the README's "FLOPs and MACs" section has the table per layer kind):

* Figures are **per sample** (the batch axis is left out), for one forward pass in
  inference mode (dropout and noise layers do nothing then).
* **MACs** count the multiply-accumulates of a layer's products: dense and einsum
  kernels, every kind of convolution, attention's projections and its QKᵀ and AV
  products, recurrent gates at every time step.
* **FLOPs** = 2 × MACs (a multiply and an add each) + every other floating-point
  operation: one per output element for a bias add, an elementwise activation, a merge
  of two inputs (n - 1 for n inputs), a scale or a shift; softmax costs 3 per element
  (exp, sum, divide); a pooling window of K positions costs K per output element.
  Layers state their own extra terms (see each layer's ``compute_cost``).
* Layout-only layers (reshape, permute, crop, pad, ...) cost 0.

A layer builds its :class:`Cost` from :class:`Term` objects, each a product of
:class:`Factor` s with words, so the explanation
``128 × 128 output positions × (5 × 5 × 3) per filter × 512 filters = 629,145,600``
is made from the very numbers that were summed. A dimension that is ``None``
makes the figures unknown (never a guess): the cost says which dimension.
"""

from __future__ import annotations

import math
from typing import Optional

from .explain import Step, Text, num
from .records import field, record


@record(frozen=True)
class Factor:
    """One factor of a term: its value, how it was computed, and what it counts."""

    value: Optional[int]
    text: str
    word: Optional[Text] = None


def factor(values, word: Optional[Text] = None) -> Factor:
    """A factor that is a product of dims, e.g. ``factor((5, 5, 3), PER_FILTER)`` -> ``(5 × 5 × 3)``."""
    values = list(values) if isinstance(values, (list, tuple)) else [values]
    text = " × ".join(num(v) for v in values) if values else "1"
    if len(values) > 1:
        text = f"({text})"
    value = None if any(v is None for v in values) else math.prod(values)
    return Factor(value, text, word)


@record(frozen=True)
class Term:
    """``label: f1 × f2 × ... = value``; ``kind`` is "macs" (products) or "flops" (other ops)."""

    kind: str
    label: Text
    factors: tuple

    @property
    def value(self) -> Optional[int]:
        values = [f.value for f in self.factors]
        return None if any(v is None for v in values) else math.prod(values)

    def formula_text(self) -> Text:
        """The formula in both languages (the factors' words differ)."""
        return Text(self.formula("en"), self.formula("zh"))

    def formula(self, lang: str = "en") -> str:
        parts = []
        for f in self.factors:
            parts.append(f"{f.text} {f.word(lang)}" if f.word else f.text)
        return " × ".join(parts) or "1"


def macs(label: Text, *factors: Factor) -> Term:
    return Term("macs", label, tuple(factors))


def flops(label: Text, *factors: Factor) -> Term:
    return Term("flops", label, tuple(factors))


MACS = Text("MACs", "乘加次数 MACs")
FLOPS = Text("FLOPs", "浮点运算 FLOPs")
UNKNOWN = Text("unknown", "未知")
NO_COMPUTE = Text("no arithmetic (only moves or copies values)", "无算术运算（只移动或复制数值）")
INFERENCE_NOOP = Text("does nothing in inference", "推理时不做任何运算")


@record
class Cost:
    """The MACs and FLOPs of one or more calls of a layer, as a list of terms.

    ``unknown`` says why the figures cannot be given (a ``None`` dimension, a layer
    whose arithmetic nncalc does not model); the figures are then ``None``.
    ``note`` is a remark for explanations (e.g. "inference: dropout does nothing").
    """

    terms: list = field(default_factory=list)
    unknown: Optional[Text] = None
    note: Optional[Text] = None

    @property
    def known(self) -> bool:
        return self.unknown is None and all(t.value is not None for t in self.terms)

    @property
    def macs(self) -> Optional[int]:
        if not self.known:
            return None
        return sum(t.value for t in self.terms if t.kind == "macs")

    @property
    def flops(self) -> Optional[int]:
        macs = self.macs  # None when not known
        if macs is None:
            return None
        return 2 * macs + sum(t.value for t in self.terms if t.kind == "flops")

    def why_unknown(self) -> Optional[Text]:
        """The reason the figures are unknown, or None."""
        if self.unknown is not None:
            return self.unknown
        for t in self.terms:
            for f in t.factors:
                if f.value is None:
                    return Text(f"{t.label.en} depends on an unknown (None) dimension: {f.text}",
                                f"{t.label.zh}取决于未知（None）维度：{f.text}")
        return None

    def __add__(self, other: "Cost") -> "Cost":
        return Cost(self.terms + other.terms, self.unknown or other.unknown, self.note or other.note)

    def steps(self) -> list[Step]:
        """Explanation steps: the totals, then one step per term (formulas in both languages)."""
        reason = self.why_unknown()
        if reason is not None:
            return [Step("cost", FLOPS, UNKNOWN, None, reason)]
        if not self.terms:
            return [Step("cost", FLOPS, "0", 0, self.note or NO_COMPUTE)]
        mac_terms = [t for t in self.terms if t.kind == "macs"]
        other = [t for t in self.terms if t.kind == "flops"]
        steps = []
        if mac_terms:
            formula = " + ".join(num(t.value) for t in mac_terms) if len(mac_terms) > 1 else num(self.macs)
            steps.append(Step("macs", MACS, formula, self.macs))
            for t in mac_terms:
                steps.append(Step("cost_term", t.label, t.formula_text(), t.value))
        parts = ([f"2 × {num(self.macs)}"] if mac_terms else []) + [num(t.value) for t in other]
        steps.append(Step("flops", FLOPS, " + ".join(parts), self.flops,
                          Text("2 FLOPs (multiply and add) per MAC, plus the other operations",
                               "每次乘加算 2 次浮点运算，另加其他运算") if mac_terms and other else
                          (Text("2 FLOPs (multiply and add) per MAC", "每次乘加算 2 次浮点运算")
                           if mac_terms else None)))
        for t in other:
            steps.append(Step("cost_term", t.label, t.formula_text(), t.value))
        return steps


def not_modelled(class_name: str) -> Cost:
    """The cost of a layer whose arithmetic nncalc does not count (said, never a silent 0)."""
    return Cost(unknown=Text(f"nncalc does not count the FLOPs of {class_name} yet",
                             f"nncalc 尚未统计 {class_name} 的浮点运算"))


def free(note: Optional[Text] = None) -> Cost:
    """A layer that computes nothing (reshapes, copies, or is a no-op in inference)."""
    return Cost(note=note or NO_COMPUTE)


def elements(shape) -> Factor:
    """The per-sample element count of a tensor: every dim but the batch axis."""
    return factor(tuple(shape[1:]), ELEMENTS)


ELEMENTS = Text("elements", "个元素")
POSITIONS = Text("output positions", "个输出位置")

# FLOPs per element of each elementwise activation, by Keras name. One each, except the
# softmax family (exp, sum, divide). "linear" is no operation.
ACTIVATION_FLOPS = {"linear": 0, "softmax": 3, "log_softmax": 3}


def activation_flops(name: Optional[str]) -> int:
    """FLOPs per element of the activation called ``name`` (None or "linear": 0)."""
    if not name:
        return 0
    return ACTIVATION_FLOPS.get(name, 1)


def activation_term(name: Optional[str], output_shape) -> list:
    """[] for no activation, else one term: ``elements × FLOPs per element``."""
    per = activation_flops(name)
    if not per:
        return []
    factors = [elements(output_shape)]
    if per != 1:
        factors.append(Factor(per, str(per), Text("per element", "每个元素")))
    return [flops(Text(f"activation {name}", f"激活函数 {name}"), *factors)]


def total_cost(costs, names=None) -> Cost:
    """Several costs as one: a MACs term and a FLOPs term summed over the parts.

    Used for a nested model's row and for model totals. When a part is unknown the
    total is too, and says which part (``names`` gives each part's name).
    """
    costs = list(costs)
    names = list(names) if names is not None else [None] * len(costs)
    for name, cost in zip(names, costs):
        reason = cost.why_unknown()
        if reason is not None:
            where = f"{name}: " if name else ""
            return Cost(unknown=Text(f"unknown because of {where}{reason.en}", f"未知，因为 {where}{reason.zh}"))
    total_macs = sum(c.macs for c in costs)
    other = sum(c.flops for c in costs) - 2 * total_macs
    parts = Text(f"summed over {len(costs)} layers", f"{len(costs)} 层之和")
    terms = []
    if total_macs:
        terms.append(macs(Text("layers' MACs", "各层乘加"), Factor(total_macs, num(total_macs), None)))
    if other:
        terms.append(flops(Text("layers' other FLOPs", "各层其他浮点运算"), Factor(other, num(other), None)))
    return Cost(terms, note=parts)
