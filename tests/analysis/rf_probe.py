"""Measure receptive fields with real Keras: which input positions one output position depends on.

    python rf_probe.py < specs.json > extents.json

Each spec describes a small model (see :func:`build`); the probe builds it with real
Keras with every kernel set to ones, no bias and no activation (max pooling becomes
average pooling over the same window), so the network is linear with positive
weights and an input position is in an output position's field exactly when the
gradient of that output with respect to it is non-zero. For each output position
asked for, it returns per spatial axis the first and last input position with a
non-zero gradient (None if there is none).

:func:`build` is also imported by the test to build the same model with nncalc.
"""

from __future__ import annotations

import json
import os
import sys

ONES = {"Conv": ("kernel_initializer",), "DepthwiseConv": ("depthwise_initializer",),
        "SeparableConv": ("depthwise_initializer", "pointwise_initializer")}


def _probe_kwargs(cls: str, kwargs: dict) -> tuple[str, dict]:
    kwargs = dict(kwargs)
    if cls.startswith("MaxPooling"):
        cls = cls.replace("Max", "Average")  # the same window; max's gradient reaches one position only
    for prefix, names in ONES.items():
        if cls.startswith(prefix):
            for name in names:
                kwargs[name] = "ones"
            kwargs["use_bias"] = False
            kwargs.pop("activation", None)
    return cls, kwargs


def build(km, spec: dict, probe: bool = False):
    """``spec``: {"input": [sizes], "trunk": [[class, kwargs]...], "branches": [[...], [...]] or
    absent, "merge": "Add", "tail": [...]} — channels_last with one input channel."""

    def run(x, layers):
        for cls, kwargs in layers:
            if probe:
                cls, kwargs = _probe_kwargs(cls, kwargs)
            x = getattr(km.layers, cls)(**kwargs)(x)
        return x

    inputs = km.Input(tuple(spec["input"]) + (1,))
    x = run(inputs, spec.get("trunk", []))
    if spec.get("branches"):
        x = getattr(km.layers, spec.get("merge", "Add"))()([run(x, b) for b in spec["branches"]])
    x = run(x, spec.get("tail", []))
    return km.Model(inputs, x)


def _extent(mask):
    import numpy as np

    where = np.nonzero(mask)[0]
    return None if len(where) == 0 else [int(where[0]), int(where[-1])]


def measure(spec: dict) -> list:
    """Per spatial axis, [lo, hi] for each output position along it (other axes at their middle)."""
    import numpy as np
    import tensorflow as tf
    import keras

    model = build(keras, spec, probe=True)
    sizes = spec["input"]
    out_sizes = [int(d) for d in model.output.shape[1:-1]]
    positions = []
    for axis, n in enumerate(out_sizes):
        for q in range(n):
            pos = [m // 2 for m in out_sizes]
            pos[axis] = q
            positions.append((axis, tuple(pos)))
    x = tf.Variable(np.ones([len(positions)] + list(sizes) + [1], dtype="float32"))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(model(x), axis=-1)
        picked = tf.stack([y[(b,) + pos] for b, (_, pos) in enumerate(positions)])
        total = tf.reduce_sum(picked)
    grad = tape.gradient(total, x).numpy()[..., 0]
    result = [[] for _ in out_sizes]
    for b, (axis, _) in enumerate(positions):
        g = np.abs(grad[b]) > 0
        other = tuple(i for i in range(len(sizes)) if i != axis)
        result[axis].append(_extent(g.any(axis=other) if other else g))
    return result


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    specs = json.load(sys.stdin)
    json.dump([measure(spec) for spec in specs], sys.stdout)


if __name__ == "__main__":
    main()
