"""Local emulator of the OpenAI Assistants API v2, used by tests, the demo and benchmarks.

Start it with ``python -m emulator`` (``tests/`` on ``sys.path``) or from Python with
``emulator.harness.Emulator``; see ``README.md`` next to this file.
"""
