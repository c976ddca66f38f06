"""Preprocessing layers against real Keras: shapes, weights, names and rejected arguments."""

import warnings

import pytest
from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_summary, record_coverage, sweep

SIZE = st.one_of(st.none(), st.integers(1, 40))
DATA_FORMAT = st.sampled_from([None, "channels_last", "channels_first"])
SEED = st.one_of(st.none(), st.integers(0, 1000), st.just(1.5))


def describe(module, class_name, kwargs, input_shape, dtype="float32"):
    """Like ``tests.helpers.describe_layer`` but with an input dtype ("string" for text layers)
    and with any exception (Keras raises IndexError, NotImplementedError... here) as a rejection."""
    try:
        layer = getattr(module.layers, class_name)(**kwargs)
        if input_shape and isinstance(input_shape[0], (tuple, list)):
            inputs = [module.Input(shape=tuple(s), dtype=dtype) for s in input_shape]
        else:
            inputs = module.Input(shape=tuple(input_shape), dtype=dtype)
        out = layer(inputs)
    except NotImplementedError as error:
        if type(error).__name__ == "Unsupported":
            raise
        return ("error", "NotImplementedError")
    except (ValueError, TypeError, IndexError, KeyError, ImportError):
        return ("error",)
    except Exception as error:  # TensorFlow's InvalidArgumentError and the like
        return ("error", type(error).__name__)
    outs = out if isinstance(out, (list, tuple)) else [out]
    shapes = [tuple(o.shape) for o in outs]
    weights = [(w.name, tuple(w.shape), bool(w.trainable)) for w in layer.weights]
    return ("ok", shapes, weights, layer.count_params())


def same(real_keras, class_name, kwargs, input_shape, dtype="float32"):
    """Real Keras and nncalc agree (shapes, weights, params), or both reject.

    (Automatic names are compared by the name and summary tests: clearing Keras' session for
    every example would take most of the time budget.)
    """
    import nncalc.keras as nk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = describe(real_keras, class_name, kwargs, input_shape, dtype)
        actual = describe(nk, class_name, kwargs, input_shape, dtype)
    if expected[0] == "error":
        assert actual[0] == "error", f"Keras rejects {class_name}({kwargs}) on {input_shape}; nncalc gave {actual}"
        if expected[1:] == ("NotImplementedError",):
            assert actual == expected
        record_coverage([class_name], "rejected")
    else:
        assert actual == expected, f"{class_name}({kwargs}) on {input_shape}"
        record_coverage([class_name], "passed")
    return actual


@st.composite
def image_shape(draw, ranks=(3, 4)):
    """Input shape without the batch axis: an image (rank 3 with the batch) or more/fewer axes."""
    rank = draw(st.sampled_from(ranks))
    return tuple(draw(SIZE) for _ in range(rank - 1))


# ---------------------------------------------------------------------------- shape-keeping image layers
IN_RANGE = st.one_of(st.floats(0, 1), st.tuples(st.floats(-1, 1), st.floats(-1, 1)), st.floats(-1, 1))
OUT_OF_RANGE = st.one_of(
    st.floats(-1.5, 1.5, allow_nan=False), st.integers(-2, 9),
    st.tuples(st.floats(-1.5, 1.5, allow_nan=False), st.floats(-1.5, 1.5, allow_nan=False)),
    st.lists(st.floats(0, 1), min_size=1, max_size=3), st.just("big"),
)
VALUE_RANGE = st.one_of(st.just((0, 255)), st.just([0.0, 1.0]), st.just((1, 0)), st.just((0, 1, 2)), st.just(255))

