"""Recurrent layers (as in ``keras/src/layers/rnn``).

A recurrent layer runs a *cell* once per time step: the cell sees one step of the input
``(batch, features)`` and its own state from the previous step. The layer's weights are
the cell's, shared by every time step, so the time length never changes a parameter count.

Cells (d = input features, u = units):

* ``SimpleRNNCell``: ``h = tanh(x·kernel + h_prev·recurrent_kernel + bias)``;
  kernel (d, u), recurrent_kernel (u, u), bias (u,): params = (d + u) × u + u.
* ``LSTMCell``: four gates (input i, forget f, candidate c, output o) in one matrix:
  kernel (d, 4u), recurrent_kernel (u, 4u), bias (4u,): params = 4 × ((d + u) × u + u);
  two states, h and c.
* ``GRUCell``: three parts (update z, reset r, candidate h): kernel (d, 3u),
  recurrent_kernel (u, 3u), bias (2, 3u) with ``reset_after=True`` (an input bias and a
  recurrent bias) or (3u,) otherwise: params = 3 × ((d + u) × u + 2u) or 3 × ((d + u) × u + u).

Layers: ``RNN(cell or [cells])`` (a list is wrapped in ``StackedRNNCells``), ``SimpleRNN``,
``LSTM``, ``GRU`` (an RNN with its cell named ``simple_rnn_cell`` / ``lstm_cell`` /
``gru_cell``), ``Bidirectional`` (a forward copy and a ``go_backwards`` copy of an RNN,
named ``forward_<name>`` / ``backward_<name>``) and ``TimeDistributed`` (any layer applied
to every time step with one set of weights).

Output shape: ``(batch, units)``, or ``(batch, timesteps, units)`` with
``return_sequences``; ``return_state`` adds the final states, one ``(batch, u)`` each.
"""

from __future__ import annotations

import math

from ..core import cost
from ..core import tf_flops
from ..core.args import activation_name, standardize_data_format, standardize_padding, standardize_tuple
from ..core.cost import POSITIONS, Cost, Factor, Term, activation_flops, factor
from ..core.explain import OUTPUT_SHAPE, Step, Text, num, shape_text
from ..core.layer import InputSpec, Layer
from ..core.tensor import is_shape
from ..errors import Unsupported
from .window import spatial_outputs, window_rule


def _init_args(local_vars: dict) -> dict:
    """A constructor's arguments (from ``locals()``), ``**kwargs`` merged in: enough to clone."""
    args = {k: v for k, v in local_vars.items() if k not in ("self", "kwargs", "__class__")}
    args.update(local_vars.get("kwargs", {}))
    return args


def _maybe_deserialize(value):
    """A serialized layer (``{"class_name", "config"}``, as in a saved model) -> the layer."""
    if isinstance(value, dict) and "class_name" in value and "config" in value:
        from ..io.config import deserialize_layer

        return deserialize_layer(value)
    return value


def _flat_shapes(structure):
    """One shape, or the flat list of shapes a summary row shows for several outputs."""
    if is_shape(structure):
        return tuple(structure)
    result = []
    for item in structure:
        flat = _flat_shapes(item)
        result.extend([flat] if is_shape(flat) else flat)
    return result


def _shapes_text(shapes) -> str:
    if is_shape(shapes):
        return shape_text(shapes)
    return "[" + ", ".join(shape_text(s) for s in shapes) + "]"


def _prefixed_weight_steps(layer, steps, sublayers):
    """Weight lines labelled with the sublayer that owns them (``forward_lstm/kernel (8, 64)``)."""
    owner = {}
    for sub in sublayers:
        for w in sub.weights:
            owner.setdefault(id(w), sub.name)
    result, weight_steps = steps[:1], steps[1:]
    for w, step in zip(layer.weights, weight_steps):
        prefix = owner.get(id(w))
        label = step.label
        if prefix is not None and isinstance(label, Text):
            label = Text(f"{prefix}/{label.en}", f"{prefix}/{label.zh}")
        result.append(Step(step.topic, label, step.formula, step.value, step.rule))
    return result


def _removeprefix(text: str, prefix: str) -> str:
    return text[len(prefix):] if text.startswith(prefix) else text


_WEIGHT_NAMES_ZH = {"kernel": "输入权重", "recurrent_kernel": "循环权重", "bias": "偏置"}


# ---------------------------------------------------------------------------- costs
TIME_STEPS = Text("time steps", "个时间步")
UNITS = Text("units", "个神经元")
GATE_UNITS = Text("gate units", "个门单元")
PER_UNIT = Text("per unit", "每个神经元")
PER_ELEMENT = Text("per element", "每个元素")


def repeated(one: Cost, times: Factor) -> Cost:
    """``one`` done ``times`` times: each term gains ``times`` as its first factor (None: unknown)."""
    if one.unknown is not None or not one.terms:
        return one
    return Cost([Term(t.kind, t.label, (times,) + tuple(t.factors)) for t in one.terms], one.unknown, one.note)


def _prefixed(one: Cost, prefix: str) -> Cost:
    """``one`` with every term labelled ``prefix: label`` (a stacked cell, a direction)."""
    terms = [Term(t.kind, Text(f"{prefix}: {t.label.en}", f"{prefix}：{t.label.zh}"), t.factors) for t in one.terms]
    return Cost(terms, one.unknown, one.note)


def _activation(name, label: Text, *factors) -> list:
    """One term for an activation over ``factors`` elements ([] for linear)."""
    per = activation_flops(name)
    if not per:
        return []
    extra = [Factor(per, str(per), PER_ELEMENT)] if per != 1 else []
    return [cost.flops(Text(f"{label.en} ({name})", f"{label.zh}（{name}）"), *factors, *extra)]


def _per_unit(count: int, units) -> list:
    return [units, Factor(count, str(count), PER_UNIT)]


