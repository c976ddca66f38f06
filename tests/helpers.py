"""Build one layer in real Keras and in nncalc, and describe both the same way."""

from __future__ import annotations


def describe_layer(module, class_name: str, kwargs: dict, input_shape):
    """Call ``module.layers.<class_name>(**kwargs)`` on ``Input(input_shape)``.

    Returns ``("ok", output shape, [(weight name, shape, trainable)], params)`` or
    ``("error",)`` when construction or the call is rejected (ValueError or TypeError).
    ``input_shape`` excludes the batch axis; a list of shapes means several inputs.
    """
    try:
        layer = getattr(module.layers, class_name)(**kwargs)
        if input_shape and isinstance(input_shape[0], (tuple, list)):
            inputs = [module.Input(shape=tuple(s)) for s in input_shape]
        else:
            inputs = module.Input(shape=tuple(input_shape))
        out = layer(inputs)
    except (ValueError, TypeError) as error:
        return ("error",)
    outs = out if isinstance(out, (list, tuple)) else [out]
    shapes = [tuple(o.shape) for o in outs]
    weights = [(w.name, tuple(w.shape), bool(w.trainable)) for w in layer.weights]
    return ("ok", shapes, weights, layer.count_params())


def assert_same_layer(real_keras, class_name: str, kwargs: dict, input_shape):
    """Real Keras and nncalc agree on shapes, weights and params, or both reject the layer."""
    import nncalc.keras as nk

    expected = describe_layer(real_keras, class_name, kwargs, input_shape)
    actual = describe_layer(nk, class_name, kwargs, input_shape)
    if expected[0] == "error":
        assert actual[0] == "error", f"Keras rejects {class_name}({kwargs}) on {input_shape}; nncalc gave {actual}"
    else:
        assert actual == expected, f"{class_name}({kwargs}) on {input_shape}"
    return actual
