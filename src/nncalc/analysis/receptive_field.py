"""Receptive fields of convolution and pooling stacks, per layer and spatial axis.

For each spatial axis a layer's output has three figures, in the coordinates of the
model's input (one unit = one input position):

* **size** r: how many input positions one output position sees (the extent, from
  the first to the last position it depends on; dilated kernels leave holes inside);
* **jump** j: the distance, in input positions, between two neighbouring output
  positions (the product of the strides; fractional after a transposed convolution
  or an upsampling);
* **start**: the input coordinate of the centre of the *first* output position's
  field (negative or beyond the input when padding reaches outside it).

A layer that slides a window (kernel K, stride S, dilation D, left padding P, the
dilated extent K' = D·(K - 1) + 1) maps the figures of its input to those of its output:

    j_out = j_in · S;   r_out = r_in + (K' - 1) · j_in;   start_out = start_in + ((K' - 1) / 2 - P) · j_in

with P = 0 for padding='valid', P = K' - 1 for 'causal', and for 'same' Keras'/TF's
left padding P = max((O - 1)·S + K' - I, 0) // 2 (I, O: the input and output sizes).
A transposed convolution (and an upsampling, a transposed window of S taps) spreads
each input position over K' output positions S apart, so its input is seen through a
fractional stride: j_out = j_in / S, r_out = r_in + (K' - 1) · j_out,
start_out = start_in + (P - (K' - 1) / 2) · j_out. For such layers the size is the
continuous footprint: it bounds the field of every output position, and some output
positions see fewer input positions.

Elementwise and per-position layers (activations, normalization over channels,
dropout, Dense on the last axis ...) pass the field through; a merge of branches
(Add, Concatenate along channels ...) takes the union of the branches' fields (the
largest when one contains the others). Global pooling, attention, recurrent layers
and a Dense that mixes a spatial axis make it **global** (every output sees the whole
input); Flatten, Reshape and Permute **stop** it (the spatial axes are gone); any
other layer makes it unknown, and says so. Before the first windowed layer there is
no field to report.

Layers declare their windows with ``receptive_field(input_shape, output_shape)``,
which returns ``{tensor axis: Window}`` (or a :class:`ReceptiveField` such as
:data:`GLOBAL`); this module walks the graph once and applies the rule above.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Optional

from ..core.explain import Step, Text
from ..core.records import field, record

if TYPE_CHECKING:
    from fractions import Fraction

# Sizes, jumps and starts are exact fractions (a transposed window's jump is 1/stride);
# ``fractions`` is imported when a field is computed, not with the layers that declare windows.


@record(frozen=True)
class Window:
    """How one layer maps positions along one spatial axis (see the module docstring).

    ``pad`` is the left padding P (None when it depends on an unknown size); a crop
    is a negative padding; ``transposed`` windows spread inputs (fractional stride).
    """

    kernel: int = 1
    stride: int = 1
    dilation: int = 1
    pad: Optional[int | Fraction] = 0
    transposed: bool = False

    @property
    def extent(self) -> int:
        return self.dilation * (self.kernel - 1) + 1


def left_padding(padding: str, size_in, size_out, extent: int, stride: int):
    """The left padding P Keras (TF) uses: 0 ('valid'), K' - 1 ('causal'), else 'same''s
    max((O - 1)·S + K' - I, 0) // 2 — None when a size is unknown and it matters."""
    if padding == "valid":
        return 0
    if padding == "causal":
        return extent - 1
    if size_in is None or size_out is None:
        return (extent - 1) // 2 if stride == 1 else None
    return max((size_out - 1) * stride + extent - size_in, 0) // 2


def transpose_left_padding(padding: str, size_in, size_out, extent: int, stride: int):
    """The left padding of a transposed convolution: that of the convolution it is the
    gradient of (from the output size O back to the input size I): 0 ('valid'), else
    max((I - 1)·S + K' - O, 0) // 2."""
    if padding == "valid":
        return 0
    if size_in is None or size_out is None:
        return None
    return max((size_in - 1) * stride + extent - size_out, 0) // 2


def spatial_axes(rank: int, data_format: str) -> list[int]:
    return list(range(1, rank + 1)) if data_format == "channels_last" else list(range(2, rank + 2))


# ---------------------------------------------------------------------- the figures
@record(frozen=True)
class AxisField:
    """size, jump and start along one axis (None: depends on an unknown size)."""

    size: Optional[Fraction]
    jump: Fraction
    start: Optional[Fraction]

    def bounds(self):
        """(first, last) input coordinate of the first output position's field."""
        if self.size is None or self.start is None:
            return None
        half = (self.size - 1) / 2
        return self.start - half, self.start + half


def identity() -> AxisField:
    """The field of an input position: itself (size 1, jump 1, start 0)."""
    from fractions import Fraction

    return AxisField(Fraction(1), Fraction(1), Fraction(0))


def fmt(x) -> str:
    """``7`` / ``0.5`` / ``?``."""
    if x is None:
        return "?"
    from fractions import Fraction

    x = Fraction(x)
    if x.denominator == 1:
        return str(x.numerator)
    return f"{float(x):.4g}"


@record(frozen=True)
class ReceptiveField:
    """A row's receptive field: per spatial axis (size, jump, start), or global/stopped/unknown.

    ``kind``: "field" (``axes`` holds one :class:`AxisField` per tracked axis, ``axis_ids``
    their tensor axes), "global" (every output sees the whole input), "stopped" (no
    spatial axes any more, e.g. after Flatten) or "unknown" (``reason`` says why).
    ``str()`` is the table cell: ``11×11 /4 @5`` (sizes, jump, start per axis).
    """

    kind: str = "field"
    axes: tuple = ()
    axis_ids: tuple = ()
    reason: Optional[Text] = None
    steps: tuple = field(default=(), compare=False, repr=False)

    def to_json(self) -> dict:
        """{"kind", "text" (the cell), "axes": [{"axis", "size", "jump", "start"}], "reason"} (numbers or null)."""
        from fractions import Fraction

        def number(x):
            return None if x is None else (int(x) if Fraction(x).denominator == 1 else float(x))

        return {"kind": self.kind, "text": str(self),
                "axes": [{"axis": axis, "size": number(a.size), "jump": number(a.jump), "start": number(a.start)}
                         for axis, a in zip(self.axis_ids, self.axes)],
                "reason": self.reason.en if self.reason is not None else None}

    def field_of(self, axis: int) -> AxisField:
        return dict(zip(self.axis_ids, self.axes)).get(axis) or identity()

    def __str__(self) -> str:
        if self.kind == "global":
            return "global"
        if self.kind == "stopped":
            return "stopped"
        if self.kind == "unknown":
            return "?"
        return " ".join([_joined((a.size for a in self.axes), "×", collapse=False),
                         "/" + _joined((a.jump for a in self.axes), "×"),
                         "@" + _joined((a.start for a in self.axes), ",")])


def _joined(values, sep: str, collapse: bool = True) -> str:
    """Values joined by ``sep``; one value when they are all equal and ``collapse``."""
    values = [fmt(v) for v in values]
    if collapse and len(set(values)) == 1:
        return values[0]
    return sep.join(values)


GLOBAL = ReceptiveField("global", reason=Text("every output position sees the whole input",
                                              "每个输出位置都看到整个输入"))


def stopped(why: Text) -> ReceptiveField:
    return ReceptiveField("stopped", reason=why)


def unknown(why: Text) -> ReceptiveField:
    return ReceptiveField("unknown", reason=why)


# ---------------------------------------------------------------------- one window
def apply_window(f: AxisField, w: Window) -> tuple[AxisField, str]:
    """The field after window ``w``, and the formula that gives it (numbers only)."""
    from fractions import Fraction

    k1 = Fraction(w.extent - 1)
    if w.transposed:
        jump = f.jump / w.stride
        size = None if f.size is None else f.size + k1 * jump
        start = None if f.start is None or w.pad is None else f.start + (w.pad - k1 / 2) * jump
        text = (f"j = {fmt(f.jump)} / {w.stride} = {fmt(jump)}; "
                f"r = {fmt(f.size)} + {_k1(w)} × {fmt(jump)} = {fmt(size)}; "
                f"start = {fmt(f.start)} + ({fmt(w.pad)} - {_k1(w)} / 2) × {fmt(jump)} = {fmt(start)}")
        return AxisField(size, jump, start), text
    jump = f.jump * w.stride
    size = None if f.size is None else f.size + k1 * f.jump
    start = None if f.start is None or w.pad is None else f.start + (k1 / 2 - w.pad) * f.jump
    text = (f"r = {fmt(f.size)} + {_k1(w)} × {fmt(f.jump)} = {fmt(size)}; "
            f"j = {fmt(f.jump)} × {w.stride} = {fmt(jump)}; "
            f"start = {fmt(f.start)} + ({_k1(w)} / 2 - {fmt(w.pad)}) × {fmt(f.jump)} = {fmt(start)}")
    return AxisField(size, jump, start), text


def _k1(w: Window) -> str:
    """``(K' - 1)`` with its numbers: ``(3 - 1)`` or ``(2 × (3 - 1) + 1 - 1)``."""
    if w.dilation == 1:
        return f"({w.kernel} - 1)"
    return f"{w.dilation} × ({w.kernel} - 1)"


def union(fields: list) -> Optional[ReceptiveField]:
    """A merge of branches: per axis the smallest interval holding every branch's field."""
    known = [f for f in fields if f is not None]
    if not known:
        return None
    for f in known:
        if f.kind != "field":
            return f
    axes = sorted({a for f in known for a in f.axis_ids})
    result = []
    for axis in axes:
        per = [f.field_of(axis) for f in known] + ([identity()] if len(known) < len(fields) else [])
        jumps = {a.jump for a in per}
        if len(jumps) > 1:
            return unknown(Text(f"branches merged with different jumps ({', '.join(fmt(j) for j in sorted(jumps))})",
                                f"合并的分支步距不同（{', '.join(fmt(j) for j in sorted(jumps))}）"))
        bounds = [a.bounds() for a in per]
        if any(b is None for b in bounds):
            sizes = {a.size for a in per}
            size = sizes.pop() if len(sizes) == 1 else None
            result.append(AxisField(size, per[0].jump, None))
            continue
        lo, hi = min(b[0] for b in bounds), max(b[1] for b in bounds)
        result.append(AxisField(hi - lo + 1, per[0].jump, (lo + hi) / 2))
    return ReceptiveField("field", tuple(result), tuple(axes))


# ---------------------------------------------------------------------- layer kinds
PASS_THROUGH = {
    "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "BatchNormalization",
    "LayerNormalization", "RMSNormalization", "UnitNormalization", "Dropout", "SpatialDropout1D",
    "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
    "ActivityRegularization", "Masking", "Identity", "Rescaling", "Normalization", "Dense",
    "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "RandomContrast",
    "RandomBrightness", "RandomGrayscale", "RandomHue", "RandomSaturation", "RandomColorJitter",
    "RandomColorDegeneration", "RandomSharpness", "RandomShear", "RandomInvert", "RandomPosterization",
    "RandomGaussianBlur", "RandomErasing", "RandomPerspective", "RandomElasticTransform", "Solarization",
}
MERGES = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"}
GLOBAL_KINDS = {"GroupNormalization", "Attention", "AdditiveAttention", "MultiHeadAttention",
                "GroupQueryAttention", "SimpleRNN", "LSTM", "GRU", "RNN", "Bidirectional",
                "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"}
STOPS = {"Flatten", "Reshape", "Permute", "RepeatVector"}


def _mixed_axes(op, rank: int) -> set:
    """The axes a per-position layer reduces or mixes (its ``axis``; Dense: the last one)."""
    name = type(op).__name__
    axes: list | tuple
    if name == "Dense":
        axes = [-1]
    elif name in ("Softmax", "LayerNormalization", "RMSNormalization", "UnitNormalization"):
        axes = op.axis if isinstance(op.axis, (list, tuple)) else [op.axis]
    else:
        return set()
    return {a % rank for a in axes}


def _kind(op) -> str:
    for klass in type(op).__mro__:
        name = klass.__name__
        if name in PASS_THROUGH:
            return "pass"
        if name in MERGES:
            return "merge"
        if name in GLOBAL_KINDS:
            return "global"
        if name in STOPS:
            return "stop"
    return "other"


def _axis_label(n: int, i: int) -> Text:
    from ..layers.convolution import AXIS_NAMES

    names = AXIS_NAMES.get(n)
    return names[i] if names and i < len(names) else Text(f"axis {i + 1}", f"维度 {i + 1}")


def _apply_layer(op, node, states: list) -> list:
    """The output states of one call, from its input tensors' states."""
    outputs = node.output_tensors
    n_out = max(1, len(outputs))
    known = [s for s in states if s is not None]
    if _is_model(op):
        return _run_model(op, states, n_out)
    if not known:
        if getattr(op, "receptive_field", None) is None:
            return [None] * n_out
    kinds = {s.kind for s in known}
    if "global" in kinds:
        return [GLOBAL] * n_out
    if "unknown" in kinds:
        return [next(s for s in known if s.kind == "unknown")] * n_out
    kind = _kind(op)
    if "stopped" in kinds:  # a Dense (or any mixing layer) after Flatten sees everything
        if kind == "global" or type(op).__name__ in ("Dense", "EinsumDense"):
            return [GLOBAL] * n_out
        return [next(s for s in known if s.kind == "stopped")] * n_out
    name = type(op).__name__
    hook = getattr(op, "receptive_field", None)
    if hook is not None:
        in_shape = node.input_tensors[0].shape
        result = hook(in_shape, outputs[0].shape)
        if isinstance(result, ReceptiveField):
            return [result] * n_out
        return [_windowed(known[0] if known else None, result)] * n_out
    if kind == "pass":
        f = known[0]
        rank = len(node.input_tensors[0].shape)
        if _mixed_axes(op, rank) & set(f.axis_ids):
            return [GLOBAL] * n_out
        return [f] * n_out
    if kind == "merge":
        if name == "Concatenate":
            rank = len(node.input_tensors[0].shape)
            if op.axis % rank in {a for s in known for a in s.axis_ids}:
                return [unknown(Text("concatenated along a spatial axis", "沿空间维度拼接"))] * n_out
        return [union(states)] * n_out
    if kind == "global":
        return [GLOBAL] * n_out
    if kind == "stop":
        return [stopped(Text(f"{name} removes the spatial axes: the field stops here",
                             f"{name} 去掉了空间维度：感受野到此为止"))] * n_out
    return [unknown(Text(f"nncalc does not follow receptive fields through {name}",
                         f"nncalc 不追踪经过 {name} 的感受野"))] * n_out


def _windowed(f: Optional[ReceptiveField], windows: dict) -> ReceptiveField:
    """Apply a layer's ``{axis: Window}`` to its input field (identity before the first window)."""
    f = f if f is not None else ReceptiveField("field")
    axes = sorted(set(windows) | set(f.axis_ids))
    result, steps = [], []
    for i, axis in enumerate(axes):
        before = f.field_of(axis)
        if axis in windows:
            after, text = apply_window(before, windows[axis])
            rule = TRANSPOSED_RULE if windows[axis].transposed else WINDOW_RULE
        else:
            after, text, rule = before, "=", None
        result.append(after)
        steps.append(Step("receptive_field", _axis_label(len(axes), i), text, text, rule))
    return ReceptiveField("field", tuple(result), tuple(axes), steps=tuple(steps))


# ---------------------------------------------------------------------- the graph walk
_MEMO: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _is_model(op) -> bool:
    return hasattr(op, "layers") and hasattr(op, "_layer_range_bounds")


def _tensor_state(tensor, local: dict):
    if id(tensor) in local:
        return local[id(tensor)]
    history = tensor._keras_history
    if history is None:
        return None
    node = history.operation._inbound_nodes[history.node_index]
    states = node_fields(node)
    return states[history.tensor_index] if history.tensor_index < len(states) else None


def _run_model(model, states: list, n_out: int) -> list:
    """A nested model's output fields, from the fields of the tensors it was called on."""
    from . import graph_nodes
    from ..core.functional import Functional

    graph = model if isinstance(model, Functional) else getattr(model, "_functional", None)
    if graph is None:
        return [unknown(Text("the nested model has no graph", "嵌套模型没有计算图"))] * n_out
    local = {id(t): s for t, s in zip(graph.inputs, states)}
    for node in graph_nodes(graph):
        if node.is_input:
            continue
        outs = _apply_layer(node.operation, node, [_tensor_state(t, local) for t in node.input_tensors])
        for t, s in zip(node.output_tensors, outs):
            local[id(t)] = s
    return [local.get(id(t)) for t in graph.outputs][:n_out] or [None] * n_out


def node_fields(node) -> list:
    """The receptive field of each output of one call (None: no field yet), memoized per call.

    Fields are measured from the inputs of the model that holds the call.
    """
    if node in _MEMO:
        return _MEMO[node]
    # Post-order over the ancestors not computed yet, without recursion (deep networks).
    stack = [(node, False)]
    while stack:
        current, ready = stack.pop()
        if current in _MEMO:
            continue
        parents = [p for p in current.parent_nodes if p not in _MEMO]
        if not ready and parents:
            stack.append((current, True))
            stack.extend((p, False) for p in parents)
            continue
        if current.is_input:
            _MEMO[current] = [None] * max(1, len(current.output_tensors))
            continue
        states = [_tensor_state(t, {}) for t in current.input_tensors]
        _MEMO[current] = _apply_layer(current.operation, current, states)
    return _MEMO[node]


def receptive_field_of(calls: list):
    """A row's field: that of its last call's first output (None: no field)."""
    if not calls:
        return None
    states = node_fields(calls[-1])
    return states[0] if states else None


def model_fields(model) -> list:
    """The fields of the model's outputs (for ``ModelAnalysis.receptive_field``)."""
    from ..core.functional import Functional

    graph = model if isinstance(model, Functional) else getattr(model, "_functional", None)
    if graph is None:
        return []
    return [_tensor_state(t, {}) for t in graph.outputs]


# ---------------------------------------------------------------------- explanation
RF_LABEL = Text("receptive field", "感受野")
RF_RULE = Text("per spatial axis: size (input positions seen) / jump (input positions between neighbouring "
               "outputs) @ start (input coordinate of the centre of the first output's field)",
               "每个空间维度：大小（看到的输入位置数）/ 步距（相邻输出在输入上相隔的位置数）@ 起点"
               "（第一个输出位置感受野中心的输入坐标）")
WINDOW_RULE = Text("r = r_in + (K' - 1) × j_in, j = j_in × S, start = start_in + ((K' - 1) / 2 - P) × j_in "
                   "for the dilated kernel size K' = D × (K - 1) + 1, stride S, left padding P",
                   "r = r_in + (K' - 1) × j_in，j = j_in × S，start = start_in + ((K' - 1) / 2 - P) × j_in；"
                   "K' = D × (K - 1) + 1 为膨胀后的核尺寸，S 为步长，P 为左侧填充")
TRANSPOSED_RULE = Text("transposed (each input spread over K' outputs, S apart): j = j_in / S, "
                       "r = r_in + (K' - 1) × j, start = start_in + (P - (K' - 1) / 2) × j; the size bounds "
                       "every output's field (some outputs see fewer inputs)",
                       "转置（每个输入分散到相隔 S 的 K' 个输出）：j = j_in / S，r = r_in + (K' - 1) × j，"
                       "start = start_in + (P - (K' - 1) / 2) × j；该大小是每个输出感受野的上界（部分输出看到的输入更少）")


def receptive_field_steps(rf: ReceptiveField) -> list[Step]:
    """Explanation steps for a row: the field, then one line per axis with its formula."""
    if rf.kind != "field":
        return [Step("receptive_field", RF_LABEL, str(rf), str(rf), rf.reason)]
    steps = [Step("receptive_field", RF_LABEL, str(rf), str(rf), RF_RULE)]
    shown = set()
    for step in rf.steps:
        if step.formula == "=":
            continue
        rule = step.rule if step.rule is not None and id(step.rule) not in shown else None
        shown.add(id(step.rule))
        steps.append(Step("receptive_field", step.label, step.formula, step.value, rule))
    return steps
