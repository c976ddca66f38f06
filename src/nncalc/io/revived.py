"""What a Keras config may hold besides ``keras.layers`` classes, revived for summaries.

* **Operations** (``"module": "keras.src.ops.numpy"`` / ``".nn"`` / ``".math"``): a
  functional model built with ``x + 3.0`` or ``keras.ops.multiply(x, y)`` records the
  operation as a node of its graph, and Keras' summary shows it as a row (``add (Add)``,
  no weights). Element-wise operations are modelled: unary ones keep the shape, binary
  ones broadcast their operands as ``keras.src.ops.operation_utils.broadcast_shapes``
  does (batch axis included; a Python number is a scalar, a serialized constant tensor
  has its own shape).
* **Layers of ``keras.applications``** that are not in ``keras.layers``: ConvNeXt's
  ``LayerScale`` and ``StochasticDepth``, Inception-ResNet-v2's ``CustomScaleLayer``.

These classes are reachable only from configs (files and live Keras models), never as
``keras.layers.*`` names of a script.
"""

from __future__ import annotations

from ..core import cost
from ..core.explain import OUTPUT_SHAPE, Step, Text, identity_shape_steps, num, shape_text
from ..core.layer import Layer
from ..core.tensor import KerasTensor, is_shape

_LAYER_KEYWORDS = ("name", "trainable", "dtype")


class Constant:
    """A constant tensor of a config (``{"class_name": "__tensor__", "config": {"value": ...}}``)."""

    def __init__(self, value, dtype=None):
        shape, level = [], value
        while isinstance(level, list):
            shape.append(len(level))
            level = level[0] if level else None
        self.const_shape = tuple(shape)
        self.const_dtype = dtype

    def __repr__(self) -> str:
        return f"<constant shape={self.const_shape}>"


def operand_shape(value) -> tuple:
    """Shape of one operand: a tensor's shape, a constant's, or () for a number."""
    if is_shape(value):
        return tuple(value)
    if isinstance(value, Constant):
        return value.const_shape
    if isinstance(value, (list, tuple)):  # a nested Python list of numbers
        return Constant(list(value)).const_shape
    return ()


def broadcast_shapes(shape1, shape2) -> tuple:
    """``keras.src.ops.operation_utils.broadcast_shapes``, rule for rule."""
    shape1, shape2 = list(shape1), list(shape2)
    origin1, origin2 = shape1, shape2
    if len(shape1) > len(shape2):
        shape2 = [1] * (len(shape1) - len(shape2)) + shape2
    if len(shape1) < len(shape2):
        shape1 = [1] * (len(shape2) - len(shape1)) + shape1
    out = list(shape1)
    for i, (a, b) in enumerate(zip(shape1, shape2)):
        if a == 1:
            out[i] = b
        elif a is None:
            out[i] = None if b == 1 else b
        elif b == 1 or b is None or b == a:
            out[i] = a
        else:
            raise ValueError(
                f"Cannot broadcast shape, the failure dim has value {a}, which cannot be "
                f"broadcasted to {b}. Input shapes are: {origin1} and {origin2}."
            )
    return tuple(out)


def _broadcast_steps(shapes, out, operation: Text) -> list[Step]:
    if all(tuple(s) == tuple(out) for s in shapes):
        rule = Text(f"the operands have the same shape; {operation.en}", f"各操作数形状相同；{operation.zh}")
    else:
        rule = Text(
            f"{operation.en}; shapes are aligned on their last axes and broadcast: a size-1 (or "
            "missing) axis takes the other operand's size",
            f"{operation.zh}；各形状按最后几维对齐并广播：大小为 1（或缺少）的维度取另一操作数的大小",
        )
    formula = ", ".join(shape_text(s) for s in shapes) + f" → {shape_text(out)}"
    return [Step("shape", OUTPUT_SHAPE, formula, out, rule)]


# ---------------------------------------------------------------------- keras.ops operations
class Operation(Layer):
    """A ``keras.ops`` operation in a functional graph: no weights, always built."""

    operation = Text("computed element by element", "逐元素计算")
    is_operation = True  # not in Functional.layers (as in Keras), yet a row of the summary

    def __init__(self, **config):
        super().__init__(**{k: v for k, v in config.items() if k in ("name",)})
        self.built = True

    def output_dtype(self, inputs) -> str:
        return inputs.dtype if isinstance(inputs, KerasTensor) else "float32"

    flops_per_element = 1

    def cost_for_call(self, output_shape, *args, **kwargs):
        """FLOPs = output elements × 1 (softmax and log-softmax: 3); no MACs."""
        factors = [cost.elements(output_shape)]
        if self.flops_per_element != 1:
            factors.append(cost.Factor(self.flops_per_element, str(self.flops_per_element),
                                       Text("per element", "每个元素")))
        return cost.Cost([cost.flops(self.operation, *factors)])


class UnaryOperation(Operation):
    """``f(x)`` element by element: the output has the input's shape."""

    def compute_output_shape(self, input_shape):
        return operand_shape(input_shape)

    def explain_shape(self, input_shape):
        return identity_shape_steps(operand_shape(input_shape))


