"""End to end in a real headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright),
offline: the page served by ``nncalc serve`` runs nncalc itself in WebAssembly (Pyodide, in a Web
Worker). Expected figures come from ``nncalc summary`` (which the differential tests tie to real
Keras) and from real Keras (``keras_files``), never typed in. Every test also checks that no
request left the server's origin and that none carried the code or the file."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from .conftest import SEED, Watched, cli_json, nncalc_command, serving, wait_for_new_result

pytestmark = pytest.mark.browser

PAGE_PATHS = re.compile(r"^/(|index\.html|style\.css|example\.py|[a-z-]+\.js|assets\.json|"
                        r"pyodide/[A-Za-z0-9_.-]+|py/[A-Za-z0-9_.-]+\.whl|py/snapshot-[0-9a-f]+\.bin\.gz)$")


@pytest.fixture(scope="module")
def site(pyodide_files):
    """`nncalc serve` as it starts by default (code API off), with Pyodide's files."""
    with serving(max_workers=2) as server:
        assert server.assets.pyodide is not None and not server.code_api
        server.assets.snapshot()  # byte code and snapshot made (once per nncalc version) before any page
        yield server


@pytest.fixture
def watched(chromium, site):
    """A fresh browser context on the page; after the test: no error in the page, nothing asked
    of another origin, only GETs of the page's own files (no code or file was sent anywhere)."""
    watched = Watched(chromium, site.url, viewport={"width": 1400, "height": 1000})
    watched.secrets = []
    yield watched
    watched.close()
    assert not watched.errors, watched.errors
    assert not watched.outside, watched.outside
    for request in watched.requests:
        path = request.url[len(site.url):].split("?")[0].split("#")[0]
        assert request.method == "GET" and PAGE_PATHS.match(path), f"{request.method} {request.url}"
    for secret in watched.secrets:
        assert not watched.carried(secret), watched.carried(secret)


def rows(page):
    return page.eval_on_selector_all("tr.layer-row", "rows => rows.map(r => r.dataset.layer)")


def step_text(step) -> str:
    value = f"{step['value']:,}" if isinstance(step["value"], int) else str(step["value"])
    return f"{step['label']}: {step['formula']} = {value}"


def layer_of(summary: dict, name: str, model: int = 0) -> dict:
    return next(layer for layer in summary["models"][model]["layers"] if layer["name"] == name)


def stored_entry(path, name: str) -> bytes:
    """The bytes of a zip member as they are stored (compressed) in the file."""
    import struct
    import zipfile

    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        local = f.read(30)
        f.seek(info.header_offset + 30 + sum(struct.unpack("<HH", local[26:30])))
        return f.read(info.compress_size)


def set_code(page, code: str, watched) -> None:
    watched.secrets.append(code.encode())
    page.fill("#code", code)


def test_seed_cnn_computed_in_the_page(watched, keras_files):
    _, reference = keras_files
    page = watched.page()
    seed = SEED.read_text(encoding="utf-8")
    cli = nncalc_command("summary", str(SEED))
    expected = cli_json(SEED)
    assert page.input_value("#code") == seed  # the tutorial's CNN is preloaded and computed
    assert page.text_content("#text") == cli.stdout  # exactly `nncalc summary` (= Keras' table)
    assert rows(page) == [layer["name"] for layer in expected["models"][0]["layers"]]
    totals = page.inner_text("dl.totals")
    assert f"{reference['seed_cnn']['params']:,}" in totals  # real Keras' count_params()
    assert f"{expected['models'][0]['total_params']:,}" in totals
    assert "in your browser" in page.inner_text("#where")

    # the same code typed in (a marker makes it this test's own), Ctrl+Enter calculates
    typed = seed.replace("# The tutorial's", "# typed-in-7f3a: the tutorial's")
    set_code(page, typed, watched)
    wait_for_new_result(page, lambda: page.press("#code", "Control+Enter"))
    assert page.text_content("#text") == cli.stdout

    # a row, then a box of the diagram, open the derivation; Esc closes it
    page.click('tr[data-layer="Conv_1"]')
    assert page.inner_text("#explain-title") == "Conv_1 (Conv2D)"
    assert step_text(layer_of(expected, "Conv_1")["explanation"]["params"][0]) in page.inner_text("#explain-body")
    page.keyboard.press("Escape")
    assert page.is_hidden("#explain")
    page.click('svg.model-diagram g.node[data-layer="Pool_1"]')
    assert page.is_visible("#explain") and page.inner_text("#explain-title") == "Pool_1 (MaxPooling2D)"
    shape_steps = layer_of(expected, "Pool_1")["explanation"]["output_shape"]
    assert all(step["formula"] in page.inner_text("#explain-body") for step in shape_steps)
    assert page.get_attribute('tr[data-layer="Pool_1"]', "class").split().count("selected") == 1

    # the chart says what it shows: parameters only, then parameters and FLOPs
    assert page.inner_text(".chart-title") == "Parameters per layer"
    assert page.locator("svg.bar-chart rect.bar-flops").count() == 0
    page.check("#opt-flops")
    wait_for_new_result(page, lambda: page.click("#run"))
    with_flops = cli_json(SEED, "--flops")
    assert page.inner_text(".chart-title") == "Parameters and FLOPs per layer"
    assert page.locator("svg.bar-chart rect.bar-flops").count() == len(with_flops["models"][0]["layers"])
    assert f"{with_flops['models'][0]['analysis']['flops']:,}" in page.inner_text("dl.totals")


