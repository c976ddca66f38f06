"""Seeded generator of random Keras model-definition scripts.

Each generated script is plain Python source that builds one Keras model
(``Sequential([...])``, ``Sequential()`` + ``.add()``, or a functional
``Model(inputs, outputs)``), possibly containing nested models, a shared
``Dense`` and frozen layers, and ends with one or more ``model.summary(...)``
calls.  Only these APIs are used: ``Input``, ``InputLayer``, ``Dense``,
``Conv2D``, ``MaxPooling2D``/``MaxPool2D``, ``Flatten``, ``Dropout``,
``Activation``, ``Sequential``, ``Model``, ``.trainable``, ``.build``,
``.count_params`` and ``.compile``.

Variety beyond the obvious: seven import forms, positional and
keyword arguments, automatic and explicit names (a few in Chinese, which take
two cells per character), models nested two deep, unbuilt or deferred-build
Sequentials (sometimes with a fixed batch size), unknown image sizes
``(None, None, C)``, intermediate tensors as extra outputs, and ``summary``
options (``line_length``, ``positions``, ``expand_nested``,
``show_trainable``, ``layer_range``).

Shapes are tracked while generating so every model is valid for Keras (the
differential tests check that Keras accepts each one).  The same seed always
yields the same scripts.

    >>> scripts = generate_scripts(seed=1, n=3)
    >>> [script_id for script_id, _ in scripts]
    ['gen_1_000', 'gen_1_001', 'gen_1_002']
"""

from __future__ import annotations

import math
import random

SYMBOLS = ("Input", "InputLayer", "Sequential", "Model", "Dense", "Conv2D",
           "MaxPooling2D", "MaxPool2D", "Flatten", "Dropout", "Activation")
LAYER_SYMBOLS = SYMBOLS[4:]


def _spellings(layers: str, input_: str, sequential: str, model: str) -> dict[str, str]:
    """How each symbol is written: layers under ``layers`` plus three others."""
    return ({s: layers + s for s in LAYER_SYMBOLS + ("InputLayer",)}
            | {"Input": input_, "Sequential": sequential, "Model": model})


# Import style -> (import lines, spellings).  The "from_*" styles import names
# directly; their import lines are built from the symbols a script uses.
STYLES = {
    "keras": ("import keras",
              _spellings("keras.layers.", "keras.Input", "keras.Sequential", "keras.Model")),
    "keras_layers": ("import keras\nfrom keras import layers",
                     _spellings("layers.", "keras.Input", "keras.Sequential", "keras.Model")),
    "tf_keras": ("from tensorflow import keras",
                 _spellings("keras.layers.", "keras.Input", "keras.Sequential",
                            "keras.models.Model")),
    "tf_keras_layers": ("from tensorflow import keras\nfrom tensorflow.keras import layers",
                        _spellings("layers.", "layers.Input", "keras.Sequential", "keras.Model")),
    "tf": ("import tensorflow as tf",
           _spellings("tf.keras.layers.", "tf.keras.Input", "tf.keras.Sequential",
                      "tf.keras.Model")),
    "from_tf_layers": (None, _spellings("", "Input", "Sequential", "Model")),
    "from_keras_models": (None, _spellings("", "Input", "Sequential", "Model")),
}


def _from_imports(style: str, used: set[str]) -> str:
    """``from X import a, b`` lines for the direct-import styles."""
    models = sorted(used & {"Sequential", "Model"})
    names = sorted(used - {"Sequential", "Model"})
    pkg = "tensorflow.keras" if style == "from_tf_layers" else "keras"
    lines = [f"from {pkg}.models import {', '.join(models)}"] if models else []
    if names:
        lines.append(f"from {pkg}.layers import {', '.join(names)}")
    return "\n".join(lines)


ACTIVATIONS = ("relu", "relu", "sigmoid", "tanh", "softmax", "linear", "elu",
               "selu", "softplus", "gelu", "swish")
