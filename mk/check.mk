# The quick everyday tier: unit tests and ansible-test sanity of the changed files only, on the
# ansible-core in .venv (under two minutes once the venvs exist). `make test` runs everything.
# "Changed" = differs from CHECK_BASE (the merge base with origin/main in a clone, else HEAD),
# committed or not, plus untracked files git does not ignore; deleted files are left out.
# ansible-test's own --changed cannot work here: it runs in a copy with an empty git repository.

CHECK_BASE ?= $(shell git merge-base HEAD origin/main 2>/dev/null || echo HEAD)

.PHONY: check check-sanity

check: units check-sanity  ## Quick tier: units + sanity of the files changed since CHECK_BASE (origin/main or HEAD)
	@echo "make check: passed (make test runs everything CI runs)"

check-sanity: venv ansible-test-tree ansible-test-bootstrap
	@paths=$$( { git diff --name-only $(CHECK_BASE) --; git ls-files --others --exclude-standard; } | \
	  sort -u | while IFS= read -r path; do if [ -e "$$path" ]; then echo "$$path"; fi; done ); \
	if [ -z "$$paths" ]; then echo "check: no file changed since $(CHECK_BASE), sanity skipped"; exit 0; fi; \
	echo "check: sanity of $$(echo $$paths | wc -w) file(s) changed since $(CHECK_BASE)"; \
	echo "ansible-test sanity --venv --python $(CORE_PYTHON) --color no" $$paths; \
	$(ANSIBLE_TEST) sanity --venv --python $(CORE_PYTHON) --color no $$paths
