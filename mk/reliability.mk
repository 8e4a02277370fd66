# Reliability and security suite (tests/reliability, docs/reliability.md): fault matrix (both APIs), bad
# input and secrets (both APIs), load, leaks and seeded randomized transient-fault trials, all against the
# emulator. `reliability` takes about 6 minutes on 2 cores (the Responses API's fault matrix about 3 of
# them), `stress` about 5; CI runs both.

.PHONY: reliability stress

# The randomized trials: `make reliability` runs RELIABILITY_TRIALS of seed RELIABILITY_SEED,
# `make stress` STRESS_TRIALS of STRESS_SEED (another seed, so CI tries new plans in both).
RELIABILITY_TRIALS ?= 60
RELIABILITY_SEED ?= 7
STRESS_TRIALS ?= 240
STRESS_SEED ?= 11

reliability: venv collection  ## Fault matrix, bad input, secrets (both APIs), 50-host load, leaks, 60 randomized fault trials
	RELIABILITY_TRIALS=$(RELIABILITY_TRIALS) RELIABILITY_SEED=$(RELIABILITY_SEED) \
	  $(PYTEST) tests/reliability -m "not stress"

stress: venv collection  ## 240 more randomized fault trials (another seed) and a play of 200 sequential tasks
	RELIABILITY_TRIALS=$(STRESS_TRIALS) RELIABILITY_SEED=$(STRESS_SEED) \
	  $(PYTEST) tests/reliability/test_transient_trials.py tests/reliability/test_load.py \
	    -k "randomized or sequential"

TEST_TARGETS += reliability stress
