# Servers that bend the Assistants API (issue 13, docs/docsite/rst/compatible_servers.rst):
# `compat-tests` runs the demo's core through ansible-playbook against one emulator per quirk
# (tests/compat, part of `make test`, about 3 minutes on 2 cores); `compat` checks a real server with playbooks/compat.yml.

.PHONY: compat-tests compat

# The two files (the quirk suite and the check playbook's test) wait for ansible-playbook: one worker each.
COMPAT_PYTEST_ARGS ?= -n 2 --dist loadfile

compat-tests: venv collection  ## The demo's core against the emulator with each quirk of a real server (tests/compat)
	$(PYTEST) $(COMPAT_PYTEST_ARGS) tests/compat

# The server and key come from the command line or the environment; nothing else is ever contacted.
compat: venv collection  ## Check a server: make compat BASE_URL=https://host/v1 OPENAI_API_KEY=...
	@test -n "$(BASE_URL)" || { echo "compat: give the server to check: make compat BASE_URL=https://host/v1 OPENAI_API_KEY=..." >&2; exit 2; }
	@test -n "$${OPENAI_API_KEY:-}" || { echo "compat: give the server's key: OPENAI_API_KEY=... (on the command line or in the environment)" >&2; exit 2; }
	OPENAI_BASE_URL="$(BASE_URL)" ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
	  $(BIN)/ansible-playbook playbooks/compat.yml $(COMPAT_ARGS)

TEST_TARGETS += compat-tests
