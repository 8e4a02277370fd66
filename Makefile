# Build and test tooling for the aiops.openai collection (collection root = repository root).
# Everything runs from .venv (pinned requirements-dev.txt); nothing needs activating.
# `make help` lists the targets; docs/development.md explains the moving parts.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

PIP_VERSION := 24.2
# Python 3.11 is what CI has; any python3 will do for a first try elsewhere.
PYTHON_BOOT := $(shell command -v python3.11 || command -v python3)
# Python X.Y for the matrix venvs: pyenv's build if there is one (its `python3.12` shim refuses
# to run without PYENV_VERSION), else pythonX.Y on PATH.
PYENV_ROOT ?= $(or $(shell pyenv root 2>/dev/null),$(HOME)/.pyenv)
python_for = $(or $(lastword $(sort $(wildcard $(PYENV_ROOT)/versions/$(1).*/bin/python$(1)))),$(shell command -v python$(1)))

VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
PY := $(BIN)/python
TMP := $(CURDIR)/.tmp

# `ansible_collections.aiops.openai` importable from the working tree through a symlink.
COLLECTIONS := $(TMP)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/aiops/openai
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONPATH := $(COLLECTIONS):$(CURDIR)/tests

# The ansible-core that `units`, `sanity` and `integration` test. Empty: the one in .venv
# (requirements-dev.txt). CORE=2.16 (a line of the matrix, mk/matrix.mk): .venvs/core-2.16 from
# tests/requirements/core-2.16.txt, on the Python and pip that mk/matrix.mk gives that line.
CORE ?=
CORE_VENV = $(if $(CORE),$(CURDIR)/.venvs/core-$(CORE),$(VENV))
CORE_BIN = $(CORE_VENV)/bin
# The Python version ansible-test sanity runs on, and the packages its --venv bootstrap installs
# (get_venv_packages() in ansible_test/_internal/python_requirements.py).
CORE_PYTHON = $(if $(CORE),$(CORE_PYTHON_$(CORE)),3.11)
GET_PIP_PACKAGES = $(if $(CORE),$(GET_PIP_PACKAGES_$(CORE)),pip==$(PIP_VERSION))

# ansible-test resolves symlinks (os.getcwd()), so it runs in a real copy instead; one per CORE.
ANSIBLE_TEST_ROOT = $(TMP)/ansible-test$(if $(CORE),-$(CORE))/ansible_collections/aiops/openai
# ansible-test sets up its own paths; ours would point it back at the working tree.
ANSIBLE_TEST = cd $(ANSIBLE_TEST_ROOT) && env -u PYTHONPATH -u ANSIBLE_COLLECTIONS_PATH PATH="$(CORE_BIN):$$PATH" $(CORE_BIN)/ansible-test

# Offline stand-in for the get-pip script ansible-test --venv would download (see docs/development.md).
ANSIBLE_TEST_CACHE := $(HOME)/.ansible/test/cache
GET_PIP_VERSION = $(patsubst pip==%,%,$(filter pip==%,$(GET_PIP_PACKAGES)))
GET_PIP = $(ANSIBLE_TEST_CACHE)/get_pip_$(subst .,_,$(GET_PIP_VERSION)).py
GET_PIP_WHEELS = $(ANSIBLE_TEST_CACHE)/get_pip_$(subst .,_,$(GET_PIP_VERSION))_wheels

PYTEST := $(BIN)/pytest
COLLECTION_VERSION = $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL = $(TMP)/dist/aiops-openai-$(COLLECTION_VERSION).tar.gz

.PHONY: help venv collection units emulator-tests sanity integration lint build install-check \
        test clean ansible-test-tree ansible-test-bootstrap core-venv

help:  ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

venv: $(VENV)/.installed  ## Create .venv from requirements-dev.txt