# ============================================================================ cells
class _Cell(Layer):
    """What the three built-in cells share: units, the three weights, the count formula.

    ``GATES`` blocks of ``units`` columns sit side by side in each matrix
    (1 for SimpleRNN, 4 for LSTM, 3 for GRU).
    """

    GATES = 1
    GATE_WORDS = Text("", "")
    weight_names_zh = _WEIGHT_NAMES_ZH

    def _set_cell(self, units, activation, use_bias, dropout, recurrent_dropout, seed,
                  recurrent_activation=None):
        self.units = units
        self.activation = activation_name(activation)
        if recurrent_activation is not None or self.GATES > 1:
            self.recurrent_activation = activation_name(recurrent_activation)
        self.use_bias = use_bias
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.seed = seed
        self.output_size = self.units

    @staticmethod
    def _check_units(units):
        if units <= 0:  # Keras' own test: None fails with a TypeError, as in Keras
            raise ValueError(
                "Received an invalid value for argument `units`, "
                f"expected a positive integer, got {units}."
            )

    def _bias_shape(self):
        return (self.GATES * self.units,)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        width = self.GATES * self.units
        self.kernel = self.add_weight(shape=(input_dim, width), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, width), name="recurrent_kernel")
        self.bias = self.add_weight(shape=self._bias_shape(), name="bias") if self.use_bias else None
        self.built = True

    # A cell called on its own: ``cell(x_t, states)`` -> ``(output, new states)``.
    def output_shape_for_call(self, input_shape, states=None, *args, **kwargs):
        batch = input_shape[0]
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        new_states = [(batch, size) for size in sizes]
        if not isinstance(states, list) and len(new_states) == 1:
            new_states = new_states[0]
        return ((batch, self.output_size), new_states)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_size)

    def compute_cost(self, input_shape, output_shape=None):
        """One time step: MACs = (d_in + units) × gates × units; FLOPs = 2 × MACs + biases, the sums of the
        input and recurrent products, the activations and the state updates (see each cell)."""
        u = self.units
        gates = factor((self.GATES, u), GATE_UNITS) if self.GATES > 1 else factor(u, UNITS)
        terms = [cost.macs(Text("input kernel products", "输入权重乘法"), factor(input_shape[-1], Text("inputs", "个输入")),
                           gates),
                 cost.macs(Text("recurrent kernel products", "循环权重乘法"),
                           factor(u, Text("state values", "个状态值")), gates)]
        return Cost(terms + self._step_flops(factor(u, UNITS), gates))

    def _step_flops(self, units, gates) -> list:
        raise NotImplementedError

    # ------------------------------------------------------------ explanations
    def _input_dim(self):
        return self.kernel.shape[0]

    def _per_gate_bias(self) -> str:
        return f" + {num(self.units)}"

    def param_formula(self):
        d, u = num(self._input_dim()), num(self.units)
        inner = f"({d} + {u}) × {u}" + (self._per_gate_bias() if self.use_bias else "")
        if self.GATES == 1:
            return inner
        return f"{self.GATES} × ({inner})" if self.use_bias else f"{self.GATES} × {inner}"

    def param_rule(self):
        bias_en = " + units" if self.use_bias else ""
        bias_zh = " + 神经元个数" if self.use_bias else ""
        core_en = f"(input features + units) × units{bias_en}"
        core_zh = f"(输入特征数 + 神经元个数) × 神经元个数{bias_zh}"
        if self.GATES == 1:
            return Text(f"{core_en}: kernel, recurrent kernel, bias",
                        f"{core_zh}：输入权重、循环权重、偏置")
        return Text(f"{self.GATES} {self.GATE_WORDS.en} × ({core_en})",
                    f"{self.GATES} 个{self.GATE_WORDS.zh} × ({core_zh})")

    def explain_shape(self, input_shape):
        states = None
        if self._inbound_nodes:  # the states argument of the last call decides the structure
            node = self._inbound_nodes[-1]
            states = node.call_args[1] if len(node.call_args) > 1 else node.call_kwargs.get("states")
        out = _flat_shapes(self.output_shape_for_call(input_shape, states))
        return [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {_shapes_text(out)}", out,
                     Text(f"one time step: the output and the new states, units = {num(self.units)} each",
                          f"单个时间步：输出和新的状态，各有 units = {num(self.units)} 个值"))]


class SimpleRNNCell(_Cell):
    """``h_t = activation(x_t · kernel + h_{t-1} · recurrent_kernel + bias)``."""

    GATES = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, **kwargs):
        self._init_args = _init_args(locals())
        self._check_units(units)
        super().__init__(**kwargs)
        self._set_cell(units, activation, use_bias, dropout, recurrent_dropout, seed)
        self.state_size = self.units

    def compute_cost(self, input_shape, output_shape=None):
        """One time step: MACs = (d_in + units) × units; FLOPs = 2 × MACs + units × (1 sum of the two
        products + 1 bias add + the activation)."""
        return super().compute_cost(input_shape, output_shape)

    def _step_flops(self, units, gates) -> list:
        terms = [cost.flops(Text("bias add", "加偏置"), units)] if self.use_bias else []
        terms.append(cost.flops(Text("input + recurrent products", "输入与循环乘积相加"), units))
        return terms + _activation(self.activation, Text("activation", "激活函数"), units)


class LSTMCell(_Cell):
    """Four gates (input, forget, candidate, output): ``c_t = f·c_{t-1} + i·g``, ``h_t = o·tanh(c_t)``."""

    GATES = 4
    GATE_WORDS = Text("gates (input, forget, candidate, output)", "门（输入门、遗忘门、候选记忆、输出门）")

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, **kwargs):
        self._init_args = _init_args(locals())
        self._check_units(units)
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self.implementation = implementation
        self._set_cell(units, activation, use_bias, dropout, recurrent_dropout, seed,
                       recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [self.units, self.units]

    def compute_cost(self, input_shape, output_shape=None):
        """One time step: MACs = (d_in + units) × 4 × units; FLOPs = 2 × MACs + 4 × units (sums of the
        products) + 4 × units biases + 3 × units recurrent_activation (i, f, o) + 2 × units activation
        (candidate, cell) + 4 × units state updates (f·c, i·g, their sum, o·tanh(c))."""
        return super().compute_cost(input_shape, output_shape)

    def _step_flops(self, units, gates) -> list:
        u = units.value
        terms = [cost.flops(Text("bias add", "加偏置"), gates)] if self.use_bias else []
        terms.append(cost.flops(Text("input + recurrent products", "输入与循环乘积相加"), gates))
        terms += _activation(self.recurrent_activation, Text("input, forget, output gates", "输入门、遗忘门、输出门"),
                             factor((3, u), GATE_UNITS))
        terms += _activation(self.activation, Text("candidate and cell state", "候选记忆与细胞状态"),
                             factor((2, u), UNITS))
        terms.append(cost.flops(Text("state updates c = f·c + i·g, h = o·act(c)", "状态更新 c = f·c + i·g，h = o·act(c)"),
                                *_per_unit(4, units)))
        return terms


class GRUCell(_Cell):
    """Update z, reset r, candidate: ``h_t = z·h_{t-1} + (1 − z)·h̃``.

    ``reset_after=True`` (Keras' default, the cuDNN form) keeps two biases per gate:
    one added to ``x·kernel`` and one to ``h·recurrent_kernel``: bias shape (2, 3u).
    """

    GATES = 3
    GATE_WORDS = Text("gates (update, reset, candidate)", "门（更新门、重置门、候选状态）")

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True, seed=None,
                 **kwargs):
        self._init_args = _init_args(locals())
        self._check_units(units)
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self.implementation = implementation
        self._set_cell(units, activation, use_bias, dropout, recurrent_dropout, seed,
                       recurrent_activation)
        self.reset_after = reset_after
        self.state_size = self.units

    def compute_cost(self, input_shape, output_shape=None):
        """One time step: MACs = (d_in + units) × 3 × units (either reset_after); FLOPs = 2 × MACs
        + 3 × units biases (6 × units with reset_after's recurrent bias) + 2 × units recurrent_activation
        (z, r) + units activation + 8 × units (3 sums, r·(h·U_h) or r·h, h = z·h + (1 − z)·h̃)."""
        return super().compute_cost(input_shape, output_shape)

    def _step_flops(self, units, gates) -> list:
        u = units.value
        terms = []
        if self.use_bias:
            if self.reset_after:
                terms.append(cost.flops(Text("input and recurrent bias adds", "加输入偏置和循环偏置"),
                                        factor((2, 3, u), GATE_UNITS)))
            else:
                terms.append(cost.flops(Text("bias add", "加偏置"), gates))
        terms.append(cost.flops(Text("input + recurrent products", "输入与循环乘积相加"), gates))
        terms += _activation(self.recurrent_activation, Text("update and reset gates", "更新门与重置门"),
                             factor((2, u), GATE_UNITS))
        terms += _activation(self.activation, Text("candidate", "候选状态"), units)
        terms.append(cost.flops(Text("reset product and h = z·h + (1 − z)·h̃", "重置门乘积与 h = z·h + (1 − z)·h̃"),
                                *_per_unit(5, units)))
        return terms

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _per_gate_bias(self) -> str:
        return f" + 2 × {num(self.units)}" if self.reset_after else f" + {num(self.units)}"

    def param_rule(self):
        if self.use_bias and self.reset_after:
            return Text(f"3 {self.GATE_WORDS.en} × ((input features + units) × units + 2 × units): "
                        "reset_after=True keeps an input bias and a recurrent bias",
                        f"3 个{self.GATE_WORDS.zh} × ((输入特征数 + 神经元个数) × 神经元个数 + 2 × 神经元个数)："
                        "reset_after=True 时输入偏置和循环偏置各一份")
        return super().param_rule()


