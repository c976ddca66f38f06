"""``nncalc.core.records.record`` behaves as ``dataclasses.dataclass`` for what nncalc uses."""

import dataclasses

import pytest

from nncalc.core.records import FrozenRecordError, field, record


def pair_of_classes(frozen: bool):
    """The same class made by ``@record`` and by ``@dataclass``."""

    class Item:
        name: str
        size: int = 3
        tags: list = field(default_factory=list)
        note: str = field(default="", repr=False, compare=False)

    mine = record(Item, frozen=frozen)

    class Theirs:
        name: str
        size: int = 3
        tags: list = dataclasses.field(default_factory=list)
        note: str = dataclasses.field(default="", repr=False, compare=False)

    Theirs.__qualname__ = mine.__qualname__
    return mine, dataclasses.dataclass(frozen=frozen)(Theirs)


@pytest.mark.parametrize("frozen", [False, True])
def test_same_init_repr_and_equality_as_dataclass(frozen):
    mine, theirs = pair_of_classes(frozen)
    for args, kwargs in [(("a",), {}), (("a", 5), {}), ((), {"name": "b", "tags": [1], "note": "x"}),
                         (("c",), {"note": "y"})]:
        a, b = mine(*args, **kwargs), theirs(*args, **kwargs)
        assert repr(a) == repr(b)
        assert (a.name, a.size, a.tags, a.note) == (b.name, b.size, b.tags, b.note)
    assert mine("a", note="x") == mine("a", note="y")  # note: compare=False
    assert mine("a") != mine("a", 4)
    assert mine("a").tags is not mine("a").tags  # a fresh list per instance
    with pytest.raises(TypeError):
        mine()  # name is required
    with pytest.raises(TypeError):
        mine("a", 1, [], "", "extra")


def test_frozen_records_are_read_only_and_hashable_mutable_ones_unhashable():
    frozen, _ = pair_of_classes(True)
    item = frozen("a")
    with pytest.raises(FrozenRecordError):
        item.size = 4
    with pytest.raises(AttributeError):  # as dataclasses.FrozenInstanceError
        del item.name
    assert hash(frozen("a", tags=(1,))) == hash(frozen("a", tags=(1,)))
    assert len({frozen("a", tags=(1,)), frozen("a", tags=(1,), note="z")}) == 1
    mutable, _ = pair_of_classes(False)
    with pytest.raises(TypeError):
        hash(mutable("a"))
    one = mutable("a")
    one.size = 9
    assert one.size == 9


def test_a_required_field_after_a_default_is_refused():
    class Bad:
        a: int = 1
        b: int

    with pytest.raises(TypeError, match="non-default argument 'b'"):
        record(Bad)
