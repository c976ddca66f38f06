"""Fuzz raw bytes given as model files: .json, .keras (zip), .h5 (HDF5).

Bytes are random, or a real config's text cut short or with bytes flipped, or a zip whose
``config.json`` is such bytes, or an HDF5 signature followed by garbage, or an HDF5 file
whose ``model_config`` is such bytes. Every case ends in a summary or one clean error line.
"""

from __future__ import annotations

import importlib.util
import io
import json
import zipfile

from hypothesis import given, strategies as st

from .harness import check_cli, fuzz_settings, seed_configs

SEED_TEXTS = [json.dumps(c).encode() for c in seed_configs().values()]
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


@st.composite
def damaged_text(draw):
    """A real config's bytes, cut, with bytes flipped, inserted or removed."""
    data = bytearray(draw(st.sampled_from(SEED_TEXTS)))
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from([b"[", b"{", b"]", b"}", b",", b'"', b"\\", b"NaN",
                                                b"-", b"1e999", b"\x00", b"\xff", b"\xc3"]))
        else:
            del data[at:at + draw(st.integers(1, 50))]
    return bytes(data)


def zipped(payload: bytes, name: str = "config.json") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


def h5_with_config(payload: bytes) -> bytes:
    import h5py

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as handle:
        try:
            handle.attrs["model_config"] = payload.decode("utf-8")
        except (UnicodeDecodeError, ValueError):
            handle.attrs["model_config"] = payload.hex()  # h5py refuses NUL in strings
    return buffer.getvalue()


payloads = st.one_of(st.binary(max_size=600), damaged_text())
files = st.one_of(
    payloads,
    payloads.map(zipped),
    payloads.map(lambda p: zipped(p, "metadata.json")),
    st.tuples(payloads.map(zipped), st.integers(0, 4000), st.binary(min_size=1, max_size=8)).map(
        lambda t: t[0][:t[1]] + t[2] + t[0][t[1] + len(t[2]):]),  # a zip with damaged bytes
    st.binary(max_size=400).map(lambda b: HDF5_SIGNATURE + b),
    # (HDF5 files are written with h5py; without it .h5 names still get the other bytes)
    *([payloads.map(h5_with_config)] if importlib.util.find_spec("h5py") else []),
)


@fuzz_settings(ci_default=150)
@given(content=files, extension=st.sampled_from([".json", ".keras", ".h5", ".hdf5"]),
       fmt=st.sampled_from(["text", "json"]))
def test_raw_bytes_as_model_files(tmp_path_factory, content, extension, fmt):
    path = tmp_path_factory.mktemp("bytes") / f"model{extension}"
    path.write_bytes(content)
    check_cli(["summary", path, "--format", fmt, "--timeout", "20"], "bytes")