LEAK = """from js import XMLHttpRequest
request = XMLHttpRequest.new()
request.open("GET", "http://127.0.0.2:9/leak", False)
request.send()
"""


def test_page_runs_under_its_content_security_policy(chromium, site):
    """The server's policies hold while Pyodide runs: the page's (scripts from its own origin, no
    eval) and the Web Worker's (no connection to any other origin)."""
    strict = Watched(chromium, site.url, bypass_csp=False, viewport={"width": 1200, "height": 900})
    try:
        responses = []
        strict.context.on("response", lambda response: responses.append(response))
        page = strict.page()  # waits for the first table: no string is evaluated
        policy = next(r for r in responses if r.url == site.url + "/").headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-eval" not in policy
        assert rows(page) == [layer["name"] for layer in cli_json(SEED)["models"][0]["layers"]]
        assert page.is_hidden("#error")
        worker = next(r for r in responses if r.url == site.url + "/calc-worker.js")
        assert "connect-src 'self'" in worker.headers["content-security-policy"]

        # code that arrives in a permalink cannot send anything to another origin: the worker's
        # own policy stops it before the network (nothing reaches the route that records)
        page.fill("#code", LEAK)
        page.click("#run")
        page.wait_for_selector("#error:not([hidden])", timeout=60000)
        assert page.inner_text("#error").startswith("nncalc: error: model.py:4: JsException: NetworkError")
        failed = [r for r in strict.requests if "127.0.0.2" in r.url]
        assert failed and all(r.failure == "csp" for r in failed)
        assert not strict.errors and not strict.outside
    finally:
        strict.close()


def test_a_snapshot_the_browser_cannot_restore_is_not_fatal(chromium, site):
    """A damaged memory snapshot (or one this browser cannot use): Python starts the long way."""
    import gzip

    if not site.assets.snapshot():
        pytest.skip("no memory snapshot here (no Node)")
    watched = Watched(chromium, site.url, viewport={"width": 1200, "height": 900})
    try:
        damaged = gzip.compress(b"\0" * 4096)
        watched.context.route("**/py/snapshot-*", lambda route: route.fulfill(body=damaged))
        page = watched.page()
        assert rows(page) == [layer["name"] for layer in cli_json(SEED)["models"][0]["layers"]]
        assert page.is_hidden("#error") and not watched.errors and not watched.outside
    finally:
        watched.close()


def test_chinese(watched):
    page = watched.page()
    zh = cli_json(SEED, "--lang", "zh")
    wait_for_new_result(page, lambda: page.select_option("#lang", "zh"))
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text("#run") == "计算"
    page.click('tr[data-layer="Conv_1"]')
    panel = page.inner_text("#explain-body")
    assert "参数" in panel
    assert step_text(layer_of(zh, "Conv_1")["explanation"]["params"][0]) in panel