AUGMENTATIONS = [
    "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomShear", "RandomPerspective",
    "RandomElasticTransform", "RandomContrast", "RandomBrightness", "RandomColorDegeneration",
    "RandomSaturation", "RandomSharpness", "RandomPosterization", "RandomHue", "RandomInvert",
    "RandomGrayscale", "RandomErasing", "RandomGaussianBlur", "Solarization", "AutoContrast", "Equalization",
    "ContrastLimitedAdaptiveHistogramEqualization", "MixUp", "CutMix", "MaxNumBoundingBoxes", "AugMix",
    "RandAugment", "RandomColorJitter", "Rescaling",
]
FACTOR_ARGS = {
    "RandomRotation": ["factor"], "RandomZoom": ["height_factor", "width_factor"],
    "RandomTranslation": ["height_factor", "width_factor"], "RandomShear": ["x_factor", "y_factor"],
    "RandomPerspective": ["factor"], "RandomElasticTransform": ["factor", "scale"],
    "RandomContrast": ["factor"], "RandomBrightness": ["factor"], "RandomColorDegeneration": ["factor"],
    "RandomSaturation": ["factor"], "RandomSharpness": ["factor"], "RandomPosterization": ["factor"],
    "RandomHue": ["factor"], "RandomInvert": ["factor"], "RandomErasing": ["factor", "scale"],
    "RandomGaussianBlur": ["factor", "sigma"], "Solarization": ["addition_factor", "threshold_factor"],
    "CutMix": ["factor"], "AugMix": ["factor"], "RandAugment": ["factor"],
    "RandomColorJitter": ["brightness_factor", "contrast_factor", "saturation_factor", "hue_factor"],
}
REQUIRED_FACTORS = {"RandomRotation": 1, "RandomZoom": 1, "RandomTranslation": 2, "RandomContrast": 1,
                    "RandomBrightness": 1, "RandomColorDegeneration": 1, "RandomSaturation": 1,
                    "RandomSharpness": 1, "RandomPosterization": 1, "RandomHue": 1}


@st.composite
def augmentation_cases(draw, name):
    """Mostly accepted arguments (factors in range), now and then one Keras rejects."""
    kwargs = {}
    for i, arg in enumerate(FACTOR_ARGS.get(name, [])):
        if i < REQUIRED_FACTORS.get(name, 0) or draw(st.booleans()):
            if name == "RandomPosterization":
                kwargs[arg] = draw(st.one_of(st.integers(1, 8), st.tuples(st.integers(1, 8), st.integers(1, 8))))
            else:
                kwargs[arg] = draw(IN_RANGE)
            if draw(st.integers(0, 6)) == 2:
                kwargs[arg] = draw(OUT_OF_RANGE)
    if name == "RandomGrayscale" and draw(st.booleans()):
        kwargs["factor"] = draw(st.floats(-0.2, 1.2))
    if name == "RandomGaussianBlur" and draw(st.booleans()):
        kwargs["kernel_size"] = draw(st.one_of(st.sampled_from([1, 3, 5, 7, 4]),
                                               st.tuples(st.integers(1, 6), st.integers(1, 6))))
    if name == "RandomPerspective" and draw(st.booleans()):
        kwargs["scale"] = draw(st.floats(-0.2, 1.2))
    if name in ("RandomBrightness", "RandomSaturation", "RandomSharpness", "RandomColorDegeneration",
                "RandomPosterization", "Solarization", "AutoContrast", "Equalization", "AugMix",
                "RandAugment") and draw(st.booleans()):
        kwargs["value_range"] = draw(VALUE_RANGE) if draw(st.integers(0, 4)) == 2 else (0, 1)
    if name == "MaxNumBoundingBoxes":
        kwargs["max_number"] = draw(st.integers(1, 10))
    if name == "AugMix" and draw(st.booleans()):
        kwargs["all_ops"] = draw(st.booleans())
    if name == "Rescaling":
        kwargs["scale"] = draw(st.floats(0.001, 2))
        kwargs["offset"] = draw(st.floats(-1, 1))
    elif draw(st.integers(0, 3)) != 2:
        kwargs["data_format"] = draw(DATA_FORMAT)
    if name not in ("AutoContrast", "Equalization", "ContrastLimitedAdaptiveHistogramEqualization",
                    "MaxNumBoundingBoxes", "Rescaling") and draw(st.booleans()):
        kwargs["seed"] = draw(st.integers(0, 1000)) if draw(st.integers(0, 6)) != 2 else 1.5
    if draw(st.integers(0, 9)) == 2:
        kwargs["name"] = "aug"
    shape = draw(image_shape(ranks=(2, 3, 4, 4, 4, 4, 5) if name != "RandomColorDegeneration" else (3, 4, 4, 4, 5)))
    if name == "RandomColorDegeneration" and len(shape) == 3 and draw(st.integers(0, 3)) != 2:
        channels_first = kwargs.get("data_format") == "channels_first"
        shape = (3,) + shape[1:] if channels_first else shape[:2] + (3,)
    return name, kwargs, shape