$(VENV)/.installed: requirements-dev.txt
	@test -n "$(PYTHON_BOOT)" || { echo "venv: neither python3.11 nor python3 found" >&2; exit 1; }
	$(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==$(PIP_VERSION)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

core-venv: $(if $(CORE),$(CORE_VENV)/.installed)

# A matrix line's venv: its pinned requirements on the Python mk/matrix.mk names for it.
$(CURDIR)/.venvs/core-%/.installed: tests/requirements/core-%.txt
	@python="$(call python_for,$(CORE_PYTHON_$*))"; \
	  test -n "$$python" || { echo "core-$*: no Python '$(CORE_PYTHON_$*)' (python$(CORE_PYTHON_$*) or under $(PYENV_ROOT)/versions)" >&2; exit 1; }; \
	  rm -rf $(@D) && echo "$$python -m venv $(@D)" && "$$python" -m venv $(@D)
	$(@D)/bin/python -m pip install --quiet --upgrade pip==$(PIP_VERSION)
	$(@D)/bin/python -m pip install --quiet -r $<
	touch $@

collection:  ## Link the working tree at .tmp/collections/ansible_collections/aiops/openai
	@mkdir -p $(dir $(COLLECTION_LINK))
	@test "$$(readlink $(COLLECTION_LINK) 2>/dev/null)" = "$(CURDIR)" || ln -sfn $(CURDIR) $(COLLECTION_LINK)

# Run pytest (.venv's, or the one given second) on a directory; a directory without tests is
# reported and skipped, so that pytest's "no tests collected" (exit 5) can only happen where
# tests exist, and then fails.
define run_pytest
	@if ! find $(1) -name 'test_*.py' -print -quit 2>/dev/null | grep -q .; then \
	  echo "$(1): no tests yet, skipped"; \
	else \
	  echo "$(or $(2),$(PYTEST)) $(1)"; $(or $(2),$(PYTEST)) $(1); \
	fi
endef

units: venv collection core-venv  ## Unit tests (tests/unit; CORE=2.xx: on that ansible-core)
	$(call run_pytest,tests/unit,$(CORE_BIN)/pytest)

emulator-tests: venv collection  ## Emulator tests (tests/emulator)
	$(call run_pytest,tests/emulator)

ansible-test-tree: venv  ## Refresh the ansible-test copy in .tmp/ansible-test[-CORE] (git's view of the tree)
	$(PY) tests/tools/sync_tree.py $(CURDIR) $(ANSIBLE_TEST_ROOT)

ansible-test-bootstrap: venv
	@mkdir -p $(GET_PIP_WHEELS)
	@for package in $(GET_PIP_PACKAGES); do \
	  ls $(GET_PIP_WHEELS)/$${package%%==*}-$${package#*==}-*.whl >/dev/null 2>&1 || \
	    $(PY) -m pip download --quiet --no-deps --only-binary :all: --dest $(GET_PIP_WHEELS) $$package; \
	done
	@cmp -s tests/tools/offline_get_pip.py $(GET_PIP) || install -m 0644 tests/tools/offline_get_pip.py $(GET_PIP)

sanity: venv core-venv ansible-test-tree ansible-test-bootstrap  ## ansible-test sanity (no ignore files; CORE=2.xx: on that ansible-core)
	$(ANSIBLE_TEST) sanity --venv --python $(CORE_PYTHON) --color no

integration: venv core-venv ansible-test-tree  ## ansible-test integration against the emulator (CORE=2.xx: on that ansible-core)
	@if ! find tests/integration/targets -mindepth 1 -maxdepth 1 -type d 2>/dev/null | grep -q .; then \
	  echo "integration: no targets in tests/integration/targets yet, skipped"; exit 0; \
	fi; \
	$(PY) tests/tools/with_emulator.py --config tests/integration/integration_config.yml \
	  --config $(ANSIBLE_TEST_ROOT)/tests/integration/integration_config.yml -- \
	  bash -c '$(ANSIBLE_TEST) integration --local --color no'

lint: venv collection  ## ansible-lint (when there are playbooks) and the changelog linter
	@if find playbooks extensions -name '*.yml' -print -quit 2>/dev/null | grep -q .; then \
	  echo "$(BIN)/ansible-lint --offline"; PATH="$(BIN):$$PATH" $(BIN)/ansible-lint --offline; \
	else \
	  echo "ansible-lint: no playbooks yet, skipped"; \
	fi
	$(BIN)/antsibull-changelog lint

build: venv  ## Build the collection tarball into .tmp/dist
	@mkdir -p $(TMP)/dist
	$(BIN)/ansible-galaxy collection build --force --output-path $(TMP)/dist .

install-check: build  ## Install the tarball into .tmp/install and load it from there
	@rm -rf $(TMP)/install
	ANSIBLE_COLLECTIONS_PATH=$(TMP)/install $(BIN)/ansible-galaxy collection install --force -p $(TMP)/install $(TARBALL)
	ANSIBLE_COLLECTIONS_PATH=$(TMP)/install PYTHONPATH=$(TMP)/install $(PY) tests/tools/check_installed.py $(TMP)/install

# Each area of the project adds its own targets in mk/<area>.mk and appends the ones CI must
# run to TEST_TARGETS, so areas can grow without editing this file.
TEST_TARGETS := units emulator-tests sanity integration lint install-check
-include $(sort $(wildcard mk/*.mk))

test: venv collection $(TEST_TARGETS)  ## Everything CI runs
	@echo "make test: all checks passed"

clean:  ## Remove .tmp, tests/output and caches (keeps .venv and .venvs; `rm -rf .venv .venvs` for new ones)
	rm -rf $(TMP) tests/output changelogs/.plugin-cache.yaml
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