class StackedRNNCells(Layer):
    """Several cells run one after another at each time step; cell k's output feeds cell k+1."""

    weight_names_zh = _WEIGHT_NAMES_ZH

    def __init__(self, cells, **kwargs):
        cells = [_maybe_deserialize(c) for c in cells]
        self._init_args = _init_args(locals())
        super().__init__(**kwargs)
        for cell in cells:
            if not isinstance(cell, Layer):
                raise ValueError(
                    f"All cells must have a `call` method. Received cell without a `call` method: {cell}"
                )
            if not hasattr(cell, "state_size"):
                raise ValueError(
                    "All cells must have a `state_size` attribute. "
                    f"Received cell without a `state_size`: {cell}"
                )
        if not cells:
            raise ValueError("`StackedRNNCells` needs at least one cell. Received: cells=[]")
        self.cells = list(cells)
        self._layers.extend(self.cells)

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @staticmethod
    def _output_dim(cell):
        if getattr(cell, "output_size", None) is not None:
            return cell.output_size
        if isinstance(cell.state_size, (list, tuple)):
            return cell.state_size[0]
        return cell.state_size

    @property
    def output_size(self):
        return self._output_dim(self.cells[-1])

    def build(self, input_shape):
        for cell in self.cells:
            if not cell.built:
                cell.build(input_shape)
                cell.built = True
            input_shape = (input_shape[0], self._output_dim(cell))
        self.built = True

    def compute_cost(self, input_shape, output_shape=None):
        """One time step: the cells' costs added up, each cell fed the previous cell's output."""
        total = Cost()
        for cell in self.cells:
            total = total + _prefixed(cell.compute_cost(input_shape, None), cell.name)
            input_shape = (input_shape[0], self._output_dim(cell))
        return total

    def param_formula(self):
        formulas = [c.param_formula() if c.weights else "0" for c in self.cells]
        if any(f is None for f in formulas):
            return None
        return " + ".join(f"({f})" if len(formulas) > 1 and "+" in f else f for f in formulas)

    def param_rule(self):
        return Text("the stacked cells' parameters added up", "各层堆叠单元的参数相加")