@pytest.mark.parametrize("name", AUGMENTATIONS)
@settings(max_examples=sweep(45), deadline=None)
@given(data=st.data())
def test_shape_keeping_image_layers_match_keras(real_keras, name, data):
    same(real_keras, *data.draw(augmentation_cases(name)))


@pytest.mark.parametrize("name, kwargs", [
    ("RandomRotation", {"factor": 0.1, "fill_mode": "mirror"}),
    ("RandomRotation", {"factor": 0.1, "interpolation": "bicubic"}),
    ("RandomZoom", {"height_factor": 0.1, "fill_mode": "edge"}),
    ("RandomZoom", {"height_factor": -1.0}),
    ("RandomTranslation", {"height_factor": 0.1, "width_factor": 0.2, "interpolation": "area"}),
    ("RandomShear", {"x_factor": 0.1, "fill_mode": "bad"}),
    ("RandomPerspective", {"interpolation": "cubic"}),
    ("RandomElasticTransform", {"fill_mode": "edge"}),
    ("RandomElasticTransform", {"fill_mode": "mirror"}),
    ("AugMix", {"interpolation": "bicubic"}),
    ("RandomFlip", {"mode": "diagonal"}),  # Keras checks the mode only on real images
    ("RandomCrop", {"height": 2, "width": 2, "seed": "x"}),
    ("RandomFlip", {"bounding_box_format": "xyxy"}),
    ("RandomFlip", {"factor": 0.5}),
    ("RandomRotation", {"factor": 0.2, "unknown": 1}),
])
def test_image_arguments_keras_rejects(real_keras, name, kwargs):
    same(real_keras, name, kwargs, (8, 8, 3))


# ---------------------------------------------------------------------------- sizes
@st.composite
def sized_cases(draw):
    name = draw(st.sampled_from(["Resizing", "CenterCrop", "RandomCrop"]))
    kwargs = {"height": draw(st.integers(1, 50)), "width": draw(st.integers(1, 50)),
              "data_format": draw(DATA_FORMAT)}
    if name == "Resizing":
        kwargs.update(interpolation=draw(st.sampled_from(["bilinear", "nearest", "bicubic"])),
                      crop_to_aspect_ratio=draw(st.booleans()), pad_to_aspect_ratio=draw(st.booleans()),
                      antialias=draw(st.booleans()))
    if name == "RandomCrop" and draw(st.booleans()):
        kwargs["seed"] = draw(SEED)
    return name, kwargs, draw(image_shape(ranks=(2, 3, 4, 4, 4, 5)))


@settings(max_examples=sweep(150), deadline=None)
@given(case=sized_cases())
def test_resizing_and_crops_match_keras(real_keras, case):
    same(real_keras, *case)


def test_resizing_examples(real_keras):
    out = same(real_keras, "Resizing", {"height": 224, "width": 160}, (None, None, 3))
    assert out[1] == [(None, 224, 160, 3)]
    out = same(real_keras, "CenterCrop", {"height": 5, "width": 7, "data_format": "channels_first"}, (3, 10, 10))
    assert out[1] == [(None, 3, 5, 7)]


# ---------------------------------------------------------------------------- Normalization
@st.composite
def normalization_cases(draw):
    rank = draw(st.integers(1, 4))
    shape = tuple(draw(st.one_of(st.integers(1, 6), st.none() if draw(st.integers(0, 5)) == 2 else st.integers(1, 6)))
                  for _ in range(rank))
    ndim = rank + 1
    axis = draw(st.one_of(
        st.just(-1), st.none(), st.integers(-ndim - 1, ndim),
        st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=2, unique=True).map(tuple),
    ))
    kwargs = {"axis": axis}
    if draw(st.integers(0, 2)) == 2:
        if draw(st.booleans()):
            kwargs["mean"], kwargs["variance"] = 0.5, 2.0
        else:
            size = draw(st.sampled_from([1, 2, 3, 4]))
            kwargs["mean"], kwargs["variance"] = [0.0] * size, [1.0] * draw(st.sampled_from([size, size, 2]))
    if draw(st.integers(0, 6)) == 2:
        kwargs["dtype"] = "float64"
    kwargs["invert"] = draw(st.booleans())
    return kwargs, shape


