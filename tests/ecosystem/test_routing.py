"""meta/runtime.yml: the seed's name `openai_run` routes to `run`; module_defaults reach every module."""

import os

import yaml

from .helpers import FAKE_KEY, MODULES, REPO, environment, run_tool

PLAYBOOK = os.path.join(REPO, "tests", "ecosystem", "playbooks", "seed_name.yml")


def test_runtime_metadata():
    with open(os.path.join(REPO, "meta", "runtime.yml")) as f:
        runtime = yaml.safe_load(f)
    assert runtime["plugin_routing"]["modules"]["openai_run"] == {"redirect": "aiops.openai.run"}
    assert sorted(runtime["action_groups"]["all"]) == MODULES


def test_ansible_doc_follows_the_redirect():
    shown = run_tool(["ansible-doc", "aiops.openai.openai_run"]).stdout
    assert "MODULE aiops.openai.run " in shown


def test_seed_name_with_module_defaults_only(emulator):
    emulator.config(api_key=FAKE_KEY)  # every request must carry the key from module_defaults
    env = environment()
    assert not [name for name in env if name.startswith("OPENAI_")]
    result = run_tool(["ansible-playbook", PLAYBOOK, "-e", "openai_base_url=" + emulator.base_url,
                       "-e", "openai_api_key=" + FAKE_KEY], env=env)
    assert "failed=0" in result.stdout
    # Three run tasks (two through the seed's names, one run_info) made exactly one run.
    runs = emulator.runs()
    assert [run["status"] for run in runs] == ["completed"]
    posts = [r["path"] for r in emulator.requests() if r["method"] == "POST" and r["path"].endswith("/runs")]
    assert len(posts) == 1
    assert all(r["status"] < 400 for r in emulator.requests())