# ============================================================================ RNN
class RNN(Layer):
    """Runs ``cell`` over the time axis (axis 1); the weights are the cell's."""

    weight_names_zh = _WEIGHT_NAMES_ZH

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        cell = _maybe_deserialize(cell)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        self._init_args = _init_args(locals())
        if not isinstance(cell, Layer):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell}")
        if not hasattr(cell, "state_size"):
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (single integer or list of "
                "integers, one integer per RNN state). "
                f"Received: cell={cell}"
            )
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self._layers.append(cell)
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError("state_size must be specified as property on the RNN cell.")
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError(
                "state_size must be an integer, or a list/tuple of integers "
                "(one for each state tensor)."
            )
        if isinstance(state_size, int):
            self.state_size, self.single_state = [state_size], True
        else:
            self.state_size, self.single_state = list(state_size), False

    # ------------------------------------------------------------ shapes
    def build(self, sequences_shape, initial_state_shape=None):
        if self._build_shapes is None:
            self._build_shapes = tuple(sequences_shape)
        step_input_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if not self.cell.built:
            self.cell.build(step_input_shape)
            self.cell.built = True
        if self.stateful and sequences_shape[0] is None:
            raise ValueError(
                "When using `stateful=True` in a RNN, the batch size must be static. Found "
                f"dynamic batch size: sequence.shape={tuple(sequences_shape)}"
            )
        self.built = True

    def build_for_call(self, sequences_shape, initial_state=None, *args, **kwargs):
        self.build(sequences_shape, initial_state)

    def _states_shapes(self, batch_size):
        shapes = []
        for size in self.state_size:
            if isinstance(size, int):
                shapes.append((batch_size, size))
            elif isinstance(size, (list, tuple)):
                shapes.append([(batch_size, s) for s in size])
        return shapes

    def _output_size(self):
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = self.state_size[0]
        if not isinstance(output_size, int):
            raise ValueError("output_size must be an integer.")
        return output_size

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch_size, length = sequences_shape[0], sequences_shape[1]
        states = self._states_shapes(batch_size)
        size = self._output_size()
        output = (batch_size, length, size) if self.return_sequences else (batch_size, size)
        if self.return_state:
            return (output, *states)
        return output

    def output_shape_for_call(self, sequences_shape, initial_state=None, *args, **kwargs):
        return self.compute_output_shape(sequences_shape)

    def compute_cost(self, input_shape, output_shape=None):
        """time steps × the cell's cost for one step (see the cell); an unknown (None) sequence
        length makes the figures unknown."""
        step = (input_shape[0],) + tuple(input_shape[2:])
        return repeated(self.cell.compute_cost(step, None), factor(input_shape[1], TIME_STEPS))

    _TF_CELLS = ("SimpleRNNCell", "LSTMCell", "GRUCell")

    def tf_flops(self, input_shape, output_shape=None):
        """TF profiler (d input features, u units, T steps). unroll=False: the loop body once, only its
        input-side ops (shapes of the state-dependent ops are unknown after lowering): SimpleRNN MatMul 2du
        [+ BiasAdd u]; LSTM MatMul 8du + BiasAdd 4u [+ BiasAdd 4u] + Mul u; GRU MatMul 6du [+ BiasAdd 3u].
        unroll=True, T × per step: SimpleRNN MatMul 2du + 2u² [+ BiasAdd u] + AddV2 u; LSTM MatMul 8du + 8u²
        + BiasAdd 4u [+ BiasAdd 4u] + Mul 3u + AddV2 u; GRU (with bias) reset_after: MatMul 6du + 6u²
        + BiasAdd 3u + AddV2 7u + Mul 3u + Sub u, reset_after=False: MatMul 6du + 6u² + BiasAdd 3u + AddV2 4u
        + Mul 3u + Sub u; GRU without bias (either reset_after): MatMul 6du + 6u² + AddV2 4u + Mul 3u + Sub u.
        Activations (tanh, sigmoid ...) 0; others (gelu, swish, hard_sigmoid ...) as the activation table
        on u elements: unroll=False, LSTM only: activation once (g) + recurrent_activation 3 times (i, f, o);
        unroll=True, per step: SimpleRNN activation; LSTM 2 × activation (g, c) + 3 × recurrent_activation;
        GRU activation + 2 × recurrent_activation (z, r)."""
        cell = type(self.cell).__name__
        if cell not in self._TF_CELLS:
            return tf_flops.not_modelled(f"{type(self).__name__} with these arguments")
        d = tf_flops.dims((input_shape[-1],), "the input features")
        u, bias = self.cell.units, self.cell.use_bias
        # Activations other than the free ones (tanh, sigmoid, ...) on u elements: `act` (activation),
        # `rec` (recurrent_activation). unroll=False: SimpleRNN's and GRU's are state-dependent (not
        # counted); LSTM counts those of its gates g (act) and i, f, o (rec), once, not those on c.
        act = tf_flops.activation_ops(self.cell.activation, u)
        rec = tf_flops.activation_ops(getattr(self.cell, "recurrent_activation", None), u)
        if not self.unroll:
            if cell == "SimpleRNNCell":
                return tf_flops.ops(("MatMul", 2 * d * u), ("BiasAdd", u if bias else 0))
            if cell == "LSTMCell":
                return tf_flops.add_ops(
                    tf_flops.ops(("MatMul", 8 * d * u), ("BiasAdd", 4 * u), ("BiasAdd", 4 * u if bias else 0),
                                 ("Mul", u)), act, tf_flops.scale_ops(rec, 3))
            return tf_flops.ops(("MatMul", 6 * d * u), ("BiasAdd", 3 * u if bias else 0))
        t = tf_flops.dims((input_shape[1],), "the number of steps")
        if cell == "SimpleRNNCell":
            step = tf_flops.add_ops(tf_flops.ops(("MatMul", 2 * d * u + 2 * u * u), ("BiasAdd", u if bias else 0),
                                                 ("AddV2", u)), act)
        elif cell == "LSTMCell":
            step = tf_flops.ops(("MatMul", 8 * d * u + 8 * u * u), ("BiasAdd", 4 * u),
                                ("BiasAdd", 4 * u if bias else 0), ("Mul", 3 * u), ("AddV2", u))
        elif not bias:  # measured: the same with reset_after True or False
            step = tf_flops.ops(("MatMul", 6 * d * u + 6 * u * u), ("AddV2", 4 * u), ("Mul", 3 * u), ("Sub", u))
        elif self.cell.reset_after:
            step = tf_flops.ops(("MatMul", 6 * d * u + 6 * u * u), ("BiasAdd", 3 * u), ("AddV2", 7 * u),
                                ("Mul", 3 * u), ("Sub", u))
        else:
            step = tf_flops.ops(("MatMul", 6 * d * u + 6 * u * u), ("BiasAdd", 3 * u), ("AddV2", 4 * u),
                                ("Mul", 3 * u), ("Sub", u))
        if cell == "LSTMCell":  # activation on g and on c, recurrent_activation on i, f, o
            step = tf_flops.add_ops(step, tf_flops.scale_ops(act, 2), tf_flops.scale_ops(rec, 3))
        elif cell == "GRUCell":  # activation on the candidate, recurrent_activation on z and r
            step = tf_flops.add_ops(step, act, tf_flops.scale_ops(rec, 2))
        return tf_flops.scale_ops(step, t)

    # ------------------------------------------------------------ cloning (Bidirectional)
    def _clone(self, name, go_backwards):
        """A new layer from this one's arguments (as Keras' config round trip makes one)."""
        args = dict(self._init_args)
        for key in ("input_shape", "input_dim", "batch_input_shape", "batch_size"):
            args.pop(key, None)
        if "cell" in args:
            cell = args["cell"]
            args["cell"] = _clone_cell(cell)
        args.update(name=name, go_backwards=go_backwards, trainable=self.trainable,
                    dtype=self.dtype_policy)
        clone = type(self)(**args)
        if self.built and self._build_shapes is not None:  # Keras rebuilds from build_config
            clone.build(self._build_shapes)
        return clone

    # ------------------------------------------------------------ explanations
    def explain_params(self):
        steps = super().explain_params()
        if isinstance(self.cell, StackedRNNCells) and len(steps) > 1:
            return _prefixed_weight_steps(self, steps, self.cell.cells)
        return steps

    def param_formula(self):
        if isinstance(self.cell, (_Cell, StackedRNNCells)):
            return self.cell.param_formula()
        return None

    def param_rule(self):
        if isinstance(self.cell, (_Cell, StackedRNNCells)):
            rule = self.cell.param_rule()
            return Text(rule.en + "; the same weights at every time step",
                        rule.zh + "；每个时间步共用同一组权重")
        return None

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        flat = _flat_shapes(out)
        size = self._output_size()
        steps = [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {_shapes_text(flat)}", flat)]
        if self.return_sequences:
            steps.append(Step("shape", Text("time steps", "时间步数"), num(input_shape[1]), input_shape[1],
                              Text("return_sequences=True: one output per time step",
                                   "return_sequences=True：每个时间步都输出")))
        else:
            steps.append(Step("shape", Text("time steps", "时间步数"), f"{num(input_shape[1])} → 1", 1,
                              Text("return_sequences=False: only the last step's output; the time axis "
                                   "is dropped",
                                   "return_sequences=False：只输出最后一个时间步，时间维被去掉")))
        steps.append(Step("shape", Text("output features", "输出特征数"), f"units = {num(size)}", size,
                          Text("one value per unit", "每个神经元一个值")))
        if self.return_state:
            states = _flat_shapes(self._states_shapes(input_shape[0]))
            states = [states] if is_shape(states) else states
            steps.append(Step("shape", Text("final states", "最终状态"), _shapes_text(states), states,
                              Text("return_state=True: each state after the last step is an output too",
                                   "return_state=True：最后一步后的每个状态也作为输出")))
        return steps


def _clone_cell(cell):
    """A copy of a cell with the same name and arguments (weights not shared)."""
    if isinstance(cell, StackedRNNCells):
        args = dict(cell._init_args)
        args["cells"] = [_clone_cell(c) for c in cell.cells]
        args.update(name=cell.name, trainable=cell.trainable, dtype=cell.dtype_policy)
        return StackedRNNCells(**args)
    if isinstance(cell, _Cell):
        args = dict(cell._init_args)
        args.update(name=cell.name, trainable=cell.trainable, dtype=cell.dtype_policy)
        return type(cell)(**args)
    raise Unsupported(f"nncalc cannot copy the custom cell '{cell.name}' ({type(cell).__name__})")


def _cell_kwargs(kwargs):
    return {"dtype": kwargs.get("dtype", None), "trainable": kwargs.get("trainable", True)}


class SimpleRNN(RNN):
    """A fully-connected RNN: ``SimpleRNNCell`` (named ``simple_rnn_cell``) over the time axis."""

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, seed=None, **kwargs):
        init_args = _init_args(locals())
        cell = SimpleRNNCell(units, activation=activation, use_bias=use_bias, dropout=dropout,
                             recurrent_dropout=recurrent_dropout, seed=seed, name="simple_rnn_cell",
                             **_cell_kwargs(kwargs))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll, **kwargs)
        self._init_args = init_args
        self.input_spec = [InputSpec(ndim=3)]

    @property
    def units(self):
        return self.cell.units

    def compute_cost(self, input_shape, output_shape=None):
        """T × SimpleRNNCell: MACs = T × (d_in + units) × units; FLOPs = 2 × MACs + T × units × (sum + bias
        + activation); T None → unknown."""
        return super().compute_cost(input_shape, output_shape)