def test_keras_upload_in_the_browser_and_svg_download(watched, keras_files, tmp_path):
    out, reference = keras_files
    page = watched.page()
    keras_file = out / "seed_cnn.keras"
    watched.secrets.append(stored_entry(keras_file, "config.json"))  # what the page keeps of the file
    wait_for_new_result(page, lambda: page.set_input_files("#file", str(keras_file)))
    assert page.is_hidden("#error")
    assert f"{reference['seed_cnn']['params']:,}" in page.inner_text("dl.totals")  # real Keras
    assert page.text_content("#text") == nncalc_command("summary", str(keras_file)).stdout
    # the file replaces the code: no stale code shown, the file's name once
    assert page.is_hidden("#code") and page.is_hidden("#editor")
    assert page.inner_text("#drop").count("seed_cnn.keras") == 1
    assert "in your browser" in page.inner_text("#status")

    with page.expect_download() as download:
        page.click("#dl-svg")
    path = tmp_path / "model.svg"
    download.value.save_as(path)
    assert download.value.suggested_filename == "sequential.svg"
    root = ET.parse(path).getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    nodes = root.findall(".//svg:g", ns)
    assert [n.get("data-layer") for n in nodes if "node" in n.get("class", "").split()] == rows(page)
    assert len(root.findall(".//svg:path[@class='edge']", ns)) == len(rows(page)) - 1
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Conv_1 (Conv2D)" in texts and "(None, 128, 128, 512)" in texts

    with page.expect_download() as download:
        page.click("#dl-json")
    download.value.save_as(tmp_path / "summary.json")
    saved = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert saved["models"][0]["total_params"] == reference["seed_cnn"]["params"]

    # back to the code
    wait_for_new_result(page, lambda: page.click("#clear-file"))
    assert page.is_visible("#code") and "seed_cnn.keras" not in page.inner_text("#drop")


def test_h5_is_read_by_the_server_and_says_so(chromium, site, keras_files):
    """h5py is not in Pyodide's core: under `nncalc serve` an .h5 file goes to the API (which
    only parses it), the only request that carries anything of the user's."""
    out, reference = keras_files
    watched = Watched(chromium, site.url, viewport={"width": 1200, "height": 900})
    try:
        page = watched.page()
        # (the seed MLP: the API takes 5 MB at most, and an .h5 file holds its weights)
        wait_for_new_result(page, lambda: page.set_input_files("#file", str(out / "seed_mlp.h5")))
        assert f"{reference['seed_mlp']['params']:,}" in page.inner_text("dl.totals")  # real Keras
        assert "read by the server" in page.inner_text("#status")
        posts = [r for r in watched.requests if r.method != "GET"]
        assert [(r.method, r.url) for r in posts] == [("POST", site.url + "/api/summary")]
        assert json.loads(posts[0].post_data)["filename"] == "seed_mlp.h5"
        assert not watched.errors and not watched.outside
    finally:
        watched.close()


def test_permalink_reloads_the_model(watched, tmp_path):
    page = watched.page()
    changed = SEED.read_text(encoding="utf-8").replace("units=128", "units=64")
    set_code(page, changed, watched)
    page.check("#opt-flops")
    wait_for_new_result(page, lambda: page.click("#run"))
    page.click("#permalink")
    page.wait_for_function("location.hash.includes('code=')")
    url = page.evaluate("location.href")
    assert "flops=1" in url and len(url) < len(changed) * 2

    other = watched.page(url[len(watched.origin):])
    assert other.input_value("#code") == changed
    assert other.is_checked("#opt-flops")
    script = tmp_path / "changed.py"
    script.write_text(changed, encoding="utf-8")
    expected = cli_json(script, "--flops")["models"][0]
    assert expected["total_params"] != cli_json(SEED)["models"][0]["total_params"]
    assert f"{expected['total_params']:,}" in other.inner_text("dl.totals")
    assert f"{expected['analysis']['flops']:,}" in other.inner_text("dl.totals")


