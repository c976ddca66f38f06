"""Write ``src/nncalc/layers/call_signatures.py``: the positional parameters of each Keras layer's
``call()``, read from real Keras (``inspect.signature``).

    python tools/call_signatures.py            # rewrites the module
    python tools/call_signatures.py --check    # fails if it is out of date

Keras binds a layer call to its ``call()`` signature (``CallSpec``: ``signature.bind(*args,
**kwargs)``), so ``LayerNormalization()(x, y)`` raises "too many positional arguments", and
``Dense()(x, y)`` binds ``y`` to ``training``, which Keras also passes itself: "multiple values
for argument 'training'". nncalc's built-in layers do not define ``call()``;
:meth:`nncalc.core.layer.Layer.__call__` checks the arguments against this table instead.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "nncalc" / "layers" / "call_signatures.py"


def positional_parameters() -> dict:
    """Class name -> the names of the positional parameters of its ``call()`` (None: ``*args``)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    result = {}
    for name in sorted(dir(keras.layers)):
        cls = getattr(keras.layers, name)
        if not (isinstance(cls, type) and issubclass(cls, keras.layers.Layer)) or cls.__name__ != name:
            continue
        params = list(inspect.signature(cls.call).parameters.values())[1:]  # without self
        if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in params):
            result[name] = None
        else:
            result[name] = tuple(p.name for p in params if p.kind in (inspect.Parameter.POSITIONAL_ONLY,
                                                                        inspect.Parameter.POSITIONAL_OR_KEYWORD))
    return result


def render(counts: dict, version: str) -> str:
    lines = [
        '"""The positional parameters of each Keras layer\'s ``call()`` (None: any number).',
        "",
        f"Generated from Keras {version} by ``python tools/call_signatures.py``; do not edit.",
        '"""',
        "",
        "POSITIONAL = {",
    ]
    lines += [f"    {name!r}: {count!r}," for name, count in counts.items()]
    lines += ["}", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    import keras

    text = render(positional_parameters(), keras.__version__)
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python tools/call_signatures.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
