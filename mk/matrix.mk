# The ansible-core matrix: sanity and unit tests on every ansible-core line users run (2.16 to
# 2.21), integration on the oldest and the newest. 2.19 is .venv's own (requirements-dev.txt),
# tested by `sanity`, `units` and `integration`; each other line has its venv .venvs/core-<line>
# (tests/requirements/core-<line>.txt) and its ansible-test copy .tmp/ansible-test-<line>.
# `make sanity-2.16`, `make units-2.21`, `make integration-2.16` run one cell (= `make sanity
# CORE=2.16`, ...); `make matrix` runs all of them.

MATRIX_CORES := 2.16 2.17 2.18 2.20 2.21
MATRIX_INTEGRATION_CORES := 2.16 2.21

# Python of each line's venv (the newest a line supports is not needed; 2.20+ need 3.12+).
CORE_PYTHON_2.16 := 3.11
CORE_PYTHON_2.17 := 3.11
CORE_PYTHON_2.18 := 3.11
CORE_PYTHON_2.20 := 3.12
CORE_PYTHON_2.21 := 3.13
# What ansible-test's --venv bootstrap installs for each line (get_venv_packages() in
# ansible_test/_internal/python_requirements.py): tests/tools/offline_get_pip.py installs these
# from wheels fetched beforehand. Check it when a pin in tests/requirements/ moves to a new line.
GET_PIP_PACKAGES_2.16 := pip==23.1.2 setuptools==67.7.2 wheel==0.37.1
GET_PIP_PACKAGES_2.17 := pip==23.1.2 setuptools==67.7.2 wheel==0.37.1
GET_PIP_PACKAGES_2.18 := pip==24.2
GET_PIP_PACKAGES_2.20 := pip==25.2
GET_PIP_PACKAGES_2.21 := pip==25.2

MATRIX_TARGETS := $(addprefix units-,$(MATRIX_CORES)) $(addprefix sanity-,$(MATRIX_CORES)) \
                  $(addprefix integration-,$(MATRIX_INTEGRATION_CORES))

.PHONY: matrix $(MATRIX_TARGETS)

matrix: $(MATRIX_TARGETS)  ## Sanity + units on ansible-core 2.16-2.18, 2.20, 2.21; integration on 2.16, 2.21

$(MATRIX_TARGETS):
	$(MAKE) CORE=$(lastword $(subst -, ,$@)) $(firstword $(subst -, ,$@))

TEST_TARGETS += $(MATRIX_TARGETS)