class BinaryOperation(Operation):
    """``f(x1, x2)`` element by element, with broadcasting."""

    def output_shape_for_call(self, x1, x2=None, *args, **kwargs):
        return broadcast_shapes(operand_shape(x1), operand_shape(x2))

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list) and len(input_shape) == 2:
            return self.output_shape_for_call(*input_shape)
        return operand_shape(input_shape)

    def explain_for_call(self, x1, x2=None, *args, **kwargs):
        shapes = [operand_shape(x1), operand_shape(x2)]
        return _broadcast_steps(shapes, broadcast_shapes(*shapes), self.operation)


def _operation_class(name: str, base, en: str, zh: str):
    return type(name, (base,), {"operation": Text(en, zh), "__doc__": f"``keras.ops`` {name}: {en}."})


_BINARY = {
    "Add": ("added element by element", "逐元素相加"),
    "Subtract": ("subtracted element by element", "逐元素相减"),
    "Multiply": ("multiplied element by element", "逐元素相乘"),
    "Divide": ("divided element by element", "逐元素相除"),
    "TrueDivide": ("divided element by element", "逐元素相除"),
    "FloorDivide": ("divided element by element (floor)", "逐元素整除"),
    "Mod": ("remainder element by element", "逐元素取余"),
    "Power": ("raised to a power element by element", "逐元素求幂"),
    "Maximum": ("maximum element by element", "逐元素取最大值"),
    "Minimum": ("minimum element by element", "逐元素取最小值"),
}
_UNARY = (
    "Abs", "Absolute", "Negative", "Sqrt", "Square", "Exp", "Log", "Log1p", "Expm1", "Reciprocal",
    "Sign", "Floor", "Ceil", "Sin", "Cos", "Tanh", "Rsqrt", "Erf",
    "Relu", "Relu6", "Sigmoid", "HardSigmoid", "Silu", "Swish", "HardSilu", "HardSwish", "Gelu",
    "Elu", "Selu", "Softplus", "Softsign", "LeakyRelu", "Softmax", "LogSoftmax", "Mish",
)
OPERATIONS = {name: _operation_class(name, BinaryOperation, *words) for name, words in _BINARY.items()}
OPERATIONS.update({name: _operation_class(name, UnaryOperation, "applied element by element", "逐元素计算")
                   for name in _UNARY})
for _name in ("Softmax", "LogSoftmax"):
    OPERATIONS[_name].flops_per_element = 3


# ---------------------------------------------------------------------- keras.applications layers
class LayerScale(Layer):
    """ConvNeXt's ``x * gamma``: one trainable scale per channel, ``gamma`` of shape (projection_dim,)."""

    weight_names_zh = {"variable": "缩放系数"}

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(self.projection_dim,), trainable=True)
        self.built = True

    def compute_output_shape(self, input_shape):
        return broadcast_shapes(input_shape, (self.projection_dim,))

    def param_formula(self):
        return num(self.projection_dim)

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = 1 multiply per output element."""
        return cost.Cost([cost.flops(Text("scale by gamma", "乘以 gamma"), cost.elements(output_shape))])

    def param_rule(self):
        return Text("projection_dim: one scale per channel", "projection_dim：每个通道一个缩放系数")

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        return _broadcast_steps([tuple(input_shape), (self.projection_dim,)], out,
                                Text("the input is multiplied by gamma", "输入乘以 gamma"))


class StochasticDepth(Layer):
    """ConvNeXt's drop-path: drops whole residual branches in training; the shape is kept."""

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate
        self.built = True

    def compute_cost(self, input_shape, output_shape):
        """0: drop-path only acts in training."""
        return cost.free(cost.INFERENCE_NOOP)

    def compute_output_shape(self, input_shape):
        return input_shape

    def explain_shape(self, input_shape):
        return identity_shape_steps(input_shape)


class CustomScaleLayer(Layer):
    """Inception-ResNet-v2's ``inputs[0] + inputs[1] * scale`` (a list of two tensors)."""

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def compute_output_shape(self, input_shape):
        if not (isinstance(input_shape, (list, tuple)) and len(input_shape) == 2
                and all(is_shape(s) for s in input_shape)):
            raise ValueError(f"CustomScaleLayer takes a list of two tensors. Received: input_shape={input_shape}")
        return broadcast_shapes(*input_shape)

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = 2 per output element (a multiply and an add)."""
        return cost.Cost([cost.flops(Text("inputs[0] + inputs[1] × scale", "inputs[0] + inputs[1] × scale"),
                                     cost.elements(output_shape), cost.Factor(2, "2", Text("per element", "每个元素")))])

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        formula = f"inputs[0] + inputs[1] × {self.scale}"
        return _broadcast_steps(list(input_shape), out, Text(formula, formula))


APPLICATION_LAYERS = {
    "keras.src.applications.convnext": {"LayerScale": LayerScale, "StochasticDepth": StochasticDepth},
    "keras.src.applications.inception_resnet_v2": {"CustomScaleLayer": CustomScaleLayer},
}


def revived_class(module, class_name: str):
    """The nncalc class for a config entry outside ``keras.layers``, else None."""
    module = module or ""
    if module.startswith("keras.src.ops.") or module == "keras.ops" or module.startswith("keras.ops."):
        return OPERATIONS.get(class_name)
    return APPLICATION_LAYERS.get(module, {}).get(class_name)
