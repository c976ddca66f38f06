"""Merging layers: called on a LIST of tensors, no weights.

* ``Add``, ``Subtract`` (exactly 2 inputs), ``Multiply``, ``Average``, ``Maximum``,
  ``Minimum``: element-wise; the non-batch shapes are aligned on their last axes and
  broadcast axis by axis (a size-1 axis takes the other size; unknown gives unknown).
* ``Concatenate``: joins the inputs along ``axis``; the other axes must agree.
* ``Dot``: batch dot product over ``axes``.

The lower-case functions (``add``, ``concatenate``, ...) make the layer (its automatic
name as usual: ``add``, ``add_1``, ...) and call it on the inputs.
"""

from __future__ import annotations

from ..core.explain import OUTPUT_SHAPE, Step, Text, num, shape_text
from ..core import cost
from ..core import tf_flops
from ..core.cost import Factor, factor
from ..core.layer import Layer


def _shapes_text(shapes) -> str:
    return ", ".join(shape_text(s) for s in shapes)


# ---------------------------------------------------------------------- element-wise merges
class Merge(Layer):
    """Base of the merging layers: input = list of tensors."""

    # (English verb phrase, Chinese) for the explanation of element-wise merges.
    operation = Text("combined element by element", "逐元素合并")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    @staticmethod
    def _broadcast(shape1, shape2):
        """Shapes (without the batch axis) aligned on the right and broadcast, as Keras does."""
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            shape1, shape2 = shape2, shape1
        if not shape2:
            return tuple(shape1)
        result = list(shape1[: len(shape1) - len(shape2)])
        for a, b in zip(shape1[len(shape1) - len(shape2):], shape2):
            if a is None or b is None:
                result.append(None)
            elif a == 1:
                result.append(b)
            elif b == 1 or a == b:
                result.append(a)
            else:
                raise ValueError(
                    f"Inputs have incompatible shapes. Received shapes {tuple(shape1)} and {tuple(shape2)}"
                )
        return tuple(result)

    def _merged_features(self, input_shapes):
        merged = None if input_shapes[0] is None else tuple(input_shapes[0][1:])
        for shape in input_shapes[1:]:
            merged = self._broadcast(merged, None if shape is None else tuple(shape[1:]))
        return merged

    def build(self, input_shape):
        if not (isinstance(input_shape, (tuple, list)) and input_shape
                and all(isinstance(s, (tuple, list)) for s in input_shape)):
            raise ValueError(
                "A merge layer should be called on a list of inputs. Received: "
                f"input_shape={input_shape} (not a list of shapes)"
            )
        if len(input_shape) < 1:
            raise ValueError(
                "A merge layer should be called on a list of at least 1 input. Received "
                f"{len(input_shape)} inputs. Full input_shape received: {input_shape}"
            )
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                "Cannot merge tensors with different batch sizes. Received tensors with shapes "
                f"{input_shape}"
            )
        self._merged_features(input_shape)  # raises on incompatible shapes
        self.built = True

    def compute_output_shape(self, input_shape):
        merged = self._merged_features(input_shape)
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        batch = next(iter(batch_sizes)) if len(batch_sizes) == 1 else None
        return (batch,) + merged

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        ranks = {len(s) for s in input_shape}
        same = all(tuple(s) == tuple(out) for s in input_shape)
        if same:
            rule = Text(f"the inputs have the same shape; they are {self.operation.en}",
                        f"各输入形状相同，{self.operation.zh}")
        else:
            rule = Text(
                f"{self.operation.en}; shapes are aligned on their last axes and broadcast: "
                "a size-1 axis takes the other input's size"
                + ("" if len(ranks) == 1 else ", missing leading axes are added"),
                f"{self.operation.zh}；各形状按最后几维对齐并广播：大小为 1 的维度取另一输入的大小"
                + ("" if len(ranks) == 1 else "，缺少的前导维度补齐"),
            )
        return [Step("shape", OUTPUT_SHAPE, f"{_shapes_text(input_shape)} → {shape_text(out)}", out, rule)]

    # The elementwise op between two inputs (Add: add, ...), for the cost's explanation.
    op_name = Text("combine", "合并")

    def _merge_terms(self, input_shape, output_shape) -> list:
        """One op per element of each pairwise result: inputs[0] op inputs[1], then op inputs[2], ..."""
        shapes = [tuple(s[1:]) for s in input_shape]
        n = len(shapes)
        partial, merged = [], shapes[0]
        for shape in shapes[1:]:
            merged = self._broadcast(merged, shape)
            partial.append(merged)
        if not partial:
            return []
        label = Text(f"element-wise {self.op_name.en} of {n} inputs", f"{n} 个输入逐元素{self.op_name.zh}")
        if all(p == tuple(output_shape[1:]) for p in partial):
            factors = [cost.elements(output_shape)]
            if n > 2:
                factors.append(Factor(n - 1, str(n - 1), Text("ops per element (n - 1)", "次运算每元素（n - 1）")))
            return [cost.flops(label, *factors)]
        return [cost.flops(Text(f"{self.op_name.en} input {i + 2} (broadcast)", f"{self.op_name.zh}第 {i + 2} 个输入（广播）"),
                           factor(p, cost.ELEMENTS)) for i, p in enumerate(partial)]

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = n - 1 per output element for n inputs (one op per element of each pairwise
        result, broadcast shapes included)."""
        terms = self._merge_terms(input_shape, output_shape)
        return cost.Cost(terms) if terms else cost.free(Text("a single input is returned", "只有一个输入，原样返回"))

    TF_OPS = {"Add": "add", "Average": "add", "Subtract": "Sub", "Multiply": "Mul", "Maximum": "Maximum",
              "Minimum": "Minimum"}

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: one op per element of each pairwise result (n - 1 for n inputs, broadcast shapes
        included): AddV2 (BiasAdd when the batch-1 bias rule of Keras' ops.add applies), Sub, Mul, Maximum,
        Minimum; Average adds RealDiv per output element."""
        op = next((self.TF_OPS[k.__name__] for k in type(self).__mro__ if k.__name__ in self.TF_OPS), None)
        if op is None:
            return tf_flops.not_modelled(type(self).__name__)
        shapes = [tf_flops.at_batch_1(s) for s in input_shape]
        for s in shapes:
            tf_flops.dims(s, "an input dimension")
        current, result = shapes[0], {}
        for other in shapes[1:]:
            rank = max(len(current), len(other))
            a, b = (1,) * (rank - len(current)) + current, (1,) * (rank - len(other)) + other
            out = tuple(max(x, y) for x, y in zip(a, b))
            name = tf_flops.keras_add_op(current, other) if op == "add" else op
            result = tf_flops.add_ops(result, {name: tf_flops.dims(out)})
            current = out
        if type(self).__name__ == "Average" or any(k.__name__ == "Average" for k in type(self).__mro__):
            result = tf_flops.add_ops(result, {"RealDiv": tf_flops.dims(current)})
        return result


