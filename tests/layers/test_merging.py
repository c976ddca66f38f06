"""Merging layers against real Keras: broadcasting, concatenation, dot axes, errors, summaries."""

from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_layer, assert_same_summary, record_coverage, sweep

ELEMENTWISE = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]
FUNCTIONS = {"Add": "add", "Subtract": "subtract", "Multiply": "multiply", "Average": "average",
             "Maximum": "maximum", "Minimum": "minimum", "Concatenate": "concatenate", "Dot": "dot"}


def describe_merge(module, class_name, kwargs, batch_shapes, functional=False):
    """Call the merge layer (or its function) on ``Input(batch_shape=...)`` tensors.

    Keras fails with an IndexError on some out-of-range axes: any of ValueError, TypeError
    and IndexError counts as a rejection (nncalc always reports a ValueError).
    """
    try:
        inputs = [module.Input(batch_shape=s) for s in batch_shapes]
        if functional:
            out = getattr(module.layers, FUNCTIONS[class_name])(inputs, **kwargs)
            return ("ok", tuple(out.shape))
        layer = getattr(module.layers, class_name)(**kwargs)
        out = layer(inputs)
    except (ValueError, TypeError, IndexError):
        return ("error",)
    return ("ok", tuple(out.shape), [w.name for w in layer.weights], layer.count_params(), layer.name)


def assert_same_merge(real_keras, class_name, kwargs, batch_shapes, functional=False):
    import nncalc.keras as nk

    # Both sides create the same objects in the same order, so automatic names stay in step
    # (the fixture resets both counters at the start of each test).
    expected = describe_merge(real_keras, class_name, kwargs, batch_shapes, functional)
    actual = describe_merge(nk, class_name, kwargs, batch_shapes, functional)
    assert actual == expected, (class_name, kwargs, batch_shapes)
    record_coverage([class_name], "passed" if expected[0] == "ok" else "rejected")
    return actual


@st.composite
def elementwise_cases(draw):
    """2-4 inputs derived from one base shape: trailing axes kept, some sizes set to 1/None/other."""
    base = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    shapes = []
    for _ in range(draw(st.integers(1, 4))):
        drop = draw(st.integers(0, len(base) - 1)) if draw(st.integers(0, 3)) == 0 else 0
        shape = []
        for d in base[drop:]:
            choice = draw(st.integers(0, 9))
            shape.append(1 if choice == 0 else None if choice == 1 else d + 1 if choice == 2 else d)
        batch = draw(st.sampled_from([None, None, None, 2, 3]))
        shapes.append((batch, *shape))
    return shapes


@settings(max_examples=sweep(100), deadline=None)
@given(class_name=st.sampled_from(ELEMENTWISE), shapes=elementwise_cases())
def test_elementwise_merges_match_keras(real_keras, class_name, shapes):
    assert_same_merge(real_keras, class_name, {}, shapes)


@settings(max_examples=sweep(40), deadline=None)
@given(class_name=st.sampled_from(ELEMENTWISE), shapes=elementwise_cases())
def test_elementwise_functions_match_keras(real_keras, class_name, shapes):
    assert_same_merge(real_keras, class_name, {}, shapes, functional=True)


@st.composite
def concatenate_cases(draw):
    rank = draw(st.integers(1, 4))  # without the batch axis
    axis = draw(st.integers(-(rank + 1), rank))
    base = [draw(st.one_of(st.none(), st.integers(1, 5))) for _ in range(rank)]
    shapes = []
    for _ in range(draw(st.integers(1, 4))):
        shape = [draw(st.one_of(st.none(), st.integers(1, 5))) if draw(st.integers(0, 6)) == 0 else d
                 for d in base]
        if draw(st.integers(0, 12)) == 0:
            shape = shape[:-1] if len(shape) > 1 else shape + [2]
        full = [draw(st.sampled_from([None, None, 2]))] + shape
        index = axis if axis >= 0 else len(full) + axis
        if 0 <= index < len(full):
            full[index] = draw(st.one_of(st.none(), st.integers(1, 5)))
        shapes.append(tuple(full))
    return axis, shapes


@settings(max_examples=sweep(100), deadline=None)
@given(case=concatenate_cases(), functional=st.booleans())
def test_concatenate_matches_keras(real_keras, case, functional):
    axis, shapes = case
    assert_same_merge(real_keras, "Concatenate", {"axis": axis}, shapes, functional)


@st.composite
def dot_cases(draw):
    r1, r2 = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    s1 = [None] + [draw(st.one_of(st.none(), st.integers(1, 4))) for _ in range(r1 - 1)]
    s2 = [None] + [draw(st.one_of(st.none(), st.integers(1, 4))) for _ in range(r2 - 1)]
    if draw(st.booleans()):
        axes = draw(st.integers(-min(r1, r2), min(r1, r2) - 1))
        a1, a2 = (axes % r1, axes % r2) if axes < 0 else (axes, axes)
    else:
        a1, a2 = draw(st.integers(-r1, r1 - 1)), draw(st.integers(-r2, r2 - 1))
        axes = draw(st.sampled_from([(a1, a2), [a1, a2]]))
    if draw(st.integers(0, 4)):  # usually matching contracted sizes
        s2[a2] = s1[a1]
    return {"axes": axes, "normalize": draw(st.booleans())}, [tuple(s1), tuple(s2)]