class LSTM(RNN):
    """Long Short-Term Memory: ``LSTMCell`` (named ``lstm_cell``) over the time axis."""

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        init_args = _init_args(locals())
        cell = LSTMCell(units, activation=activation, recurrent_activation=recurrent_activation,
                        use_bias=use_bias, unit_forget_bias=unit_forget_bias, dropout=dropout,
                        recurrent_dropout=recurrent_dropout, name="lstm_cell", seed=seed,
                        implementation=kwargs.pop("implementation", 2), **_cell_kwargs(kwargs))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self._init_args = init_args
        self.input_spec = InputSpec(ndim=3)
        _check_cudnn(use_cudnn)
        self.use_cudnn = use_cudnn

    @property
    def units(self):
        return self.cell.units

    def compute_cost(self, input_shape, output_shape=None):
        """T × LSTMCell: MACs = T × (d_in + units) × 4 × units; FLOPs = 2 × MACs + T × units × (8 biases and
        sums + 3 sigmoid + 2 tanh + 4 state updates); T None → unknown."""
        return super().compute_cost(input_shape, output_shape)


class GRU(RNN):
    """Gated Recurrent Unit: ``GRUCell`` (named ``gru_cell``) over the time axis."""

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs):
        init_args = _init_args(locals())
        cell = GRUCell(units, activation=activation, recurrent_activation=recurrent_activation,
                       use_bias=use_bias, dropout=dropout, recurrent_dropout=recurrent_dropout,
                       reset_after=reset_after, name="gru_cell", seed=seed,
                       implementation=kwargs.pop("implementation", 2), **_cell_kwargs(kwargs))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self._init_args = init_args
        self.input_spec = InputSpec(ndim=3)
        _check_cudnn(use_cudnn)
        self.use_cudnn = use_cudnn

    @property
    def units(self):
        return self.cell.units

    def compute_cost(self, input_shape, output_shape=None):
        """T × GRUCell: MACs = T × (d_in + units) × 3 × units; FLOPs = 2 × MACs + T × units × (3 or 6 biases
        + 3 sums + 2 sigmoid + 1 tanh + 5 reset/update ops); T None → unknown."""
        return super().compute_cost(input_shape, output_shape)

    @property
    def reset_after(self):
        return self.cell.reset_after


def _check_cudnn(use_cudnn):
    if use_cudnn not in ("auto", True, False):
        raise ValueError(
            "Invalid valid received for argument `use_cudnn`. Expected one of "
            f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn}"
        )


