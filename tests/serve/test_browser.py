"""End to end in a real headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright):
the page's example, a layer's explanation, Chinese, an uploaded .keras file, the SVG download,
the permalink. Expected figures come from real Keras and from the API, never typed in."""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("NNCALC_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                                   "(pip install -e '.[test]'; .ci/run installs it)")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    # bypass_csp: the page forbids eval; Playwright's wait_for_function needs it
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True,
                                  bypass_csp=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + "/")
    page.wait_for_selector("tr.layer-row", timeout=60000)
    yield page
    context.close()
    assert not errors, errors


def rows(page):
    return page.eval_on_selector_all("tr.layer-row", "rows => rows.map(r => r.dataset.layer)")


def step_text(step) -> str:
    value = f"{step['value']:,}" if isinstance(step["value"], int) else str(step["value"])
    return f"{step['label']}: {step['formula']} = {value}"


def wait_for_new_result(page, action):
    """Do ``action`` and wait until the page has shown the answer it caused."""
    before = int(page.get_attribute("body", "data-runs") or 0)
    action()
    page.wait_for_function(f"Number(document.body.dataset.runs || 0) > {before}", timeout=60000)


def test_example_table_explanation_and_chinese(page, client, seed_code, keras_files):
    _, reference = keras_files
    api = client.post({"code": seed_code})[2]["summary"]["models"][0]
    assert page.input_value("#code") == seed_code  # the seed's CNN is preloaded
    assert rows(page) == [layer["name"] for layer in api["layers"]]
    assert f"{reference['seed_cnn']['params']:,}" in page.inner_text("dl.totals")  # real Keras' total
    assert page.text_content("#text") == reference["seed_cnn"]["text"]  # Keras' own table

    # paste the code (the page's own example replaced by the same code typed in), calculate
    page.fill("#code", "")
    page.fill("#code", seed_code)
    wait_for_new_result(page, lambda: page.click("#run"))
    assert rows(page) == [layer["name"] for layer in api["layers"]]

    # two clicks from the page to a layer's explanation: the row, then read
    page.click('tr[data-layer="Conv_1"]')
    conv = next(layer for layer in api["layers"] if layer["name"] == "Conv_1")
    params_step = conv["explanation"]["params"][0]
    panel = page.inner_text("#explain-body")
    assert step_text(params_step) in panel  # e.g. "params: 5 × 5 × 3 × 512 + 512 = 38,912"
    assert page.inner_text("#explain-title") == "Conv_1 (Conv2D)"

    # Chinese: the interface and the explanations
    zh = client.post({"code": seed_code, "lang": "zh"})[2]["summary"]["models"][0]
    wait_for_new_result(page, lambda: page.select_option("#lang", "zh"))
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text("#run") == "计算"
    page.click('tr[data-layer="Conv_1"]')
    conv_zh = next(layer for layer in zh["layers"] if layer["name"] == "Conv_1")
    panel = page.inner_text("#explain-body")
    assert "参数" in panel
    assert step_text(conv_zh["explanation"]["params"][0]) in panel


def test_upload_keras_file_and_download_svg(page, keras_files, client, tmp_path):
    out, reference = keras_files
    # the whole 34 MB file: the page sends only its config (the API limit is 5 MB)
    wait_for_new_result(page, lambda: page.set_input_files("#file", str(out / "seed_cnn.keras")))
    assert page.is_visible("#error") is False
    assert f"{reference['seed_cnn']['params']:,}" in page.inner_text("dl.totals")
    assert "seed_cnn.keras" in page.inner_text("#file-name")

    with page.expect_download() as download:
        page.click("#dl-svg")
    path = tmp_path / "model.svg"
    download.value.save_as(path)
    assert download.value.suggested_filename == "sequential.svg"
    root = ET.parse(path).getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    nodes = root.findall(".//svg:g[@class='node']", ns)
    assert [n.get("data-layer") for n in nodes] == rows(page)
    assert len(root.findall(".//svg:path[@class='edge']", ns)) == len(nodes) - 1
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Conv_1 (Conv2D)" in texts and "(None, 128, 128, 512)" in texts

    with page.expect_download() as download:
        page.click("#dl-json")
    download.value.save_as(tmp_path / "summary.json")
    saved = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert saved["models"][0]["total_params"] == reference["seed_cnn"]["params"]


def test_permalink_reloads_the_model(page, browser, server, client, seed_code):
    changed = seed_code.replace("units=128", "units=64")
    page.fill("#code", changed)
    page.check("#opt-flops")
    wait_for_new_result(page, lambda: page.click("#run"))
    page.click("#permalink")
    page.wait_for_function("location.hash.includes('code=')")
    url = page.evaluate("location.href")
    assert "flops=1" in url and len(url) < len(changed) * 2

    other = browser.new_page(bypass_csp=True)
    other.goto(url)
    other.wait_for_selector("tr.layer-row", timeout=60000)
    assert other.input_value("#code") == changed
    assert other.is_checked("#opt-flops")
    expected = client.post({"code": changed, "flops": True})[2]["summary"]["models"][0]
    assert f"{expected['total_params']:,}" in other.inner_text("dl.totals")
    assert f"{expected['analysis']['flops']:,}" in other.inner_text("dl.totals")
    other.close()


def test_errors_are_shown(page):
    wait_for_error = "!document.querySelector('#error').hidden"
    page.fill("#code", "import os")
    page.click("#run")
    page.wait_for_function(wait_for_error, timeout=60000)
    assert "import of 'os' is refused" in page.inner_text("#error")


BRANCHES = '''import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3), name="image")
left = layers.Conv2D(8, 3, padding="same", name="left")(inputs)
right = layers.Conv2D(8, 5, padding="same", name="right")(inputs)
merged = layers.Concatenate(name="merge")([left, right])
pooled = layers.GlobalAveragePooling2D(name="pool")(merged)
outputs = layers.Dense(10, name="classes")(pooled)
model = keras.Model(inputs, outputs, name="branches")
'''


def test_branches_diagram_chart_and_downloads(page, client, tmp_path):
    expected = client.post({"code": BRANCHES, "flops": True, "formats": ["markdown", "csv"]})[2]
    model = expected["summary"]["models"][0]
    page.fill("#code", BRANCHES)
    page.check("#opt-flops")
    wait_for_new_result(page, lambda: page.click("#run"))
    assert rows(page) == [layer["name"] for layer in model["layers"]]
    edges = sum(len(layer["connected_to"]) for layer in model["layers"])
    assert page.locator("svg.model-diagram path.edge").count() == edges
    # a layered layout: the two branches side by side, the merge below both
    y = {name: page.get_attribute(f'svg.model-diagram g[data-layer="{name}"]', "transform")
         for name in ("left", "right", "merge")}
    assert y["left"].split(",")[1] == y["right"].split(",")[1] != y["merge"].split(",")[1]
    assert page.locator("svg.bar-chart rect.bar-params").count() == len(model["layers"])
    assert page.locator("svg.bar-chart rect.bar-flops").count() == len(model["layers"])
    assert "Connected to" in page.inner_text("table.layers thead")
    for button, key, name in (("#dl-markdown", "markdown", "summary.md"), ("#dl-csv", "csv", "summary.csv")):
        with page.expect_download() as download:
            page.click(button)
        download.value.save_as(tmp_path / name)
        assert (tmp_path / name).read_text(encoding="utf-8") == expected[key]
