"""``nncalc serve``: the web calculator, a page and a JSON API on the standard library only.

* :mod:`nncalc.serve.server` — the HTTP server (``ThreadingHTTPServer``): the page, the
  API (``POST /api/summary``, ``GET /api/openapi.json``), limits on body size and concurrency.
  Its code API is off unless started with ``--code-api``.
* :mod:`nncalc.serve.jail` — with ``--code-api``, runs each request in a bubblewrap jail
  (namespaces, a read-only view of Python and nncalc, an unprivileged uid, rlimits, the
  seccomp filter of :mod:`nncalc.serve.seccomp`), killed whole at its deadline.
* :mod:`nncalc.serve.sandbox` — without it, reads an uploaded file in a fresh child process
  with hard limits; the deadline-bound pipe reading both use.
* :mod:`nncalc.serve.worker` — the child (in either): sets its limits, installs an audit
  hook (an extra layer, not a boundary), then runs the pasted code (or reads the uploaded
  file) exactly as ``nncalc summary`` would.
* :mod:`nncalc.serve.throttle` — denial-of-service limits per client address and in all.
* :mod:`nncalc.serve.assets` — what the page needs to run nncalc in the browser
  (``assets.json``, served by the server) and the static export (``--export DIR``), from
  :mod:`nncalc.serve.pyodide_release` (the pinned Pyodide: fetch, checks, byte code) and
  :mod:`nncalc.serve.wheels` (nncalc and rich as wheels, a memory snapshot with nncalc
  imported); :mod:`nncalc.serve.browser` is the Python the page's Web Worker calls, and
  :mod:`nncalc.serve.bytecode` runs in Pyodide under Node to compile its byte code.

The page runs pasted code in the browser (Pyodide); the server runs it only with
``--code-api``, and never in its own process. Nothing here is imported by ``import nncalc``.
"""