UNITS = (1, 2, 3, 4, 8, 10, 16, 32, 64, 100, 128, 256, 512)
NAME_LABELS = {"Dense": "Dense", "Conv2D": "Conv", "MaxPooling2D": "Pool",
               "MaxPool2D": "Pool", "Flatten": "Flat", "Dropout": "Drop",
               "Activation": "Act", "Input": "In", "InputLayer": "In",
               "Sequential": "Block", "Model": "Net"}
# Rarely, explicit names in Chinese (double-width cells in the table).
CJK_LABELS = {"Dense": "全连接", "Conv2D": "卷积", "MaxPooling2D": "池化",
              "MaxPool2D": "池化", "Flatten": "展平", "Dropout": "丢弃",
              "Activation": "激活", "Input": "输入", "InputLayer": "输入",
              "Sequential": "模块", "Model": "模型"}
PREFIXES = {"Dense": "dense", "Conv2D": "conv2d", "MaxPooling2D": "max_pooling2d",
            "MaxPool2D": "max_pooling2d", "Flatten": "flatten", "Dropout": "dropout",
            "Activation": "activation", "Input": "input_layer",
            "Sequential": "sequential", "Model": "functional"}


def _tuple(values) -> str:
    """Python source for a tuple, e.g. ``(16,)`` or ``(28, 28, 1)``."""
    return repr(tuple(values))


class _Step:
    """One element of a chain: a layer expression or a nested model variable."""

    def __init__(self, expr: str, kind: str, shape: tuple, name: str | None,
                 nested: bool = False):
        self.expr, self.kind, self.shape, self.name = expr, kind, shape, name
        self.nested = nested


