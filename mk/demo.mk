# The main job (playbooks/demo.yml), its molecule scenario and its functional test.
# See the README's "Demo" section.

# Where `make demo` keeps the thread ID and the emulator's objects between two runs.
DEMO_STATE_DIR ?= $(TMP)/demo
# More ansible-playbook arguments, e.g. `make demo DEMO_ARGS=-v`.
DEMO_ARGS ?=
# The API the demo uses: empty (the modules choose; the emulator serves both APIs), `assistants` or
# `responses` (the emulator serves that API only; state in $(DEMO_STATE_DIR)/emulator-<API>).
API ?=
# Each molecule scenario's converge and idempotence share one emulator (any key works: a placeholder,
# never a developer's real key) and a directory under this one, for one `make molecule`.
MOLECULE_DEMO_STATE_DIR := $(TMP)/molecule-demo

.PHONY: demo demo-reset molecule functional

demo: venv collection  ## The main job: playbooks/demo.yml (against the emulator unless OPENAI_BASE_URL/OPENAI_API_KEY are set; API=responses for the Responses API)
	@$(PY) tests/tools/demo.py --state-dir "$(DEMO_STATE_DIR)" --api "$(API)" -- $(DEMO_ARGS)

demo-reset:  ## Forget the demo's thread and emulator objects (the next `make demo` starts over)
	rm -rf "$(DEMO_STATE_DIR)"

molecule: venv collection  ## molecule test: the demo, converge + idempotence (extensions/molecule: default, then responses)
	@rm -rf $(MOLECULE_DEMO_STATE_DIR)
	@for scenario in default responses; do echo "molecule: scenario $$scenario"; \
	  (cd extensions && PATH="$(BIN):$$PATH" AIOPS_DEMO_STATE_DIR=$(MOLECULE_DEMO_STATE_DIR)/$$scenario OPENAI_API_KEY=sk-emulator-molecule \
	    $(PY) $(CURDIR)/tests/tools/with_emulator.py -- $(BIN)/molecule test --scenario-name $$scenario) || exit 1; \
	done

functional: venv collection  ## Functional tests (tests/functional: `make demo` twice, the key never shown)
	$(call run_pytest,tests/functional)

TEST_TARGETS += molecule functional