@settings(max_examples=sweep(120), deadline=None)
@given(case=normalization_cases())
def test_normalization_matches_keras(real_keras, case):
    kwargs, shape = case
    same(real_keras, "Normalization", kwargs, shape)


def test_normalization_adapt_gives_weight_shapes(real_keras):
    import numpy as np

    import nncalc.keras as nk

    data = np.zeros((20, 5, 3), dtype="float32")
    shapes = []
    for module in (real_keras, nk):
        layer = module.layers.Normalization(axis=(1, 2))
        layer.adapt(data)
        shapes.append([(w.name, tuple(w.shape), w.trainable) for w in layer.weights])
        out = layer(module.Input((5, 3)))
        shapes.append((tuple(out.shape), layer.count_params()))
    assert shapes[:2] == shapes[2:]


# ---------------------------------------------------------------------------- encodings
@st.composite
def encoding_cases(draw, name):
    shape = tuple(draw(st.one_of(st.none(), st.integers(1, 5))) for _ in range(draw(st.integers(0, 3))))
    modes = ["int", "one_hot", "multi_hot", "count"]
    mode = draw(st.sampled_from(modes if draw(st.integers(0, 5)) != 2 else ["binary", "tf_idf", "bad"]))
    size = st.integers(1, 30) if draw(st.integers(0, 5)) != 2 else st.one_of(st.none(), st.integers(-1, 0))
    if name == "CategoryEncoding":
        kwargs = {"num_tokens": draw(size), "output_mode": mode}
    elif name == "Discretization":
        kwargs = {"output_mode": mode}
        if draw(st.integers(0, 4)) != 2:
            kwargs["bin_boundaries"] = sorted(draw(st.lists(st.floats(-5, 5), max_size=6)))
        if draw(st.integers(0, 2)) == 2:
            kwargs["num_bins"] = draw(st.integers(-1, 9))
        if draw(st.integers(0, 5)) == 2:
            kwargs["epsilon"] = 0.1
    else:
        kwargs = {"num_bins": draw(size), "output_mode": mode}
        if draw(st.booleans()):
            kwargs["salt"] = draw(st.one_of(st.integers(0, 9), st.tuples(st.integers(0, 9), st.integers(0, 9)),
                                            st.just("s")))
        if draw(st.booleans()):
            kwargs["mask_value"] = 0
        if draw(st.integers(0, 3)) == 2:
            kwargs["dtype"] = draw(st.sampled_from(["int32", "float32", "int64"]))
    if draw(st.integers(0, 5)) == 2:
        kwargs["sparse"] = True
    return name, kwargs, shape


@pytest.mark.parametrize("name", ["CategoryEncoding", "Discretization", "Hashing"])
@settings(max_examples=sweep(60), deadline=None)
@given(data=st.data())
def test_encodings_match_keras(real_keras, name, data):
    same(real_keras, *data.draw(encoding_cases(name)))


@settings(max_examples=sweep(40), deadline=None)
@given(shape=st.tuples(*[st.one_of(st.none(), st.integers(1, 4))] * 2).map(lambda t: t[:1] if t[1] == 9 else t),
       other_last=st.integers(1, 4), num_bins=st.integers(1, 20),
       mode=st.sampled_from(["int", "one_hot", "multi_hot"]), rank=st.integers(1, 2), third=st.booleans())
def test_hashed_crossing_matches_keras(real_keras, shape, other_last, num_bins, mode, rank, third):
    first = shape[:rank]
    second = first[:-1] + (other_last,) if other_last == 3 else first  # now and then a mismatch
    inputs = [first, second] + ([first] if third and other_last == 4 else [])
    same(real_keras, "HashedCrossing", {"num_bins": num_bins, "output_mode": mode}, inputs, dtype="int64")


