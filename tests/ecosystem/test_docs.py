"""The documentation: antsibull-docs lints it, ansible-doc lists the modules, pages quote real files."""

import glob
import json
import os
import re

import pytest
import yaml

from .helpers import COLLECTION_LINK, MODULES, REPO, run_tool

DOCSITE = os.path.join(REPO, "docs", "docsite")
PAGES = sorted(glob.glob(os.path.join(DOCSITE, "rst", "*.rst")))
PLAYBOOKS = sorted(p for p in glob.glob(os.path.join(REPO, "docs", "examples", "*.yml")) if not p.endswith("execution-environment.yml"))
# Files the pages show whole: the worked playbooks, the EE files and the AWX credential type.
QUOTED = sorted(glob.glob(os.path.join(REPO, "docs", "examples", "*.yml")) + glob.glob(os.path.join(REPO, "docs", "awx", "*.yml"))
                + [os.path.join(REPO, "meta", "execution-environment.yml")])
QUOTE = re.compile(r"^\.\. Quoted from (\S+):.*\n\n\.\. code-block:: \S+\n\n((?:   .*\n|\n)+)", re.M)


def page_text(path):
    with open(path) as f:
        return f.read()


def quotes():
    """{quoted file (relative path): [block text, ...]} over all pages, indentation removed."""
    found = {}
    for page in PAGES:
        for match in QUOTE.finditer(page_text(page)):
            block = "".join(line[3:] if line.strip() else "\n" for line in match.group(2).splitlines(True))
            found.setdefault(match.group(1), []).append(block.rstrip("\n") + "\n")
    return found


def test_antsibull_docs_lint():
    """Module docs and the docsite pages, with references to plugins and options checked."""
    result = run_tool(["antsibull-docs", "lint-collection-docs", "--plugin-docs", "--check-extra-docs-refs",
                       "--validate-collection-refs", "all", "--disallow-unknown-collection-refs", COLLECTION_LINK])
    assert result.stdout.strip() == ""


def test_ansible_doc_lists_every_module_with_one_line():
    listing = json.loads(run_tool(["ansible-doc", "-t", "module", "-l", "aiops.openai", "--json"]).stdout)
    assert sorted(listing) == ["aiops.openai." + module for module in MODULES]
    for name, description in listing.items():
        assert description.strip() and "\n" not in description and len(description) <= 80, name
    plain = run_tool(["ansible-doc", "-t", "module", "-l", "aiops.openai"]).stdout.splitlines()
    rows = [line.split(None, 1) for line in plain if line.strip()]
    assert sorted(row[0] for row in rows) == sorted(listing)
    assert all(len(row) == 2 and row[1].strip() for row in rows)


def test_every_page_is_in_the_docsite_index():
    with open(os.path.join(DOCSITE, "extra-docs.yml")) as f:
        index = yaml.safe_load(f)
    listed = [entry for section in index["sections"] for entry in section["toctree"]]
    assert sorted(listed) == sorted(os.path.splitext(os.path.basename(page))[0] for page in PAGES)
    for page in PAGES:
        label = ".. _ansible_collections.aiops.openai.docsite.%s:" % os.path.splitext(os.path.basename(page))[0]
        assert page_text(page).startswith(label + "\n"), page


def test_docs_cover_what_users_meet():
    names = {os.path.splitext(os.path.basename(page))[0] for page in PAGES}
    assert {"quickstart", "guide_runs", "guide_assistants", "guide_threads_messages", "adhoc", "awx",
            "execution_environment", "troubleshooting"} <= names


@pytest.mark.parametrize("path", QUOTED, ids=lambda p: os.path.relpath(p, REPO))
def test_file_is_quoted_verbatim(path):
    relative = os.path.relpath(path, REPO)
    blocks = quotes().get(relative)
    assert blocks, "no page quotes %s" % relative
    with open(path) as f:
        content = f.read()
    for block in blocks:
        assert block == content, "a page quotes an old version of %s; paste it again as:\n%s" % (
            relative, "".join("   " + line if line.strip() else "\n" for line in content.splitlines(True)))


def test_quotes_name_real_files():
    assert sorted(quotes()) == sorted(os.path.relpath(p, REPO) for p in QUOTED)


@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=os.path.basename)
def test_example_syntax(playbook):
    run_tool(["ansible-playbook", "--syntax-check", playbook])


def test_readme_links_every_page():
    with open(os.path.join(REPO, "README.md")) as f:
        readme = f.read()
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    local = [t for t in targets if not re.match(r"[a-z]+://", t)]
    assert [t for t in local if not os.path.exists(os.path.join(REPO, t))] == []
    linked = {os.path.normpath(t) for t in local}
    for page in PAGES:
        assert os.path.relpath(page, REPO) in linked, "README.md does not link %s" % os.path.relpath(page, REPO)
    for path in ("docs/awx/credential_type_inputs.yml", "docs/awx/credential_type_injectors.yml",
                 "docs/examples/execution-environment.yml"):
        assert path in linked, "README.md does not link %s" % path