def test_an_error_replaces_the_results_and_marks_its_line(watched, tmp_path):
    page = watched.page()
    assert page.locator("svg.model-diagram").count() == 1
    broken = "import keras\nmodel = keras.Sequential([keras.Input((4,))])\nmodel.add(keras.layers.Dense(-3))\n"
    set_code(page, broken, watched)
    wait_for_new_result(page, lambda: page.click("#run"))
    error = page.inner_text("#error")
    assert page.is_visible("#error") and error.startswith("nncalc: error: model.py:3:")
    (tmp_path / "model.py").write_text(broken, encoding="utf-8")  # the command's own line
    assert nncalc_command("summary", "model.py", cwd=tmp_path).stderr.strip() == error
    # nothing of the previous model stays
    assert page.locator("tr.layer-row").count() == 0
    assert page.locator("dl.totals").count() == 0 and page.locator("svg").count() == 0
    assert page.text_content("#text") == "" and page.is_hidden("#downloads") and page.is_hidden("#explain")
    # the editor shows line numbers and marks line 3
    assert page.inner_text("#gutter .error-line") == "3"
    mark = page.locator("#line-mark").bounding_box()
    line_height = float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('#code')).lineHeight)"))
    top = page.locator("#code").bounding_box()["y"] + float(page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#code')).paddingTop)"))
    assert abs(mark["y"] - (top + 2 * line_height)) < 1.5 and abs(mark["height"] - line_height) < 0.5
    # editing clears the mark; a good model brings results back
    set_code(page, broken.replace("Dense(-3)", "Dense(3)"), watched)
    assert page.is_hidden("#line-mark") and page.locator("#gutter .error-line").count() == 0
    wait_for_new_result(page, lambda: page.press("#code", "Control+Enter"))
    assert page.is_hidden("#error") and rows(page) == ["dense"]


def test_an_endless_script_is_stopped_and_the_next_runs(watched):
    page = watched.page()
    page.evaluate("self.NNCALC_TIMEOUT_MS = 3000")  # instead of 20 s
    set_code(page, "import keras\nwhile True:\n    pass\n", watched)
    wait_for_new_result(page, lambda: page.click("#run"), timeout=30000)
    assert "took longer than 3 s" in page.inner_text("#error")
    set_code(page, "import keras\nm = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2)])\n", watched)
    wait_for_new_result(page, lambda: page.click("#run"), timeout=60000)  # a fresh Python
    assert page.is_hidden("#error") and "12" in page.inner_text("dl.totals")


RESNET = '''import keras
from keras import layers

def block(x, name):
    y = layers.Conv2D(16, 3, padding="same", name=f"{name}_conv1")(x)
    y = layers.ReLU(name=f"{name}_relu")(y)
    y = layers.Conv2D(16, 3, padding="same", name=f"{name}_conv2")(y)
    return layers.Add(name=f"{name}_add")([x, y])

inputs = keras.Input((32, 32, 16), name="image")
x = block(block(inputs, "block1"), "block2")
outputs = layers.Dense(10, name="head")(layers.GlobalAveragePooling2D(name="pool")(x))
model = keras.Model(inputs, outputs, name="resnet2")
'''

EDGES_THROUGH_BOXES = """() => {
  const boxes = [...document.querySelectorAll('svg.model-diagram g.node')].map((g) => {
    const r = g.getBoundingClientRect(); return {name: g.dataset.layer, r};
  });
  const bad = [];
  for (const edge of document.querySelectorAll('svg.model-diagram path.edge')) {
    const length = edge.getTotalLength();
    const matrix = edge.getScreenCTM();
    for (let s = 0; s <= length; s += 2) {
      const p = edge.getPointAtLength(s).matrixTransform(matrix);
      for (const {name, r} of boxes) {
        if (name === edge.dataset.from || name === edge.dataset.to) continue;
        if (p.x > r.left + 1 && p.x < r.right - 1 && p.y > r.top + 1 && p.y < r.bottom - 1) bad.push(`${edge.dataset.from}->${edge.dataset.to} crosses ${name}`);
      }
    }
  }
  return [...new Set(bad)];
}"""


def test_diagram_draws_every_connection_beside_the_boxes(watched, tmp_path):
    page = watched.page()
    set_code(page, RESNET, watched)
    wait_for_new_result(page, lambda: page.click("#run"))
    script = tmp_path / "resnet.py"
    script.write_text(RESNET, encoding="utf-8")
    model = cli_json(script)["models"][0]
    links = sorted((c["layer"], layer["name"]) for layer in model["layers"] for c in layer["connected_to"])
    drawn = sorted(tuple(pair) for pair in page.eval_on_selector_all(
        "svg.model-diagram path.edge", "edges => edges.map(e => [e.dataset.from, e.dataset.to])"))
    assert drawn == links  # every connection, the two skip connections included
    assert page.evaluate(EDGES_THROUGH_BOXES) == []  # none runs through a box it does not join
    # each skip connection is its own line: it does not share its way with the chain it skips
    skip = page.locator('path.edge[data-from="image"][data-to="block1_add"]').get_attribute("d")
    chain = page.locator('path.edge[data-from="image"][data-to="block1_conv1"]').get_attribute("d")
    assert " L" in skip and " L" not in chain  # the skip runs down its own lane
    page.click('svg.model-diagram g.node[data-layer="block2_add"]')
    assert page.inner_text("#explain-title") == "block2_add (Add)"


NESTED = '''import keras
inner = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, name="inner_dense")], name="inner")
inputs = keras.Input((8,))
model = keras.Model(inputs, keras.layers.Dense(2, name="top")(inner(inputs)), name="outer")
'''


def test_expand_nested_applies_or_says_why(watched, tmp_path):
    page = watched.page()
    page.check("#opt-expand_nested")
    set_code(page, NESTED, watched)
    wait_for_new_result(page, lambda: page.click("#run"))
    script = tmp_path / "nested.py"
    script.write_text(NESTED, encoding="utf-8")
    outer = next(m for m in cli_json(script, "--expand-nested")["models"] if m["name"] == "outer")
    assert any(layer["depth"] > 0 for layer in outer["layers"])
    assert page.eval_on_selector_all('table[data-model="outer"] tr.layer-row', "rows => rows.map(r => r.dataset.layer)") \
        == [layer["name"] for layer in outer["layers"]]
    assert page.is_hidden("#notes")
    # the script prints its own summary: its arguments decide, and the page says so
    set_code(page, NESTED + "model.summary()\n", watched)
    wait_for_new_result(page, lambda: page.click("#run"))
    assert "inner_dense" not in rows(page)
    assert page.is_visible("#notes") and '"outer"' in page.inner_text("#notes")
    assert "expand_nested=True" in page.inner_text("#notes")


def test_phone_and_wide_tables(chromium, site):
    phone = Watched(chromium, site.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = phone.page()
        page.check("#opt-flops")
        page.check("#opt-receptive_field")
        wait_for_new_result(page, lambda: page.click("#run"))
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing off the side
        columns = page.eval_on_selector_all("table.layers thead th", "ths => ths.map(th => th.textContent)")
        assert "Param #" in columns and "FLOPs" in columns
        first = page.locator("tr.layer-row").first
        for cell in first.locator("td").all():  # every column of a row is on the screen
            box = cell.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
        params = first.locator("td.num").first
        assert params.get_attribute("data-label") == "Param #" and params.is_visible()
        assert page.locator(".scroll-hint").is_hidden()
        assert not phone.outside and not phone.errors
    finally:
        phone.close()
    # a laptop-sized window and every column: the table scrolls sideways, and says so
    laptop = Watched(chromium, site.url, viewport={"width": 1000, "height": 800})
    try:
        page = laptop.page()
        assert page.locator(".scroll-hint").is_hidden()  # three columns fit
        for option in ("flops", "memory", "receptive_field", "show_trainable"):
            page.check(f"#opt-{option}")
        page.fill("#code", RESNET)
        wait_for_new_result(page, lambda: page.click("#run"))
        wrap = page.locator(".table-wrap")
        assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")
        assert page.locator(".scroll-hint").is_visible()
        assert "more-right" in wrap.get_attribute("class")
        wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; w.dispatchEvent(new Event('scroll')); }")
        page.wait_for_function("!document.querySelector('.table-wrap').classList.contains('more-right')")
        assert not laptop.outside and not laptop.errors
    finally:
        laptop.close()


def test_without_pyodide_files_the_page_says_how_and_files_still_work(chromium, keras_files):
    from nncalc.serve.assets import Assets

    out, reference = keras_files
    with serving(max_workers=1) as server:
        server.assets = Assets(pyodide=None)
        watched = Watched(chromium, server.url, viewport={"width": 1200, "height": 900})
        try:
            page = watched.page(wait=False)
            page.wait_for_function("document.querySelector('#where').textContent.includes('--fetch-pyodide')")
            secret = b"# never-sent-4c1d\nimport keras\n"
            page.fill("#code", secret.decode())
            wait_for_new_result(page, lambda: page.click("#run"))
            assert "nncalc serve --fetch-pyodide" in page.inner_text("#error")
            assert not watched.carried(secret)
            wait_for_new_result(page, lambda: page.set_input_files("#file", str(out / "seed_cnn.keras")))
            assert f"{reference['seed_cnn']['params']:,}" in page.inner_text("dl.totals")  # via the API
            assert any(r.method == "POST" and r.url.endswith("/api/summary") for r in watched.requests)
            assert not watched.errors and not watched.outside
        finally:
            watched.close()
