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

Pasted code never runs in the server's process. Nothing here is imported by ``import nncalc``.
"""
