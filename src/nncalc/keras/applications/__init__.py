"""``keras.applications``: the 40 ImageNet models, rebuilt from their architectures.

Each constructor builds, with nncalc's layers, the graph Keras' constructor builds: the same
layers, names, shapes and weights, so ``ResNet50(include_top=False)`` as a backbone gives
the summary real Keras prints. ``weights`` is validated as Keras validates it but never
loaded (nothing is downloaded: counts and shapes do not depend on weight values).

Modules mirror ``keras.applications``: one per family (``resnet``, ``mobilenet_v2``, ...)
with its constructors, ``preprocess_input`` and ``decode_predictions``; the shared input
checks live in :mod:`.imagenet_utils`. A module is imported on first use.
"""

from __future__ import annotations

import importlib

from .._unsupported import unsupported_attribute

# constructor -> module that builds it (Keras' own module names)
CONSTRUCTORS = {
    **{name: "convnext" for name in ("ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge",
                                     "ConvNeXtXLarge")},
    **{name: "densenet" for name in ("DenseNet121", "DenseNet169", "DenseNet201")},
    **{f"EfficientNetB{i}": "efficientnet" for i in range(8)},
    **{f"EfficientNetV2{v}": "efficientnet_v2" for v in ("B0", "B1", "B2", "B3", "S", "M", "L")},
    "InceptionResNetV2": "inception_resnet_v2",
    "InceptionV3": "inception_v3",
    "MobileNet": "mobilenet",
    "MobileNetV2": "mobilenet_v2",
    "MobileNetV3Small": "mobilenet_v3",
    "MobileNetV3Large": "mobilenet_v3",
    "NASNetMobile": "nasnet",
    "NASNetLarge": "nasnet",
    **{name: "resnet" for name in ("ResNet50", "ResNet101", "ResNet152")},
    **{name: "resnet_v2" for name in ("ResNet50V2", "ResNet101V2", "ResNet152V2")},
    "VGG16": "vgg16",
    "VGG19": "vgg19",
    "Xception": "xception",
}

MODULES = frozenset(CONSTRUCTORS.values()) | {"imagenet_utils", "resnet50"}


def __getattr__(name: str):
    if name in CONSTRUCTORS:
        return getattr(importlib.import_module(f"{__name__}.{CONSTRUCTORS[name]}"), name)
    if name in MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    return unsupported_attribute("keras.applications", name)


def __dir__():
    return sorted(set(globals()) | set(CONSTRUCTORS) | MODULES)
