"""Take the README's screenshot of the web calculator: ``python docs/make_screenshot.py``.

Starts the calculator on a free port (Pyodide's files fetched: ``nncalc serve --fetch-pyodide``),
opens the page in Debian's Chromium (Playwright), turns on FLOPs, clicks ``Conv_1`` and saves
``docs/web.png``.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from nncalc.serve.server import CalculatorServer

    server = CalculatorServer(("127.0.0.1", 0))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 760}, bypass_csp=True)
            page.goto(server.url + "/")
            page.wait_for_selector("tr.layer-row", timeout=60000)
            page.check("#opt-flops")
            page.click("#run")
            page.wait_for_function("Number(document.body.dataset.runs) > 1", timeout=60000)
            page.click('tr[data-layer="Conv_1"]')
            page.evaluate("window.scrollTo(0, 0)")  # the table and the start of the derivation
            page.screenshot(path=str(out))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("web.png"))