class _ScriptBuilder:
    """Accumulates the source lines of one script while tracking shapes."""

    def __init__(self, rng: random.Random, style: str):
        self.rng, self.style = rng, style
        self.lines: list[str] = []
        self.used: set[str] = set()
        self.counters: dict[str, int] = {}
        self.nested_vars: list[str] = []

    # -- small helpers -------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def sym(self, name: str) -> str:
        """Spelling of ``name`` in this script's import style."""
        self.used.add(name)
        return STYLES[self.style][1][name]

    def var(self, stem: str) -> str:
        """A fresh Python variable name: ``x``, ``x1``, ``x2``..."""
        n = self.counters.get("var:" + stem, 0)
        self.counters["var:" + stem] = n + 1
        return stem if n == 0 else f"{stem}{n}"

    def explicit_name(self, kind: str) -> str:
        """A unique explicit layer name that cannot clash with automatic ones."""
        label = (CJK_LABELS if self.chance(0.1) else NAME_LABELS)[kind]
        n = self.counters.get(label, 0) + 1
        self.counters[label] = n
        return f"{label}_{n}"

    def header(self) -> str:
        head = STYLES[self.style][0]
        return head if head else _from_imports(self.style, self.used)

    # -- layers --------------------------------------------------------------
    def layer(self, shape: tuple, kind: str | None = None) -> _Step:
        """A random layer (of ``kind`` if given) valid for input ``shape``.

        Shapes exclude the batch dimension.
        """
        rank = len(shape)
        choices = ["Dense"] * 4 + ["Dropout", "Activation"]
        if rank == 3 and None in shape:  # Flatten would leave Dense an unknown size
            choices = ["Conv2D"] * 4 + ["MaxPooling2D", "MaxPool2D", "Dropout",
                                        "Activation", "Dense"]
        elif rank == 3:
            choices = ["Conv2D"] * 4 + ["MaxPooling2D", "MaxPool2D", "Flatten"] * 2 + [
                "Dropout", "Activation", "Dense"]
            if min(shape[:2]) < 2:
                choices = ["Flatten"] * 3 + ["Dense"]
        elif rank == 2:
            choices = ["Flatten"] * 3 + ["Dense"] * 2 + ["Dropout"]
        elif self.chance(0.03):
            choices = ["Flatten"]
        kind = kind or self.rng.choice(choices)
        make = getattr(self, "_" + PREFIXES[kind].replace("_", ""))
        args, out = make(shape)
        name = None
        if self.chance(0.15):
            name = self.explicit_name(kind)
            args.append(f"name={name!r}")
        if kind in ("Dense", "Conv2D") and self.chance(0.08):
            args.append("trainable=False")
        return _Step(f"{self.sym(kind)}({', '.join(args)})", kind, out, name)

    def _dense(self, shape):
        fan_in = shape[-1]
        units = self.rng.choice([u for u in UNITS if u * fan_in <= 2_000_000] or [1])
        args = [f"units={units}" if self.chance(0.3) else str(units)]
        if self.chance(0.6):
            args.append(f"activation={self.rng.choice(ACTIVATIONS)!r}")
        if self.chance(0.15):
            args.append("use_bias=False")
        return args, shape[:-1] + (units,)

    def _conv2d(self, shape):
        h, w, c = shape
        if h is None:  # any kernel fits an unknown size
            h = w = 64
        for _ in range(20):
            filters = self.rng.choice((1, 2, 4, 8, 16, 32, 64))
            kh = self.rng.choice((1, 2, 3, 3, 3, 5))
            kw = kh if self.chance(0.8) else self.rng.choice((1, 2, 3))
            stride = self.rng.choice((1, 1, 1, 2))
            dil = 2 if stride == 1 and self.chance(0.15) else 1
            padding = self.rng.choice(("valid", "same"))
            if padding == "valid":
                oh = (h - (kh - 1) * dil - 1) // stride + 1
                ow = (w - (kw - 1) * dil - 1) // stride + 1
            else:
                oh, ow = math.ceil(h / stride), math.ceil(w / stride)
            if oh >= 1 and ow >= 1 and filters * c * kh * kw <= 500_000:
                break
        else:
            filters, kh, kw, stride, dil, padding, oh, ow = 4, 1, 1, 1, 1, "valid", h, w
        kernel = str(kh) if kh == kw and self.chance(0.5) else _tuple((kh, kw))
        if self.chance(0.5):
            args = [f"filters={filters}", f"kernel_size={kernel}"]
        else:
            args = [str(filters), kernel]
        if stride != 1 or self.chance(0.2):
            args.append(f"strides={stride}" if self.chance(0.5)
                        else f"strides={_tuple((stride, stride))}")
        if padding == "same" or self.chance(0.3):
            args.append(f"padding={padding!r}")
        if dil != 1:
            args.append(f"dilation_rate={dil}")
        if self.chance(0.1):
            args.append("data_format='channels_last'")
        if self.chance(0.6):
            args.append(f"activation={self.rng.choice(ACTIVATIONS)!r}")
        if self.chance(0.1):
            args.append("use_bias=False")
        return args, (oh, ow, filters) if shape[0] else (None, None, filters)

    def _maxpooling2d(self, shape):
        h, w, c = shape
        if h is None:
            h = w = 64
        pool = self.rng.choice((2, 2, 3)) if min(h, w) >= 3 else 2
        stride = self.rng.choice((None, None, 1, 2, pool))
        padding = self.rng.choice(("valid", "valid", "same"))
        s = stride or pool
        if padding == "valid":
            oh, ow = (h - pool) // s + 1, (w - pool) // s + 1
        else:
            oh, ow = math.ceil(h / s), math.ceil(w / s)
        args = []
        if pool != 2 or self.chance(0.5):
            args.append(self.rng.choice((str(pool), _tuple((pool, pool)), f"pool_size={pool}",
                                         f"pool_size={_tuple((pool, pool))}")))
        if stride is not None or self.chance(0.2):
            args.append(f"strides={stride}" if stride is None or self.chance(0.5)
                        else f"strides={_tuple((stride, stride))}")
        if padding == "same" or self.chance(0.2):
            args.append(f"padding={padding!r}")
        return args, (oh, ow, c) if shape[0] else (None, None, c)

    def _flatten(self, shape):
        return [], (math.prod(shape),)

    def _dropout(self, shape):
        return [repr(self.rng.choice((0.1, 0.2, 0.25, 0.3, 0.5)))], shape

    def _activation(self, shape):
        return [repr(self.rng.choice(ACTIVATIONS))], shape

    # -- chains and models ---------------------------------------------------
    def random_shape(self) -> tuple:
        kind = self.rng.random()
        if kind < 0.45:
            return (self.rng.choice((4, 8, 10, 16, 20, 32, 64, 100, 128, 784)),)
        if kind < 0.85:
            h = self.rng.choice((8, 12, 16, 28, 32))
            w = h if self.chance(0.8) else self.rng.choice((8, 10, 20))
            if self.chance(0.1):
                h = w = None  # any image size
            return (h, w, self.rng.choice((1, 1, 3)))
        return self.rng.choice(((28, 28), (10, 8), (6, 4)))

    def chain(self, shape: tuple, length: int, depth: int,
              nest_first: bool = True) -> list[_Step]:
        """``length`` random steps starting from ``shape``; may nest models."""
        steps: list[_Step] = []
        for i in range(length):
            if depth < 2 and (i or nest_first) and self.chance(0.12 if depth == 0 else 0.1):
                steps.append(self.nested_model(shape, depth + 1))
            else:
                steps.append(self.layer(shape))
            shape = steps[-1].shape
        return steps

    def nested_model(self, shape: tuple, depth: int) -> _Step:
        """Define an inner model taking ``shape`` now; return it as a step."""
        var = self.var("block")
        self.nested_vars.append(var)
        steps = self.chain(shape, self.rng.randint(1, 3), depth)
        name = self.explicit_name("Sequential") if self.chance(0.2) else None
        name_kw = [f"name={name!r}"] if name else []
        if self.chance(0.5):
            kind = "Sequential"
            items = [s.expr for s in steps]
            if self.chance(0.6):  # otherwise it is built when first called
                items.insert(0, f"{self.sym('Input')}(shape={_tuple(shape)})")
            args = ["[" + ", ".join(items) + "]"] + name_kw
            self.lines.append(f"{var} = {self.sym('Sequential')}({', '.join(args)})")
        else:
            kind = "Model"
            x = inp = self.var("inner_in")
            self.lines.append(f"{inp} = {self.sym('Input')}(shape={_tuple(shape)})")
            for s in steps:
                out = self.var("h")
                self.lines.append(f"{out} = {s.expr}({x})")
                x = out
            self.lines.append(f"{var} = {self.sym('Model')}({', '.join([inp, x] + name_kw)})")
        if self.chance(0.15):
            self.lines.append(f"{var}.trainable = False")
        return _Step(var, kind, steps[-1].shape, name, nested=True)


