"""``nncalc serve --export DIR``: the page as static files, served by ``python -m http.server``
(no nncalc server), computes in headless Chromium, offline; model files are read in the browser."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import SEED, Watched, cli_json, nncalc_command, wait_for_new_result


@pytest.fixture(scope="module")
def static_site(pyodide_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    done = nncalc_command("serve", "--export", str(out))
    assert done.returncode == 0, done.stderr
    assert f"the web calculator is in {out}" in done.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/assets.json", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield out, url
    server.terminate()
    server.wait(10)


def test_export_holds_only_the_page(static_site):
    from nncalc.serve import assets, pyodide_release

    out, _ = static_site
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    manifest = json.loads((out / "assets.json").read_text(encoding="utf-8"))
    assert manifest["api"] is False and manifest["pyodide"]["version"] == pyodide_release.PYODIDE["version"]
    pyodide = sorted(f"pyodide/{name}" for name in pyodide_release.served_files(pyodide_release.pyodide_dir()))
    wheels = sorted(url.split("?")[0] for url in manifest["wheels"])
    snapshot = [manifest["snapshot"]] if manifest["snapshot"] else []  # where Node could make one
    assert files == sorted([*assets.PAGE_FILES, "assets.json", "_headers", *pyodide, *wheels, *snapshot])
    assert assets.WORKER_POLICY in (out / "_headers").read_text(encoding="utf-8")
    assert f"pyodide/{manifest['pyodide']['stdlib']}" in pyodide


def test_static_page_computes_and_reads_model_files(chromium, static_site, keras_files):
    _, url = static_site
    models, reference = keras_files
    watched = Watched(chromium, url, viewport={"width": 1300, "height": 900})
    try:
        page = watched.page()
        assert page.text_content("#text") == nncalc_command("summary", str(SEED)).stdout
        assert f"{reference['seed_cnn']['params']:,}" in page.inner_text("dl.totals")  # real Keras

        # .json and .keras files are read by Python in the page
        for name in ("seed_cnn.json", "seed_cnn.keras"):
            wait_for_new_result(page, lambda name=name: page.set_input_files("#file", str(models / name)))
            assert page.is_hidden("#error"), page.inner_text("#error")
            assert page.text_content("#text") == nncalc_command("summary", str(models / name)).stdout
        expected = cli_json(models / "seed_cnn.json")["models"][0]
        assert f"{expected['total_params']:,}" in page.inner_text("dl.totals")
        # .h5 needs h5py, which Pyodide's core has not: the page says where it works
        wait_for_new_result(page, lambda: page.set_input_files("#file", str(models / "seed_cnn.h5")))
        error = page.inner_text("#error")
        assert "h5py" in error and "nncalc summary seed_cnn.h5" in error and "nncalc serve" in error
        assert page.locator("tr.layer-row").count() == 0

        config = (models / "seed_cnn.json").read_bytes()[:300]
        assert not watched.carried(config)
        assert {r.method for r in watched.requests} == {"GET"}
        assert not watched.outside and not watched.errors
    finally:
        watched.close()
