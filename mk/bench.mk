# Benchmarks (tests/bench, docs/performance.md). `make bench` measures everything and rewrites
# docs/performance.md and docs/performance.png (about 8 minutes; not part of `make test`).
# `make bench-smoke` runs the same measurements with a few repetitions (about a minute) and fails
# when the run module sends more requests than the targets allow; times are reported, never asserted.

.PHONY: bench bench-smoke

bench: venv collection  ## Benchmarks: rewrite docs/performance.md and docs/performance.png (~8 min)
	$(PY) -m bench

bench-smoke: venv collection  ## Quick benchmark run; fails when the run module exceeds its request targets
	$(PYTEST) tests/bench

TEST_TARGETS += bench-smoke