# ============================================================================ wrappers
class Bidirectional(Layer):
    """A forward copy and a backward (``go_backwards``) copy of an RNN, outputs merged.

    merge_mode ``concat`` doubles the last axis; ``sum`` / ``mul`` / ``ave`` keep it;
    ``None`` returns both outputs. Params = forward params + backward params.
    """

    MERGE_MODES = ("sum", "mul", "ave", "concat", None)

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        layer = _maybe_deserialize(layer)
        backward_layer = _maybe_deserialize(backward_layer)
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. "
                f"Received: {layer}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                f"`backward_layer` need to be a `keras.layers.Layer` instance. Received: {backward_layer}"
            )
        if merge_mode not in self.MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        super().__init__(**kwargs)
        if not isinstance(layer, RNN):
            # Keras rebuilds the layer from its config with go_backwards=True; only RNNs take it.
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(layer).__name__}: {{'go_backwards': True}}"
            )
        self.forward_layer = layer._clone(f"forward_{_removeprefix(layer.name, 'forward_')}",
                                          layer.go_backwards)
        if backward_layer is None:
            self.backward_layer = layer._clone(f"backward_{_removeprefix(layer.name, 'backward_')}", True)
        else:
            self.backward_layer = backward_layer
        self._verify_layer_config()
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.input_spec = layer.input_spec
        self._layers.extend([self.forward_layer, self.backward_layer])

    def _verify_layer_config(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == getattr(backward, "go_backwards", None):
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` value. "
                f"Received: forward_layer.go_backwards {forward.go_backwards}, "
                f"backward_layer.go_backwards={backward.go_backwards}"
            )
        for attribute in ("stateful", "return_sequences", "return_state"):
            forward_value = getattr(forward, attribute)
            backward_value = getattr(backward, attribute)
            if forward_value != backward_value:
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same value for "
                    f'attribute "{attribute}", got "{forward_value}" for forward layer and '
                    f'"{backward_value}" for backward layer'
                )

    def build(self, sequences_shape, initial_state_shape=None):
        if self._build_shapes is None:
            self._build_shapes = tuple(sequences_shape)
        if not self.forward_layer.built:
            self.forward_layer.build(sequences_shape)
        if not self.backward_layer.built:
            self.backward_layer.build(sequences_shape)
        self.built = True

    def build_for_call(self, sequences_shape, initial_state=None, *args, **kwargs):
        self.build(sequences_shape, initial_state)

    def _merged(self, output_shape):
        if self.merge_mode == "concat":
            output_shape = list(output_shape)
            output_shape[-1] *= 2
            return tuple(output_shape)
        if self.merge_mode is None:
            return [output_shape, output_shape]
        return output_shape

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        output_shape = self.forward_layer.compute_output_shape(sequences_shape)
        state_shape = ()
        if self.return_state:
            output_shape, state_shape = output_shape[0], output_shape[1:]
        output_shape = self._merged(output_shape)
        if self.return_state:
            if self.merge_mode is None:
                return tuple(output_shape) + state_shape + state_shape
            return (output_shape,) + state_shape + state_shape
        return tuple(output_shape)

    def output_shape_for_call(self, sequences_shape, initial_state=None, *args, **kwargs):
        return self.compute_output_shape(sequences_shape)

    def compute_cost(self, input_shape, output_shape=None):
        """The forward and the backward layer's costs + the merge per output element of one direction:
        concat and None 0, sum and mul 1, ave 2 ((y + y_rev) / 2)."""
        forward = self.forward_layer.compute_cost(input_shape, None)
        backward = self.backward_layer.compute_cost(input_shape, None)
        same = ([(t.kind, t.label, t.formula()) for t in forward.terms]
                == [(t.kind, t.label, t.formula()) for t in backward.terms])
        if same and forward.unknown is None and backward.unknown is None:
            total = repeated(forward, Factor(2, "2", Text("directions", "个方向")))
        else:
            total = _prefixed(forward, self.forward_layer.name) + _prefixed(backward, self.backward_layer.name)
        per = {"sum": 1, "mul": 1, "ave": 2}.get(self.merge_mode, 0)
        if per:
            one = self.forward_layer.compute_output_shape(input_shape)
            one = one[0] if self.return_state else one
            extra = [Factor(per, str(per), PER_ELEMENT)] if per > 1 else []
            total = total + Cost([cost.flops(Text(f"merge ({self.merge_mode})", f"合并（{self.merge_mode}）"),
                                             cost.elements(one), *extra)])
        return total

    def tf_flops(self, input_shape, output_shape=None):
        """TF profiler: the forward and the backward layer's counts, plus the merge of the two outputs
        (N = elements of one direction's output, Keras uses Python operators so never BiasAdd):
        concat / None: 0; sum: AddV2 N; mul: Mul N; ave: AddV2 N + RealDiv N."""
        if self.merge_mode not in ("concat", None, "sum", "mul", "ave"):
            return tf_flops.not_modelled(f"Bidirectional(merge_mode={self.merge_mode!r})")
        forward = tf_flops.as_tf_flops(self.forward_layer.tf_flops(input_shape, None))
        backward = tf_flops.as_tf_flops(self.backward_layer.tf_flops(input_shape, None))
        merge = {}
        if self.merge_mode in ("sum", "mul", "ave"):
            one = self.forward_layer.compute_output_shape(input_shape)
            one = one[0] if self.return_state else one
            n = tf_flops.size(one, "the output")
            merge = {"sum": {"AddV2": n}, "mul": {"Mul": n}, "ave": {"AddV2": n, "RealDiv": n}}[self.merge_mode]
        return forward + backward + tf_flops.as_tf_flops(merge)

    # ------------------------------------------------------------ explanations
    weight_names_zh = _WEIGHT_NAMES_ZH

    def param_formula(self):
        forward, backward = self.forward_layer.param_formula(), self.backward_layer.param_formula()
        if forward is None or backward is None:
            return None
        if forward == backward:
            return f"2 × ({forward})"
        return f"({forward}) + ({backward})"

    def explain_params(self):
        steps = super().explain_params()
        if len(steps) > 1:
            return _prefixed_weight_steps(self, steps, [self.forward_layer, self.backward_layer])
        return steps

    def param_rule(self):
        return Text("forward layer + backward layer (two independent copies)",
                    "前向层 + 反向层（两份独立的权重）")

    def explain_shape(self, input_shape):
        out = _flat_shapes(self.compute_output_shape(input_shape))
        one = self.forward_layer.compute_output_shape(input_shape)
        one_output = one[0] if self.return_state else one
        mode = self.merge_mode
        steps = [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {_shapes_text(out)}", out)]
        one_direction = self.forward_layer.explain_shape(input_shape)[1:]
        steps += one_direction[:-1] if self.return_state else one_direction
        last = one_output[-1]
        if mode == "concat":
            steps.append(Step("shape", Text("last axis", "最后一维"), f"2 × {num(last)}",
                              None if last is None else 2 * last,
                              Text("merge_mode='concat': forward and backward outputs side by side",
                                   "merge_mode='concat'：前向与反向输出拼接")))
        elif mode is None:
            steps.append(Step("shape", Text("outputs", "输出"), _shapes_text([one_output, one_output]),
                              [one_output, one_output],
                              Text("merge_mode=None: the forward and the backward output, separately",
                                   "merge_mode=None：前向输出和反向输出分别返回")))
        else:
            steps.append(Step("shape", Text("last axis", "最后一维"), num(last), last,
                              Text(f"merge_mode='{mode}': element-wise, the size is kept",
                                   f"merge_mode='{mode}'：逐元素合并，大小不变")))
        if self.return_state:
            states = _flat_shapes(list(one[1:]) * 2)
            steps.append(Step("shape", Text("final states", "最终状态"), _shapes_text(states), states,
                              Text("return_state=True: the states of both directions follow",
                                   "return_state=True：随后是两个方向的状态")))
        return steps


class TimeDistributed(Layer):
    """Applies one layer to every time step (axis 1) with a single set of weights."""

    def __init__(self, layer, **kwargs):
        layer = _maybe_deserialize(layer)
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. "
                f"Received: {layer}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self._layers.append(layer)

    @staticmethod
    def _child_input_shape(input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions, received: {input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape):
        child = self._child_input_shape(input_shape)
        if not self.layer.built:
            self.layer.build(child)
            self.layer.built = True
        self.built = True

    def _child_output_shape(self, input_shape):
        out = self.layer.compute_output_shape(self._child_input_shape(input_shape))
        if not is_shape(out):
            raise Unsupported(
                f"TimeDistributed over '{self.layer.name}' ({type(self.layer).__name__}), a layer "
                "with several outputs, is not modelled by nncalc"
            )
        return out

    def compute_output_shape(self, input_shape):
        out = self._child_output_shape(input_shape)
        return (out[0], input_shape[1], *out[1:])

    def compute_cost(self, input_shape, output_shape=None):
        """time steps × the wrapped layer's cost on one step's shape; an unknown (None) number of
        time steps makes the figures unknown."""
        child = self.layer.compute_cost(self._child_input_shape(input_shape), self._child_output_shape(input_shape))
        return repeated(child, factor(input_shape[1], TIME_STEPS))

    def tf_flops(self, input_shape, output_shape=None):
        """TF profiler: time steps × the wrapped layer's count on one step (every op, also those
        that do not grow with the batch, such as BatchNormalization's Rsqrt, is counted per step)."""
        steps = tf_flops.dims((input_shape[1],), "the number of time steps")
        child = tf_flops.as_tf_flops(
            self.layer.tf_flops(self._child_input_shape(input_shape), self._child_output_shape(input_shape)))
        return tf_flops.scale_ops(child, steps) if child.known else child

    @property
    def weight_names_zh(self):
        return self.layer.weight_names_zh

    def param_formula(self):
        return self.layer.param_formula()

    def param_rule(self):
        rule = self.layer.param_rule()
        en = "the wrapped layer's weights, shared by every time step"
        zh = "被包装层的权重，所有时间步共用"
        if rule is None:
            return Text(en, zh)
        return Text(f"{rule.en} ({en})", f"{rule.zh}（{zh}）")

    def explain_shape(self, input_shape):
        child_in = self._child_input_shape(input_shape)
        child_out = self._child_output_shape(input_shape)
        out = (child_out[0], input_shape[1], *child_out[1:])
        return [
            Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out,
                 Text(f"the time axis ({num(input_shape[1])}) is kept; each step goes through "
                      f"'{self.layer.name}'",
                      f"保留时间维（{num(input_shape[1])}）；每个时间步分别经过 '{self.layer.name}'")),
            Step("shape", Text("one time step", "单个时间步"),
                 f"{shape_text(child_in)} → {shape_text(child_out)}", child_out,
                 Text(f"{type(self.layer).__name__} on one step", f"{type(self.layer).__name__} 作用于单个时间步")),
        ]


# ============================================================================ ConvLSTM
_AXIS_NAMES = {
    1: [Text("length", "长度")],
    2: [Text("height", "高"), Text("width", "宽")],
    3: [Text("depth", "深"), Text("height", "高"), Text("width", "宽")],
}


class _ConvLSTMCell(Layer):
    """An LSTM cell whose matrix products are convolutions (Keras' ``ConvLSTMCell``).

    kernel ``kernel_size + (C_in, 4·filters)``, recurrent_kernel ``kernel_size + (filters,
    4·filters)`` (always stride 1, 'same'), bias ``(4·filters,)``.
    """

    weight_names_zh = {"kernel": "输入卷积核", "recurrent_kernel": "循环卷积核", "bias": "偏置"}

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.rank = rank
        if rank > 3:
            raise ValueError(f"Rank {rank} convolutions are not currently implemented. Received: rank={rank}")
        self.filters = filters
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please provide "
                f"`strides=1` or `dilation_rate=1`. Received: strides={self.strides} and "
                f"dilation_rate={self.dilation_rate}"
            )
        if 0 in self.strides:
            raise Unsupported("ConvLSTM with a zero stride is not modelled by nncalc")
        self.activation = activation_name(activation)
        self.recurrent_activation = activation_name(recurrent_activation)
        self.use_bias = use_bias
        self.unit_forget_bias = unit_forget_bias
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.state_size = -1  # as Keras: the state shapes come from compute_output_shape

    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def build(self, inputs_shape, states_shape=None):
        spatial = inputs_shape[2:] if self.data_format == "channels_first" else inputs_shape[1:-1]
        if None in spatial:
            raise ValueError(
                "ConvLSTM layers only support static input shapes for the spatial dimension. "
                f"Received invalid input shape: input_shape={tuple(inputs_shape)}"
            )
        input_dim = inputs_shape[self._channel_axis()]
        if input_dim is None:
            raise ValueError(
                "The channel dimension of the inputs (last axis) should be defined. Found None. "
                f"Full input shape received: input_shape={tuple(inputs_shape)}"
            )
        self.input_dim = input_dim
        self.kernel = self.add_weight(shape=self.kernel_size + (input_dim, self.filters * 4), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=self.kernel_size + (self.filters, self.filters * 4),
                                                name="recurrent_kernel")
        self.bias = self.add_weight(shape=(self.filters * 4,), name="bias") if self.use_bias else None
        self.built = True

    def spatial(self, step_shape):
        """One :class:`Derived` output size per spatial axis of one time step."""
        return spatial_outputs(step_shape, "kernel size", self.kernel_size, self.strides, self.padding,
                               self.dilation_rate, self.data_format)

    def compute_output_shape(self, inputs_shape, states_shape=None):
        spatial = tuple(d.value for d in self.spatial(inputs_shape))
        if self.data_format == "channels_last":
            out = (inputs_shape[0],) + spatial + (self.filters,)
        else:
            out = (inputs_shape[0], self.filters) + spatial
        return out, [out, out]

    def compute_cost(self, input_shape, output_shape=None):
        """One time step, P = output positions, F = filters: MACs = P × (kernel × C_in) × 4F (input
        convolutions) + P × (kernel × F) × 4F (recurrent ones, 'same'); FLOPs = 2 × MACs + P × F × (4 biases
        + 4 sums + 3 recurrent_activation + 2 activation + 4 state updates)."""
        positions = factor(tuple(d.value for d in self.spatial(input_shape)), POSITIONS)
        f = self.filters
        gates = factor((4, f), Text("gate filters", "个门卷积核"))
        per_filter = Text("per filter", "每个卷积核")
        terms = [cost.macs(Text("input convolutions", "输入卷积"), positions,
                           factor(self.kernel_size + (input_shape[self._channel_axis()],), per_filter), gates),
                 cost.macs(Text("recurrent convolutions", "循环卷积"), positions,
                           factor(self.kernel_size + (f,), per_filter), gates)]
        if self.use_bias:
            terms.append(cost.flops(Text("bias add", "加偏置"), positions, gates))
        terms.append(cost.flops(Text("input + recurrent convolutions", "输入与循环卷积相加"), positions, gates))
        filters = factor(f, Text("filters", "个卷积核"))
        terms += _activation(self.recurrent_activation, Text("input, forget, output gates", "输入门、遗忘门、输出门"),
                             positions, factor((3, f), Text("gate filters", "个门卷积核")))
        terms += _activation(self.activation, Text("candidate and cell state", "候选记忆与细胞状态"),
                             positions, factor((2, f), Text("filters", "个卷积核")))
        terms.append(cost.flops(Text("state updates c = f·c + i·g, h = o·act(c)", "状态更新 c = f·c + i·g，h = o·act(c)"),
                                positions, filters, Factor(4, "4", Text("per value", "每个值"))))
        return Cost(terms)

    def param_formula(self):
        kernel = " × ".join(num(k) for k in self.kernel_size)
        inner = f"{kernel} × ({num(self.input_dim)} + {num(self.filters)}) × {num(self.filters)}"
        return f"4 × ({inner} + {num(self.filters)})" if self.use_bias else f"4 × {inner}"

    def param_rule(self):
        bias_en, bias_zh = (" + filters", " + 卷积核个数") if self.use_bias else ("", "")
        return Text(
            f"4 gates (input, forget, candidate, output) × (kernel size × (input channels + filters) "
            f"× filters{bias_en}): each gate convolves the input and the previous state",
            f"4 个门（输入门、遗忘门、候选记忆、输出门）× (卷积核大小 × (输入通道数 + 卷积核个数) "
            f"× 卷积核个数{bias_zh})：每个门对输入和上一步状态各做一次卷积")


class ConvLSTM(RNN):
    """An LSTM whose gates are convolutions: every time step is an image (or volume)."""

    rank = 2

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        init_args = _init_args(locals())
        cell = _ConvLSTMCell(rank=rank, filters=filters, kernel_size=kernel_size, strides=strides,
                             padding=padding, data_format=data_format, dilation_rate=dilation_rate,
                             activation=activation, recurrent_activation=recurrent_activation,
                             use_bias=use_bias, unit_forget_bias=unit_forget_bias, dropout=dropout,
                             recurrent_dropout=recurrent_dropout, seed=seed, name="conv_lstm_cell",
                             dtype=kwargs.get("dtype"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful,
                         activity_regularizer=activity_regularizer, **kwargs)
        self._init_args = init_args
        self.input_spec = InputSpec(ndim=rank + 3)

    weight_names_zh = _ConvLSTMCell.weight_names_zh

    @property
    def filters(self):
        return self.cell.filters

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch_size, steps = sequences_shape[0], sequences_shape[1]
        step_shape = (batch_size,) + tuple(sequences_shape[2:])
        state_shape = self.cell.compute_output_shape(step_shape)[0][1:]
        if self.return_sequences:
            output = (batch_size, steps) + state_shape
        else:
            output = (batch_size,) + state_shape
        if self.return_state:
            state = (batch_size,) + state_shape
            return output, state, state
        return output

    def tf_flops(self, input_shape, output_shape=None):
        """TF profiler: the loop body once, and only its input side (the recurrent convolution depends on the
        state, whose shape is unknown after lowering): the input convolution, Conv2D (1-D and 2-D) / Conv3D
        2 × (P·f) × 4 × prod(kernel_size) × C_in (P·f = elements of one step's output), + AddV2 4·P·f for
        the bias (Python +). channels_first, a dilated 3-D cell, activations other than the free ones: not
        modelled."""
        cell = self.cell
        free = tf_flops.FREE_ACTIVATIONS
        if (cell.data_format != "channels_last" or cell.activation not in free
                or cell.recurrent_activation not in free or (cell.rank == 3 and max(cell.dilation_rate) > 1)):
            return tf_flops.not_modelled(f"{type(self).__name__} with these arguments")
        out = self.compute_output_shape(input_shape)
        out = tuple(out[0]) if isinstance(out[0], (tuple, list)) else tuple(out)
        if self.return_sequences:
            out = out[:1] + out[2:]
        step = tf_flops.size(out, "the output")
        c_in = tf_flops.dims((input_shape[-1],), "the input channels")
        conv = 2 * step * 4 * math.prod(cell.kernel_size) * c_in
        return tf_flops.ops(("Conv3D" if cell.rank == 3 else "Conv2D", conv), ("AddV2", 4 * step if cell.use_bias else 0))

    def param_formula(self):
        return self.cell.param_formula()

    def compute_cost(self, input_shape, output_shape=None):
        """T × one step (P = output positions, F = filters): MACs = T × P × kernel × (C_in + F) × 4F;
        FLOPs = 2 × MACs + T × P × F × (4 biases + 4 sums + 3 sigmoid + 2 tanh + 4 state updates)."""
        return super().compute_cost(input_shape, output_shape)

    def param_rule(self):
        rule = self.cell.param_rule()
        return Text(rule.en + "; the same weights at every time step", rule.zh + "；每个时间步共用同一组权重")

    def explain_shape(self, input_shape):
        flat = _flat_shapes(self.compute_output_shape(input_shape))
        steps = [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {_shapes_text(flat)}", flat)]
        if self.return_sequences:
            steps.append(Step("shape", Text("time steps", "时间步数"), num(input_shape[1]), input_shape[1],
                              Text("return_sequences=True: one output per time step",
                                   "return_sequences=True：每个时间步都输出")))
        else:
            steps.append(Step("shape", Text("time steps", "时间步数"), f"{num(input_shape[1])} → 1", 1,
                              Text("return_sequences=False: only the last step's output; the time axis "
                                   "is dropped",
                                   "return_sequences=False：只输出最后一个时间步，时间维被去掉")))
        step_shape = (input_shape[0],) + tuple(input_shape[2:])
        names = _AXIS_NAMES[self.cell.rank]
        for i, derived in enumerate(self.cell.spatial(step_shape)):
            steps.append(Step("shape", names[i], derived.formula, derived.value,
                              window_rule(self.cell.padding, self.cell.dilation_rate[i])))
        steps.append(Step("shape", Text("channels", "通道数"), "filters", self.filters,
                          Text("one output channel per filter", "每个卷积核输出一个通道")))
        if self.return_state:
            state = self.compute_output_shape(input_shape)[1]
            steps.append(Step("shape", Text("final states", "最终状态"), _shapes_text([state, state]),
                              [state, state],
                              Text("return_state=True: h and c after the last step are outputs too",
                                   "return_state=True：最后一步后的 h 和 c 也作为输出")))
        return steps


def _conv_lstm(rank_value: int, doc: str):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        init_args = _init_args(locals())
        init_args.pop("rank_value", None)  # the closure's variable, not an argument
        ConvLSTM.__init__(
            self, rank=rank_value, filters=filters, kernel_size=kernel_size, strides=strides,
            padding=padding, data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            unit_forget_bias=unit_forget_bias, activity_regularizer=activity_regularizer,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
            stateful=stateful, **kwargs)
        self._init_args = init_args

    return type(f"ConvLSTM{rank_value}D", (ConvLSTM,), {"__init__": __init__, "__doc__": doc,
                                                      "rank": rank_value, "__module__": __name__})


ConvLSTM1D = _conv_lstm(1, "1D convolutional LSTM: input (batch, time, length, channels).")
ConvLSTM2D = _conv_lstm(2, "2D convolutional LSTM: input (batch, time, rows, cols, channels).")
ConvLSTM3D = _conv_lstm(3, "3D convolutional LSTM: input (batch, time, depth, rows, cols, channels).")


EXPORTS = {
    "RNN": RNN,
    "SimpleRNN": SimpleRNN,
    "LSTM": LSTM,
    "GRU": GRU,
    "SimpleRNNCell": SimpleRNNCell,
    "LSTMCell": LSTMCell,
    "GRUCell": GRUCell,
    "StackedRNNCells": StackedRNNCells,
    "Bidirectional": Bidirectional,
    "TimeDistributed": TimeDistributed,
    "ConvLSTM1D": ConvLSTM1D,
    "ConvLSTM2D": ConvLSTM2D,
    "ConvLSTM3D": ConvLSTM3D,
}
