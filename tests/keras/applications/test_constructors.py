"""Every ``keras.applications`` constructor builds, in nncalc, the model real Keras builds.

For each case of ``tests/io/make_applications.py`` (the 40 constructors at their defaults,
variants with other arguments, and a frozen backbone nested in a transfer model), nncalc's
``keras.applications`` builds the model with the same arguments and its summary must be,
byte for byte, the text real Keras printed for its own build (recorded by the generator,
cached; see tests/io/test_applications.py): every row's name, class, output shape,
parameters and connections, and the totals, at two widths and expanded when nested.
"""

from __future__ import annotations

import warnings

import pytest

from tests.io import make_applications
from tests.io.test_applications import _diff, applications  # noqa: F401  (the recordings fixture)


def nncalc_texts(case: str, expected: dict) -> dict:
    """nncalc's summary texts for ``case``, one per recorded key (``SUMMARIES`` options)."""
    import os

    import nncalc.keras as nk

    constructor, kwargs = make_applications.CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = make_applications.build(nk, constructor, kwargs)
    texts = {}
    for key in expected:
        columns, options = make_applications.SUMMARIES[key]
        saved = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = columns
        try:
            captured = []
            model.summary(print_fn=captured.append, **options)
        finally:
            if saved is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = saved
        texts[key] = "".join(captured)
    return texts


@pytest.mark.parametrize("case", list(make_applications.CASES))
def test_constructor_builds_what_keras_builds(applications, case):  # noqa: F811
    root, index = applications
    entry = index[case]
    assert "error" not in entry, f"real Keras could not build {case}: {entry['error']}"
    actual = nncalc_texts(case, entry["summaries"])
    for key, text in entry["summaries"].items():
        assert actual[key] == text, f"{case} ({key}):\n{_diff(text, actual[key])}"


def test_every_constructor_has_a_builder():
    import nncalc.keras as nk

    names = {name for name in dir(nk.applications) if name[0].isupper() and name not in ("CONSTRUCTORS", "MODULES")}
    assert names == set(make_applications.CONSTRUCTORS)
    assert all(callable(getattr(nk.applications, name)) for name in names)  # each module exists