# ---------------------------------------------------------------------------- lookups and text
WORDS = ["a", "b", "c", "d", "e", "[UNK]", ""]


@st.composite
def lookup_cases(draw, name):
    tokens = WORDS if name == "StringLookup" else [1, 2, 3, 4, 5, -1, 0]
    modes = ["int", "one_hot", "multi_hot", "count", "tf_idf", "binary", "tf-idf"]
    kwargs = {"output_mode": draw(st.sampled_from(modes))}
    if draw(st.integers(0, 3)) != 2:
        if draw(st.integers(0, 4)) != 2:  # distinct ordinary tokens, sometimes after the special ones
            vocabulary = draw(st.lists(st.sampled_from(tokens[:5]), min_size=1, max_size=5, unique=True))
            if draw(st.integers(0, 3)) == 2:
                vocabulary = [tokens[5]] + vocabulary
        else:  # anything: repeated, special tokens anywhere, empty
            vocabulary = draw(st.lists(st.sampled_from(tokens), min_size=0, max_size=6))
        kwargs["vocabulary"] = vocabulary
        if kwargs["output_mode"] in ("tf_idf", "tf-idf") or draw(st.integers(0, 9)) == 2:
            kwargs["idf_weights"] = [1.0] * (len(vocabulary) + draw(st.sampled_from([0, 0, 0, 0, 1])))
    if draw(st.booleans()):
        kwargs["max_tokens"] = draw(st.integers(2, 12)) if draw(st.integers(0, 5)) != 2 else draw(st.integers(0, 1))
        kwargs["pad_to_max_tokens"] = draw(st.booleans())
    elif draw(st.integers(0, 9)) == 2:
        kwargs["pad_to_max_tokens"] = True
    if draw(st.booleans()):
        kwargs["num_oov_indices"] = draw(st.integers(0, 3)) if draw(st.integers(0, 6)) != 2 else -1
    if draw(st.booleans()):
        kwargs["mask_token"] = tokens[6]
    if draw(st.integers(0, 4)) == 2 and (kwargs["output_mode"] == "int" or draw(st.integers(0, 4)) == 2):
        kwargs["invert"] = True
    if draw(st.integers(0, 6)) == 2:
        kwargs["sparse"] = True
    if draw(st.integers(0, 8)) == 2:
        kwargs["salt"] = draw(st.sampled_from([3, (1, 2), "x"]))
    if draw(st.integers(0, 8)) == 2:
        kwargs["oov_method"] = draw(st.sampled_from(["farmhash", "modulo"]))
    shape = tuple(draw(st.one_of(st.none(), st.integers(1, 4))) for _ in range(draw(st.integers(1, 3))))
    return name, kwargs, shape, "string" if name == "StringLookup" else "int64"


@pytest.mark.parametrize("name", ["StringLookup", "IntegerLookup"])
@settings(max_examples=sweep(100), deadline=None)
@given(data=st.data())
def test_lookups_match_keras(real_keras, name, data):
    same(real_keras, *data.draw(lookup_cases(name)))


@st.composite
def text_cases(draw):
    kwargs = {"output_mode": draw(st.sampled_from(["int", "one_hot", "multi_hot", "count", "tf_idf"]))}
    if draw(st.booleans()):
        vocabulary = draw(st.lists(st.sampled_from(WORDS[:5]), min_size=1, max_size=5, unique=True))
        kwargs["vocabulary"] = vocabulary
        if kwargs["output_mode"] == "tf_idf":
            kwargs["idf_weights"] = [1.0] * len(vocabulary)
    if draw(st.booleans()):
        kwargs["max_tokens"] = draw(st.integers(2, 12))
        kwargs["pad_to_max_tokens"] = draw(st.booleans())
    if draw(st.booleans()):
        kwargs["output_sequence_length"] = draw(st.one_of(st.integers(1, 20), st.just(2.5)))
    if draw(st.booleans()):
        kwargs["split"] = draw(st.sampled_from([None, "whitespace", "character", "comma"]))
    if draw(st.integers(0, 4)) == 2:
        kwargs["standardize"] = draw(st.sampled_from([None, "lower", "upper"]))
    if draw(st.integers(0, 4)) == 2:
        kwargs["ngrams"] = draw(st.sampled_from([2, (1, 2), "x"]))
    shape = tuple(draw(st.one_of(st.none(), st.integers(1, 4))) for _ in range(draw(st.integers(0, 2))))
    return "TextVectorization", kwargs, shape, "string"