@settings(max_examples=sweep(100), deadline=None)
@given(case=dot_cases(), functional=st.booleans())
def test_dot_matches_keras(real_keras, case, functional):
    kwargs, shapes = case
    assert_same_merge(real_keras, "Dot", kwargs, shapes, functional)


def test_merges_through_assert_same_layer(real_keras):
    """The shared helper (batch axis None) agrees too, for every class."""
    for class_name in ELEMENTWISE:
        assert_same_layer(real_keras, class_name, {}, [(3, 1), (1, 4)])
        assert_same_layer(real_keras, class_name, {}, [(3, 4), (5, 4)])
    assert_same_layer(real_keras, "Subtract", {}, [(3,), (3,), (3,)])
    assert_same_layer(real_keras, "Concatenate", {"axis": 1}, [(3, 4), (5, 4)])
    assert_same_layer(real_keras, "Concatenate", {}, [(3, 4), (5, 4)])
    assert_same_layer(real_keras, "Dot", {"axes": (1, 2)}, [(3, 4), (5, 3)])
    assert_same_layer(real_keras, "Dot", {"axes": 1}, [(None,), (3,)])


def test_merging_rejects_what_keras_rejects(real_keras):
    for class_name, kwargs in [
        ("Dot", {"axes": [1, 2, 3]}),
        ("Dot", {"axes": "a"}),
        ("Dot", {"axes": [1.0, 2]}),
        ("Dot", {"axes": (1, (1, 2))}),
        ("Add", {"axis": 1}),
        ("Concatenate", {"axes": 1}),
    ]:
        assert_same_merge(real_keras, class_name, kwargs, [(None, 3), (None, 3)])
    # a single tensor instead of a list
    assert_same_layer(real_keras, "Add", {}, (3,))
    assert_same_layer(real_keras, "Concatenate", {}, (3,))
    assert_same_layer(real_keras, "Dot", {"axes": 1}, (3,))
    # batch sizes that differ
    assert_same_merge(real_keras, "Add", {}, [(2, 3), (5, 3)])
    assert_same_merge(real_keras, "Dot", {"axes": 1}, [(2, 3), (5, 3)])
    assert_same_merge(real_keras, "Dot", {"axes": 1}, [(None, 3), (None, 3), (None, 3)])


# ---------------------------------------------------------------------- summaries
def test_residual_branches_summary(real_keras):
    def build(keras):
        L = keras.layers
        x = keras.Input((8, 8, 3))
        a = L.Conv2D(4, 3, padding="same")(x)
        b = L.BatchNormalization()(a)
        c = L.Conv2D(4, 1)(x)
        y = L.add([b, c])
        y = L.Add(name="second_add")([y, a, c])
        z = L.concatenate([y, a, x])
        z = L.Concatenate(axis=1)([z, z])
        f = L.Flatten()(z)
        return keras.Model(x, L.Dense(2)(f))

    text = assert_same_summary(real_keras, build)
    assert "Connected to" in text


def test_two_input_summary(real_keras):
    def build(keras):
        L = keras.layers
        p = keras.Input((5,), name="p")
        q = keras.Input((1,), name="q")
        r = keras.Input((3, 5), name="r")
        s = L.subtract([p, q])
        m = L.multiply([p, q, s])
        av = L.average([m, s])
        mx = L.maximum([av, r])
        mn = L.Minimum()([mx, r])
        d = L.dot([mn, r], axes=2)
        d2 = L.Dot(axes=(1, 1), normalize=True)([p, s])
        d3 = L.dot([L.Dense(5)(p), s], axes=-1)
        return keras.Model([p, q, r], [d, d2, d3])

    assert assert_same_summary(real_keras, build) is not None


def test_shared_merge_layer_summary(real_keras):
    """A merge layer used twice: the second call's inputs show node indices."""
    def build(keras):
        L = keras.layers
        a = keras.Input((4,))
        b = keras.Input((4,))
        add = L.Add()
        d = L.Dense(4)
        first = add([a, b])
        second = add([d(first), d(a)])
        return keras.Model([a, b], L.concatenate([first, second]))

    text = assert_same_summary(real_keras, build)
    assert "add[1][0]" in text


def test_functions_consume_automatic_names(real_keras):
    """``layers.add`` names its layer ``add``, ``add_1``... like ``layers.Add()``."""
    def build(keras):
        L = keras.layers
        a = keras.Input((4,))
        b = keras.Input((4,))
        x = L.add([a, b])
        y = L.Add()([x, b])
        z = L.add([y, a], name="named")
        w = L.add([z, x])
        return keras.Model([a, b], L.maximum([w, L.minimum([x, y])]))

    text = assert_same_summary(real_keras, build)
    assert "add_2" in text


def test_rejected_merge_model_is_rejected(real_keras):
    def build(keras):
        a = keras.Input((4,))
        b = keras.Input((5,))
        return keras.Model([a, b], keras.layers.add([a, b]))

    assert assert_same_summary(real_keras, build) is None
