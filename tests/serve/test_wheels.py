"""nncalc.serve.wheels: the wheels the page runs are complete standard wheels (pip installs
nncalc's, and the installed copy prints the command's own text)."""

from __future__ import annotations

import base64
import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

from nncalc.serve import wheels

from .conftest import SEED, nncalc_command


def test_wheel_is_a_complete_standard_wheel(tmp_path):
    name, data = wheels.build_wheel("nncalc")
    assert name == f"nncalc-{__import__('nncalc').__version__}-py3-none-any.whl"
    assert wheels.build_wheel("nncalc")[1] == data  # deterministic
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    info = name.split("-py3")[0] + ".dist-info"
    record = archive.read(f"{info}/RECORD").decode().splitlines()
    assert f"{info}/RECORD,," in record
    for line in record:  # every file listed with its hash and size, as pip checks them
        path, digest, size = line.rsplit(",", 2)
        if path.endswith("RECORD"):
            continue
        content = archive.read(path)
        assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(content).digest()).decode().rstrip("=")
        assert int(size) == len(content)
    assert len(record) == len(names)
    import nncalc

    package = Path(nncalc.__file__).parent
    sources = {f"nncalc/{p.relative_to(package).as_posix()}" for p in package.rglob("*.py")
               if "static" not in p.parts}
    assert sources <= set(names)
    assert "nncalc/render/summary.schema.json" in names
    assert not [n for n in names if "__pycache__" in n or n.startswith("nncalc/serve/static/")]

    # pip installs it, and the installed copy gives the command's own answer
    target = tmp_path / "site"
    (tmp_path / name).write_bytes(data)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target",
                    str(target), str(tmp_path / name)], check=True)
    program = ("import sys; site = sys.argv.pop(1); sys.path.insert(0, site); import nncalc.cli, nncalc; "
               "assert nncalc.__file__.startswith(site); sys.exit(nncalc.cli.main())")
    run = subprocess.run([sys.executable, "-c", program,
                          str(target), "summary", str(SEED)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout == nncalc_command("summary", str(SEED)).stdout


def test_rich_wheel_carries_its_licence():
    _, data = wheels.build_wheel("rich")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "rich/console.py" in names and "rich/table.py" in names
    assert any("/licenses/" in n for n in names)
