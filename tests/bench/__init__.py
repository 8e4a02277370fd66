"""Performance benchmarks of the aiops.openai collection against the local emulator.

``python -m bench`` (``make bench``) measures detection latency, requests per run, task
overhead, scaling and rerun cost for the ``run`` module and the clients a user would pick
instead, and writes ``docs/performance.md`` and ``docs/performance.png``.
``python -m bench --smoke`` is the few-repetition version ``make bench-smoke`` runs in CI.
"""