@settings(max_examples=sweep(100), deadline=None)
@given(case=text_cases())
def test_text_vectorization_matches_keras(real_keras, case):
    same(real_keras, *case)


@pytest.mark.requires("numpy")
def test_adapt_of_lookups_is_unsupported():
    import numpy as np

    import nncalc.keras as nk
    from nncalc.errors import Unsupported

    for layer in (nk.layers.StringLookup(output_mode="one_hot"), nk.layers.TextVectorization()):
        with pytest.raises(Unsupported, match="adapt"):
            layer.adapt(np.array([["a b"]]))


# ---------------------------------------------------------------------------- audio
@settings(max_examples=sweep(60), deadline=None)
@given(fft=st.sampled_from([64, 128, 256]), stride=st.integers(1, 200), length=st.one_of(st.none(), st.integers(16, 300)),
       bins=st.integers(1, 64), samples=st.one_of(st.none(), st.integers(1, 5000)), rank=st.integers(0, 2))
def test_mel_spectrogram_matches_keras(real_keras, fft, stride, length, bins, samples, rank):
    kwargs = {"fft_length": fft, "sequence_stride": stride, "sequence_length": length, "num_mel_bins": bins}
    same(real_keras, "MelSpectrogram", kwargs, (samples,) * rank)


# ---------------------------------------------------------------------------- names and summaries
def test_sublayers_take_automatic_names_as_in_keras(real_keras):
    def names(module):
        module.backend.clear_session()
        made = [module.layers.AugMix(), module.layers.RandomRotation(0.1), module.layers.RandAugment(all_ops=None)
                if False else module.layers.RandAugment(), module.layers.RandomColorJitter(hue_factor=0.1),
                module.layers.RandomHue(0.2), module.layers.TextVectorization(), module.layers.StringLookup(),
                module.layers.RandomShear(), module.layers.Solarization(), module.layers.MelSpectrogram(),
                module.layers.RandomFlip()]
        return [layer.name for layer in made]

    import nncalc.keras as nk

    assert names(nk) == names(real_keras)


def test_augmentation_summary(real_keras):
    def build(k):
        inputs = k.Input((64, 64, 3))
        x = k.layers.Rescaling(1 / 255)(inputs)
        x = k.layers.RandomFlip("horizontal")(x)
        x = k.layers.RandomRotation(0.1)(x)
        x = k.layers.RandomZoom(0.2, 0.1)(x)
        x = k.layers.RandomTranslation(0.1, 0.1)(x)
        x = k.layers.RandomContrast(0.2)(x)
        x = k.layers.RandomBrightness(0.2)(x)
        x = k.layers.Resizing(32, 32)(x)
        x = k.layers.CenterCrop(28, 28)(x)
        x = k.layers.RandomCrop(24, 24)(x)
        x = k.layers.Conv2D(4, 3)(x)
        return k.Model(inputs, x)

    assert_same_summary(real_keras, build)


def test_normalization_and_encoding_summary(real_keras):
    def build(k):
        return k.Sequential([
            k.Input((10,)),
            k.layers.Normalization(),
            k.layers.Normalization(axis=None),
            k.layers.Normalization(mean=2.0, variance=4.0),
            k.layers.Discretization(bin_boundaries=[0.0, 1.0]),
            k.layers.CategoryEncoding(num_tokens=3, output_mode="count"),
            k.layers.Dense(2),
        ])

    assert_same_summary(real_keras, build)