def _positions(rng: random.Random, columns: int) -> str:
    """Random increasing relative column positions.

    Gaps of at least 0.12 keep every column >= 4 characters (else Keras
    raises) for line lengths >= 50, even scaled by 0.9 for ``show_trainable``.
    """
    while True:
        inner = sorted(round(rng.uniform(0.15, 0.88), 2) for _ in range(columns - 1))
        pos = inner + [1.0 if rng.random() < 0.85 else 0.95]
        gaps = [b - a for a, b in zip([0.0] + pos, pos)]
        if min(gaps) >= 0.12:
            return repr(pos)


def _summary_calls(b: _ScriptBuilder, model: str, seq_like: bool,
                   top: list[_Step]) -> list[str]:
    """One to three ``summary`` calls with random options."""
    calls = []
    for _ in range(b.rng.choice((1, 1, 1, 2, 3))):
        opts = []
        if b.chance(0.25):
            opts.append(f"line_length={b.rng.randint(50, 150)}")
        if b.chance(0.15):
            opts.append(f"positions={_positions(b.rng, 3 if seq_like else 4)}")
        if (b.nested_vars and b.chance(0.6)) or b.chance(0.1):
            opts.append("expand_nested=True")
        if b.chance(0.3):
            opts.append("show_trainable=True")
        if len(top) >= 2 and b.chance(0.12):
            lo, hi = sorted(b.rng.sample(range(len(top)), 2))
            # Keras re.match()es each end: an automatic name starts with its prefix.
            ends = [top[j].name or PREFIXES[top[j].kind] for j in (lo, hi)]
            opts.append(f"layer_range={ends!r}")
        calls.append(f"{model}.summary({', '.join(opts)})")
    return calls