class Add(Merge):
    """Element-wise sum of the inputs."""

    operation = Text("added element by element", "逐元素相加")

    op_name = Text("add", "相加")


class Subtract(Merge):
    """``inputs[0] - inputs[1]``: exactly two inputs."""

    operation = Text("subtracted element by element", "逐元素相减")

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                f"A `Subtract` layer should be called on exactly 2 inputs. Received: input_shape={input_shape}"
            )

    op_name = Text("subtract", "相减")


class Multiply(Merge):
    """Element-wise product of the inputs."""

    operation = Text("multiplied element by element", "逐元素相乘")

    op_name = Text("multiply", "相乘")


class Average(Merge):
    """Element-wise mean of the inputs."""

    operation = Text("averaged element by element", "逐元素求平均")

    op_name = Text("add", "相加")

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = n per output element for n inputs: n - 1 adds (as Add) and a divide by n."""
        terms = self._merge_terms(input_shape, output_shape)
        terms.append(cost.flops(Text(f"divide by {len(input_shape)}", f"除以 {len(input_shape)}"),
                                cost.elements(output_shape)))
        return cost.Cost(terms)


class Maximum(Merge):
    """Element-wise maximum of the inputs."""

    operation = Text("reduced to their element-wise maximum", "逐元素取最大值")

    op_name = Text("maximum", "取最大值")


class Minimum(Merge):
    """Element-wise minimum of the inputs."""

    operation = Text("reduced to their element-wise minimum", "逐元素取最小值")

    op_name = Text("minimum", "取最小值")


# ---------------------------------------------------------------------- Concatenate
class Concatenate(Merge):
    """Joins the inputs along ``axis``: that axis' sizes add up, the others must agree."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self._reshape_required = False

    def build(self, input_shape):
        if len(input_shape) < 1 or not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of at least 1 input. "
                f"Received: input_shape={input_shape}"
            )
        error = ValueError(
            "A `Concatenate` layer requires inputs with matching shapes except for the "
            f"concatenation axis. Received: input_shape={input_shape}"
        )
        others = set()
        for shape in input_shape:
            shape = list(shape)
            self.axis % len(shape)  # Keras computes it (a non-int axis fails here)
            # Keras removes the concatenation axis when the rank exceeds ``axis`` (any
            # negative axis; a too-negative one is an IndexError).
            if len(shape) > self.axis:
                del shape[self.axis]
            others.add(tuple(shape))
        if len(others) != 1:
            ranks = {len(s) for s in others}
            if len(ranks) != 1:
                raise error
            for i in range(ranks.pop()):
                if len({s[i] for s in others if s[i] is not None}) > 1:
                    raise error
        self.built = True

    def _concat_size(self, input_shape):
        """The summed size on ``axis`` and the sizes read (Keras stops at the first unknown).

        A single input is returned as it is (Keras reads no axis then).
        """
        if len(input_shape) == 1:
            return None, []
        total = input_shape[0][self.axis]
        sizes = [total]
        for shape in input_shape[1:]:
            if total is None:
                break
            sizes.append(shape[self.axis])
            if sizes[-1] is None:
                total = None
                break
            total += sizes[-1]
        return total, sizes

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or not all(isinstance(s, (tuple, list)) for s in input_shape):
            raise ValueError(
                f"A `Concatenate` layer should be called on a list of inputs. Received: input_shape={input_shape}"
            )
        out = list(input_shape[0])
        if len(input_shape) > 1:
            out[self.axis] = self._concat_size(input_shape)[0]
        return tuple(out)

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        if len(input_shape) == 1:
            return [Step("shape", OUTPUT_SHAPE, shape_text(out), out,
                         Text("a single input is passed through", "只有一个输入，原样输出"))]
        total, sizes = self._concat_size(input_shape)
        axis = self.axis % len(input_shape[0])
        rule = Text(f"axis {self.axis} sizes add up; the other axes are those of the first input",
                    f"第 {self.axis} 轴的大小相加，其余维度取第一个输入的大小")
        steps = [Step("shape", OUTPUT_SHAPE, f"{_shapes_text(input_shape)} → {shape_text(out)}", out, rule)]
        formula = " + ".join(num(s) for s in sizes) + (" + …" if len(sizes) < len(input_shape) else "")
        steps.append(Step("shape", Text(f"concatenated axis {axis}", f"拼接轴 {axis}"), formula, total,
                          None if total is not None else
                          Text("an unknown size makes the sum unknown", "有未知大小，总和未知")))
        return steps

    def compute_cost(self, input_shape, output_shape):
        """0: the inputs are placed side by side (no arithmetic)."""
        return cost.free(Text("the inputs are placed side by side: no arithmetic", "输入并排放置：无算术运算"))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 0 (ConcatV2)."""
        return {}


# ---------------------------------------------------------------------- Dot
class Dot(Merge):
    """Dot product of two inputs over ``axes`` (one axis of each), sample by sample.

    Output: the first shape without its ``axes[0]``, then the second without its batch
    axis and its ``axes[1]``; a result of rank 1 gets a trailing axis of 1.
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(
                    "Invalid type for argument `axes`: it should be a list or an int. "
                    f"Received: axes={axes}"
                )
            if len(axes) != 2:
                raise ValueError(
                    "Invalid format for argument `axes`: it should contain two elements. "
                    f"Received: axes={axes}"
                )
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError(
                    "Invalid format for argument `axes`: list elements should be integers. "
                    f"Received: axes={axes}"
                )
        self.axes = axes
        self.normalize = normalize
        self._reshape_required = False

    def _pair(self, shape1, shape2):
        """The two contracted axes, as Keras resolves them (an int below 0 wraps per input)."""
        if isinstance(self.axes, int):
            if self.axes < 0:
                return [self.axes % len(shape1), self.axes % len(shape2)]
            return [self.axes, self.axes]
        return list(self.axes)

    def build(self, input_shape):
        if not isinstance(input_shape[0], (tuple, list)) or len(input_shape) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={input_shape}"
            )
        shape1, shape2 = input_shape
        a1, a2 = self._pair(shape1, shape2)
        if shape1[a1] != shape2[a2]:
            raise ValueError(
                f"Incompatible input shapes: axis values {shape1[a1]} (at axis {a1}) != "
                f"{shape2[a2]} (at axis {a2}). Full input shapes: {shape1}, {shape2}"
            )
        self.built = True

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={input_shape}"
            )
        first, second = list(input_shape[0]), list(input_shape[1])
        a1, a2 = self._pair(first, second)
        first.pop(a1)
        second.pop(a2)
        second.pop(0)  # the batch axis
        out = first + second
        if len(out) == 1:
            out.append(1)
        return tuple(out)

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        a1, a2 = self._pair(input_shape[0], input_shape[1])
        size = input_shape[0][a1]
        rule = Text(
            f"sums over axis {a1} of the first input and axis {a2} of the second (size {num(size)}); "
            "the result keeps the first input's other axes, then the second's other non-batch axes"
            + (" (a single axis gets a trailing 1)" if len(out) == 2 and out[-1] == 1 else ""),
            f"对第一个输入的第 {a1} 轴与第二个输入的第 {a2} 轴（大小 {num(size)}）求点积；"
            "结果保留第一个输入的其余维度，再接第二个输入除批维度外的其余维度"
            + ("（只剩一维时末尾补 1）" if len(out) == 2 and out[-1] == 1 else ""),
        )
        return [Step("shape", OUTPUT_SHAPE, f"{_shapes_text(input_shape)} → {shape_text(out)}", out, rule)]

    def compute_cost(self, input_shape, output_shape):
        """MACs = (first input's sizes but batch and summed axis) × (second's) × summed size; with
        normalize=True + per input 3 FLOPs per element (square, sum, × rsqrt) + 2 per vector (rsqrt, min)."""
        shape1, shape2 = input_shape
        a1, a2 = (a % len(s) for a, s in zip(self._pair(shape1, shape2), (shape1, shape2)))
        rest1 = tuple(d for i, d in enumerate(shape1) if i not in (0, a1))
        rest2 = tuple(d for i, d in enumerate(shape2) if i not in (0, a2))
        size = shape1[a1] if shape1[a1] is not None else shape2[a2]
        factors = [factor(rest, Text(f"positions of input {i}", f"个输入 {i} 的位置"))
                   for i, rest in ((1, rest1), (2, rest2)) if rest]
        terms = [cost.macs(Text(f"dot products over axis {a1} / {a2}", f"沿轴 {a1} / {a2} 的点积"), *factors,
                           factor(size, Text("summed", "个求和项")))]
        if self.normalize:
            for i, (shape, rest) in enumerate(((shape1, rest1), (shape2, rest2)), start=1):
                terms.append(cost.flops(Text(f"L2-normalize input {i}: square, sum, multiply by rsqrt",
                                             f"输入 {i} 的 L2 归一化：平方、求和、乘以 rsqrt"),
                                        cost.elements(shape), Factor(3, "3", Text("per element", "每个元素"))))
                terms.append(cost.flops(Text(f"L2-normalize input {i}: rsqrt, min with 1/ε",
                                             f"输入 {i} 的 L2 归一化：rsqrt、与 1/ε 取最小"),
                                        factor(rest, Text("vectors", "个向量")),
                                        Factor(2, "2", Text("per vector", "每个向量"))))
        return cost.Cost(terms)

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: BatchMatMulV2 = 2 × summed size × output elements; normalize=True adds per input
        (N_i elements, R_i vectors) Square N_i + Sum (N_i - R_i) + Minimum R_i + Rsqrt 2R_i + Mul N_i."""
        shape1, shape2 = input_shape
        a1, a2 = (a % len(s) for a, s in zip(self._pair(shape1, shape2), (shape1, shape2)))
        rest1 = [d for i, d in enumerate(shape1) if i not in (0, a1)]
        rest2 = [d for i, d in enumerate(shape2) if i not in (0, a2)]
        size = shape1[a1] if shape1[a1] is not None else shape2[a2]
        result = tf_flops.ops(("BatchMatMulV2", 2 * tf_flops.dims(rest1 + rest2 + [size], "a dot dimension")))
        if self.normalize:
            for shape, axis in ((shape1, a1), (shape2, a2)):
                n = tf_flops.size(shape, "an input")
                r = n // shape[axis]
                result = tf_flops.add_ops(result, tf_flops.ops(("Square", n), ("Sum", n - r), ("Minimum", r),
                                                               ("Rsqrt", 2 * r), ("Mul", n)))
        return result


# ---------------------------------------------------------------------- functional forms
def add(inputs, **kwargs):
    """``keras.layers.add``: a new ``Add`` layer called on ``inputs``."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """``keras.layers.subtract``: a new ``Subtract`` layer called on ``inputs``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """``keras.layers.multiply``: a new ``Multiply`` layer called on ``inputs``."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """``keras.layers.average``: a new ``Average`` layer called on ``inputs``."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """``keras.layers.maximum``: a new ``Maximum`` layer called on ``inputs``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """``keras.layers.minimum``: a new ``Minimum`` layer called on ``inputs``."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """``keras.layers.concatenate``: a new ``Concatenate(axis)`` called on ``inputs``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """``keras.layers.dot``: a new ``Dot(axes)`` called on ``inputs``."""
    return Dot(axes=axes, **kwargs)(inputs)


EXPORTS = {
    "Add": Add, "Subtract": Subtract, "Multiply": Multiply, "Average": Average,
    "Maximum": Maximum, "Minimum": Minimum, "Concatenate": Concatenate, "Dot": Dot,
    "add": add, "subtract": subtract, "multiply": multiply, "average": average,
    "maximum": maximum, "minimum": minimum, "concatenate": concatenate, "dot": dot,
}
