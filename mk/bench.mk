# Benchmarks (tests/bench, docs/performance.md), on the Assistants API and the Responses API. `make bench`
# measures everything and rewrites docs/performance.md and docs/performance.png (about 10 minutes; not
# part of `make test`). `make bench-smoke` runs the same measurements with a few repetitions (about 2-3
# minutes) and fails when the run module sends more requests than the targets allow (on the Responses
# API: other than the journal's 5 per created-and-waited response, more than 3 per unchanged rerun);
# times are reported, never asserted.

.PHONY: bench bench-smoke

bench: venv collection  ## Benchmarks (both APIs): rewrite docs/performance.md and docs/performance.png (~10 min; BENCH_ARGS=--report-only: from the last results)
	$(PY) -m bench $(BENCH_ARGS)

bench-smoke: venv collection  ## Quick benchmark run; fails when the run module exceeds its request targets
	$(PYTEST) tests/bench

TEST_TARGETS += bench-smoke
