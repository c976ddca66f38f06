"""Regenerate the tf.keras 2 summaries that ``--style tf_keras`` must reproduce.

    python tests/render/make_tf_keras_reference.py --python /tmp/tfk/bin/python [--out DIR]

``--python`` is an interpreter with TensorFlow and ``tf_keras`` (e.g. a
throwaway venv: ``python3 -m venv /tmp/tfk && /tmp/tfk/bin/pip install
tensorflow-cpu==2.21.0 tf_keras``).  Every ``tf_keras_reference/*.py`` script runs
there in its own process with ``TF_USE_LEGACY_KERAS=1`` (so ``from tensorflow
import keras`` is tf_keras, the tf.keras 2.x API) and stdout piped; its stdout
is saved next to it as ``NAME.txt`` (or in ``--out DIR``).  ``versions.txt``
records what produced them.  ``test_tf_keras.py`` compares these files with
``nncalc summary NAME.py --style tf_keras``, and re-runs this generator into a
temporary directory when ``NNCALC_TF_KERAS_PYTHON`` names such an interpreter.

The scripts name their inputs and functional models because tf.keras 2 and
Keras 3 choose different automatic names (``input_1``/``model`` against
``input_layer``/``functional``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "tf_keras_reference"


def legacy_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "PYTHONPATH")}
    env.update(TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    return env


def run(python: str, script: Path) -> str:
    result = subprocess.run([python, script.name], cwd=script.parent, env=legacy_env(),
                            stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{script.name} failed:\n{result.stderr}")
    return result.stdout


def versions(python: str) -> str:
    code = ("import tensorflow as tf, tf_keras, sys; "
            "print(f'python {sys.version.split()[0]}'); "
            "print(f'tensorflow {tf.__version__}'); print(f'tf_keras {tf_keras.__version__}'); "
            "print(f'tf.keras is {tf.keras.__name__}')")
    return subprocess.run([python, "-c", code], env=legacy_env(), capture_output=True,
                          text=True, check=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter with tf_keras")
    parser.add_argument("--out", type=Path, default=HERE, help="where to write the .txt files")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "versions.txt").write_text(versions(args.python))
    for script in sorted(HERE.glob("*.py")):
        out = run(args.python, script)
        target = args.out / script.with_suffix(".txt").name
        target.write_text(out)
        print(f"{target.name}: {len(out.splitlines())} lines")


if __name__ == "__main__":
    main()
