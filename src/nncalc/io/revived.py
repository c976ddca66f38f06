"""What a Keras config may hold besides ``keras.layers`` classes, revived for summaries.

* **Operations** (``"module": "keras.src.ops.numpy"`` / ``".nn"`` / ``".math"``): a
  functional model built with ``x + 3.0`` or ``keras.ops.multiply(x, y)`` records the
  operation as a node of its graph, and Keras' summary shows it as a row (``add (Add)``,
  no weights). The classes are those of :mod:`nncalc.ops` (the same a script's
  ``keras.ops`` calls create), found by their Keras class name.
* **Layers of ``keras.applications``** that are not in ``keras.layers``: ConvNeXt's
  ``LayerScale`` and ``StochasticDepth``, Inception-ResNet-v2's ``CustomScaleLayer``.

These classes are reachable only from configs (files and live Keras models), never as
``keras.layers.*`` names of a script.
"""

from __future__ import annotations

from ..core import cost, tf_flops
from ..core.explain import OUTPUT_SHAPE, Step, Text, identity_shape_steps, num, shape_text
from ..core.layer import Layer
from ..core.tensor import is_shape
from ..ops.base import Constant, Operation, operand_shape  # noqa: F401  (re-exported: io.config, core.masking)
from ..ops.shapes import broadcast_shapes

_LAYER_KEYWORDS = ("name", "trainable", "dtype")


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
# Keras class names of element-wise ops that older files (or other backends) may use.
_ALIASES = {"Abs": "Absolute", "Swish": "Silu", "HardSwish": "HardSilu"}


def operation_class(class_name: str):
    """The nncalc Operation class for a config's ``keras.src.ops.*`` class name, else None."""
    global OPERATIONS
    if OPERATIONS is None:
        from ..ops import operation_classes

        OPERATIONS = operation_classes()
    return OPERATIONS.get(_ALIASES.get(class_name, class_name))


OPERATIONS = None


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

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: one Mul per output element."""
        return {"Mul": tf_flops.size(output_shape, "the output")}

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

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: nothing at inference (the input is returned)."""
        return {}

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

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: a Mul per element of ``inputs[1]``, then Keras' add (AddV2, or BiasAdd) per output element."""
        first, second = (tf_flops.at_batch_1(s) for s in input_shape)
        return tf_flops.add_ops({"Mul": tf_flops.size(input_shape[1], "inputs[1]")},
                                {tf_flops.keras_add_op(first, second): tf_flops.size(output_shape, "the output")})

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
        return operation_class(class_name)
    return APPLICATION_LAYERS.get(module, {}).get(class_name)