def _with_kwarg(expr: str, kwarg: str) -> str:
    """``Dense(4)`` + ``input_dim=3`` -> ``Dense(4, input_dim=3)``."""
    return expr[:-1] + ("" if expr.endswith("()") else ", ") + kwarg + ")"


def _sequential(b: _ScriptBuilder) -> tuple[str, bool, list[_Step], bool]:
    """A Sequential model, from a list or with ``.add()``.

    Returns the model variable, whether Keras lays it out sequential-like,
    its top-level steps and whether it is built.
    """
    shape = b.random_shape()
    steps = b.chain(shape, b.rng.randint(1, 6), depth=0, nest_first=b.chance(0.2))
    hows = ("Input", "Input", "InputLayer", "kwarg", "kwarg", "build")
    if steps[0].nested:  # a model takes no input_shape kwarg
        hows = ("Input", "InputLayer", "build")
    elif not any(s.nested for s in steps) and b.chance(0.04):
        hows = ("unbuilt",)
    how = b.rng.choice(hows)
    items = [s.expr for s in steps]
    if how in ("Input", "InputLayer"):
        kw = "input_shape" if how == "InputLayer" and b.chance(0.25) else "shape"  # old spelling
        items.insert(0, f"{b.sym(how)}({kw}={_tuple(shape)})")
    elif how == "kwarg":
        dim = steps[0].kind == "Dense" and len(shape) == 1 and b.chance(0.5)
        items[0] = _with_kwarg(items[0], f"input_dim={shape[0]}" if dim
                               else f"input_shape={_tuple(shape)}")
    model = b.var("model")
    name_kw = f"name={b.explicit_name('Model')!r}" if b.chance(0.15) else ""
    if b.chance(0.5):
        body = "".join(f"\n    {item}," for item in items)
        name_arg = f", {name_kw}" if name_kw else ""
        b.lines.append(f"{model} = {b.sym('Sequential')}([{body}\n]{name_arg})")
    else:
        b.lines.append(f"{model} = {b.sym('Sequential')}({name_kw})")
        b.lines += [f"{model}.add({item})" for item in items]
    if how == "build":
        batch = b.rng.choice((8, 32)) if b.chance(0.15) else None
        b.lines.append(f"{model}.build({_tuple((batch,) + shape)})")
    if b.chance(0.15):
        b.lines.append(f"{model}.layers[{b.rng.randrange(len(steps))}].trainable = False")
    return model, True, steps, how != "unbuilt"


