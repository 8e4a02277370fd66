# How users meet the collection: ansible-doc and the docs, Galaxy, ad-hoc commands, AWX/AAP and
# execution environments, each checked with the ecosystem's own tools (tests/ecosystem/).
# ansible-lint takes its settings (production profile, exclusions) from .ansible-lint, and the
# Makefile's `lint` target runs it; the changelog is linted there too.

# The suites mostly wait for ansible-playbook subprocesses: two workers, one test file each
# (a file's module-scoped fixtures then run once), halve the time on CI's two cores.
ECOSYSTEM_PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: ecosystem-tests docs-lint changelog-preview

# The Galaxy tarball is built once, by `make build` (which `make install-check` runs too); the suite tests that file.
ecosystem-tests: venv collection build  ## antsibull-docs, ansible-doc, docs examples, ad-hoc, routing, AWX job, EE, changelog, Galaxy tarball
	AIOPS_COLLECTION_TARBALL=$(TARBALL) $(PYTEST) $(ECOSYSTEM_PYTEST_ARGS) tests/ecosystem

docs-lint: venv collection  ## antsibull-docs lint-collection-docs on the collection (also part of ecosystem-tests)
	PATH="$(BIN):$$PATH" $(BIN)/antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs \
	  --validate-collection-refs all --disallow-unknown-collection-refs $(COLLECTION_LINK)

changelog-preview: venv  ## CHANGELOG.rst as `antsibull-changelog release` would write it (VERSION=x.y.z for the next one)
	$(PY) tests/tools/sync_tree.py $(CURDIR) $(TMP)/changelog-preview/ansible_collections/aiops/openai
	cd $(TMP)/changelog-preview/ansible_collections/aiops/openai && \
	  ANSIBLE_COLLECTIONS_PATH=$(TMP)/changelog-preview PATH="$(BIN):$$PATH" \
	  $(BIN)/antsibull-changelog release --version $(or $(VERSION),$(COLLECTION_VERSION))
	@echo "changelog-preview: $(TMP)/changelog-preview/ansible_collections/aiops/openai/CHANGELOG.rst"

TEST_TARGETS += ecosystem-tests
