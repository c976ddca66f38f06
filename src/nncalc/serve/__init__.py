"""``nncalc serve``: the web calculator, a page and a JSON API on the standard library only.

* :mod:`nncalc.serve.server` — the HTTP server (``ThreadingHTTPServer``): the page, the
  API (``POST /api/summary``, ``GET /api/openapi.json``), limits on body size and concurrency.
* :mod:`nncalc.serve.sandbox` — runs one request in a fresh child process with hard limits.
* :mod:`nncalc.serve.worker` — the child: sets its limits, installs an audit hook, then runs
  the pasted code (or reads the uploaded file) exactly as ``nncalc summary`` would.

Pasted code never runs in the server's process. Nothing here is imported by ``import nncalc``.
"""