def _functional(b: _ScriptBuilder) -> tuple[str, bool, list[_Step], bool]:
    """A functional model: 1-3 input branches, maybe a shared Dense.

    Returns like :func:`_sequential`.  A single input with a single path
    (even with an intermediate tensor as a second output) is sequential-like.
    """
    n_inputs = b.rng.choice((1, 1, 2, 2, 3))
    shared = n_inputs >= 2 and b.chance(0.4)
    shapes = [b.random_shape() for _ in range(n_inputs)]
    if shared:
        shapes[1] = shapes[0]
    top: list[_Step] = []
    branches = []  # (tensor variable, shape) per input
    for shape in shapes:
        var = b.var("inp")
        args = [f"shape={_tuple(shape)}" if b.chance(0.7) else _tuple(shape)]
        name = b.explicit_name("Input") if b.chance(0.2) else None
        if name:
            args.append(f"name={name!r}")
        b.lines.append(f"{var} = {b.sym('Input')}({', '.join(args)})")
        branches.append((var, shape))
        top.append(_Step(var, "Input", shape, name))
    inputs = [var for var, _ in branches]
    if shared:  # one Dense called on the first two inputs
        step = b.layer(shapes[0], kind="Dense")
        layer_var = b.var("shared")
        b.lines.append(f"{layer_var} = {step.expr}")
        top.append(step)
        for i in (0, 1):
            out = b.var("x")
            b.lines.append(f"{out} = {layer_var}({branches[i][0]})")
            branches[i] = (out, step.shape)
    outputs, handles = [], []  # output tensors (var, shape); layers to freeze
    for x, shape in branches:
        steps = b.chain(shape, b.rng.randint(1, 5), depth=0)
        for i, s in enumerate(steps):
            prev = (x, shape)  # the last step's input, for a second head
            out = b.var("x")
            if not s.nested and b.chance(0.15):  # keep a handle to freeze later
                handle = b.var("layer")
                b.lines.append(f"{handle} = {s.expr}")
                b.lines.append(f"{out} = {handle}({x})")
                handles.append(handle)
            else:
                b.lines.append(f"{out} = {s.expr}({x})")
            if n_inputs == 1 and i == len(steps) - 2 and b.chance(0.1):
                outputs.append((out, s.shape))  # an intermediate output
            x, shape = out, s.shape
        top += steps
        outputs.append((x, shape))
    seq_like = n_inputs == 1
    if b.chance(0.2):  # a second head beside the last layer: the graph forks
        head = b.layer(prev[1])
        out = b.var("y")
        b.lines.append(f"{out} = {head.expr}({prev[0]})")
        outputs.append((out, head.shape))
        top.append(head)
        seq_like = False
    b.lines += [f"{h}.trainable = False" for h in handles if b.chance(0.5)]
    outs = [var for var, _ in outputs]
    ins = inputs[0] if len(inputs) == 1 and b.chance(0.7) else "[" + ", ".join(inputs) + "]"
    outs = outs[0] if len(outs) == 1 and b.chance(0.7) else "[" + ", ".join(outs) + "]"
    args = [f"inputs={ins}", f"outputs={outs}"] if b.chance(0.5) else [ins, outs]
    if b.chance(0.15):
        args.append(f"name={b.explicit_name('Model')!r}")
    model = b.var("model")
    b.lines.append(f"{model} = {b.sym('Model')}({', '.join(args)})")
    return model, seq_like, top, True


def generate_script(rng: random.Random) -> str:
    """Source text of one random model script."""
    b = _ScriptBuilder(rng, rng.choice(list(STYLES)))
    model, seq_like, top, built = (_sequential if b.chance(0.5) else _functional)(b)
    if b.chance(0.1):
        b.lines.append(f"{model}.trainable = False")
        if b.chance(0.3):
            b.lines.append(f"{model}.layers[-1].trainable = True")
    if b.chance(0.1):
        b.lines.append(f"{model}.compile(optimizer='adam', loss='mse')")
    if b.nested_vars and b.chance(0.2):
        b.lines.append(f"{b.nested_vars[0]}.summary()")
    b.lines += _summary_calls(b, model, seq_like, top)
    if built and b.chance(0.15):
        b.lines.append(f"print({model}.count_params())")
    return b.header() + "\n\n" + "\n".join(b.lines) + "\n"


def generate_scripts(seed: int, n: int) -> list[tuple[str, str]]:
    """``n`` scripts as ``(script_id, source)``; deterministic in ``seed``."""
    rng = random.Random(seed)
    return [(f"gen_{seed}_{i:03d}", generate_script(rng)) for i in range(n)]


if __name__ == "__main__":  # print a few scripts for eyeballing
    import sys

    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    for script_id, source in generate_scripts(seed, int(sys.argv[2]) if len(sys.argv) > 2 else 3):
        print(f"# ---- {script_id}\n{source}")