def test_text_summary(real_keras):
    def build(k):
        inputs = k.Input((1,), dtype="string")
        tokens = k.layers.TextVectorization(max_tokens=50, output_sequence_length=12)(inputs)
        words = k.layers.StringLookup(vocabulary=["x", "y", "z"], output_mode="multi_hot")(inputs)
        hashed = k.layers.Hashing(16, output_mode="one_hot")(inputs)
        ints = k.Input((2,), dtype="int64")
        crossed = k.layers.HashedCrossing(8, output_mode="one_hot")([ints, ints])
        looked = k.layers.IntegerLookup(max_tokens=9, pad_to_max_tokens=True, output_mode="count")(ints)
        return k.Model([inputs, ints], [tokens, words, hashed, crossed, looked])

    assert_same_summary(real_keras, build)


def test_pipeline_summary(real_keras):
    def build(k):
        inputs = k.Input((16, 16, 3))
        pipe = k.layers.Pipeline([k.layers.RandomFlip(), k.layers.Resizing(8, 8), k.layers.Normalization()])
        x = pipe(inputs)
        x = k.layers.Flatten()(x)
        return k.Model(inputs, k.layers.Dense(2)(x))

    assert_same_summary(real_keras, build)


PIPELINE_STEPS = [
    lambda k, h, w: k.layers.RandomFlip(),
    lambda k, h, w: k.layers.RandomRotation(0.1),
    lambda k, h, w: k.layers.Resizing(h, w),
    lambda k, h, w: k.layers.CenterCrop(h, w),
    lambda k, h, w: k.layers.Rescaling(1 / 255),
    lambda k, h, w: k.layers.Normalization(),
    lambda k, h, w: k.layers.RandomZoom(0.2),
    lambda k, h, w: k.layers.RandomContrast(0.1),
    lambda k, h, w: k.layers.RandomCrop(h, w),
]


@settings(max_examples=sweep(30), deadline=None)
@given(steps=st.lists(st.tuples(st.integers(0, len(PIPELINE_STEPS) - 1), st.integers(1, 12), st.integers(1, 12)),
                      min_size=1, max_size=4),
       shape=st.tuples(st.integers(1, 12), st.integers(1, 12), st.sampled_from([1, 3])))
def test_pipeline_matches_keras(real_keras, steps, shape):
    """``Pipeline`` of preprocessing layers: output shape from its layers in turn, their weights its own."""

    def build(k):
        inputs = k.Input(shape)
        pipe = k.layers.Pipeline([PIPELINE_STEPS[i](k, h, w) for i, h, w in steps])
        return k.Model(inputs, pipe(inputs))

    assert_same_summary(real_keras, build)


def test_mel_summary(real_keras):
    def build(k):
        inputs = k.Input((16000,))
        x = k.layers.MelSpectrogram(num_mel_bins=40)(inputs)
        return k.Model(inputs, k.layers.Flatten()(x))

    assert_same_summary(real_keras, build)


# ---------------------------------------------------------------------------- STFTSpectrogram
@st.composite
def stft_cases(draw):
    frame_length = draw(st.integers(1, 64))
    kwargs = {"frame_length": frame_length}
    if draw(st.booleans()):
        kwargs["frame_step"] = draw(st.integers(0, frame_length + 2))
    if draw(st.booleans()):
        kwargs["fft_length"] = draw(st.integers(max(frame_length - 2, 1), 2 * frame_length + 3))
    for key, values in {
        "mode": ["log", "magnitude", "psd", "real", "imag", "angle", "stft", "power"],
        "padding": ["valid", "same", "causal"],
        "window": ["hann", "hamming", "boxcar", "kaiser", None, "nope"],
        "scaling": ["density", "spectrum", None, "other"],
        "expand_dims": [False, True],
        "data_format": [None, "channels_last", "channels_first"],
    }.items():
        if draw(st.booleans()):
            kwargs[key] = draw(st.sampled_from(values))
    shape = (draw(st.one_of(st.none(), st.integers(1, 200))), draw(st.integers(1, 3)))
    if kwargs.get("data_format") == "channels_first":
        shape = shape[::-1]
    if draw(st.integers(0, 9)) == 0:
        shape = shape + (2,)
    return kwargs, shape


@settings(max_examples=sweep(40), deadline=None)
@given(case=stft_cases())
def test_stft_spectrogram_matches_keras(real_keras, case):
    pytest.importorskip("scipy")  # Keras validates the window name with scipy
    kwargs, shape = case
    same(real_keras, "STFTSpectrogram", kwargs, shape)
