"""The AWX / AAP credential type (docs/awx/) and a job run the way AWX runs one.

AWX validates a custom credential type with JSON schemas and a few rules (awx/main/fields.py),
renders its env injectors with the credential's inputs in a Jinja sandbox
(CredentialType.inject_credential in awx/main/models/credential.py) and hands the result to
ansible-runner as ``envvars``, with ``suppress_env_files`` so that nothing secret is written to
``env/`` (awx/main/tasks/jobs.py). The schemas, rules and rendering below are copied from AWX
(ansible/awx at e21dd0a0933fd544d1fe2513c54fe41203775eb5, Apache-2.0).
"""

import glob
import os
import sys

import ansible_runner
import jsonschema
import pytest
import yaml
from jinja2 import StrictUndefined, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tools.ansible_cli import BIN, COLLECTIONS

from .helpers import FAKE_KEY, REPO

AWX_DIR = os.path.join(REPO, "docs", "awx")
DEMO = os.path.join("playbooks", "demo.yml")

# CredentialTypeInputField.schema()
INPUTS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "required": {"type": "array", "items": {"type": "string"}},
        "fields": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"enum": ["string", "boolean"]},
                    "format": {"enum": ["ssh_private_key", "url"]},
                    "choices": {"type": "array", "minItems": 1, "items": {"type": "string"}, "uniqueItems": True},
                    "id": {"type": "string", "pattern": "^[a-zA-Z_]+[a-zA-Z0-9_]*$"},
                    "label": {"type": "string"},
                    "help_text": {"type": "string"},
                    "multiline": {"type": "boolean"},
                    "secret": {"type": "boolean"},
                    "ask_at_runtime": {"type": "boolean"},
                    "default": {},
                },
                "additionalProperties": False,
                "required": ["id", "label"],
            },
        },
    },
}
# CredentialTypeInjectorField.schema() (the env part; file and extra_vars are not used here)
INJECTORS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "env": {
            "type": "object",
            "patternProperties": {"^[a-zA-Z_]+[a-zA-Z0-9_]*$": {"type": "string", "pattern": "^[\x00-\x7F]*$"}},
            "additionalProperties": False,
        },
    },
}
# awx/main/constants.py ENV_BLOCKLIST, and CredentialTypeInjectorField.validate_env_var_allowed()
ENV_BLOCKLIST = frozenset((
    "VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID", "INVENTORY_UPDATE_ID",
    "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN", "MAX_EVENT_RES", "CALLBACK_QUEUE", "CALLBACK_CONNECTION",
    "CACHE", "JOB_CALLBACK_DEBUG", "INVENTORY_HOSTVARS", "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH",
))
INJECTED = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_API_VERSION")


def load(name):
    with open(os.path.join(AWX_DIR, name)) as f:
        return yaml.safe_load(f)


@pytest.fixture(name="credential_type", scope="module")
def fixture_credential_type():
    return load("credential_type_inputs.yml"), load("credential_type_injectors.yml")


def inject(credential_type, credential_inputs):
    """CredentialType.inject_credential for env injectors: (env for the job, env AWX stores)."""
    inputs, injectors = credential_type
    secret_fields = {field["id"] for field in inputs["fields"] if field.get("secret")}
    namespace, safe_namespace = {}, {}
    for name, value in credential_inputs.items():
        if name in secret_fields:
            safe_namespace[name] = "**********"
        elif len(value):
            safe_namespace[name] = value
        if len(value):
            namespace[name] = value
    sandbox = ImmutableSandboxedEnvironment()
    env, safe_env = {}, {}
    for variable, template in injectors.get("env", {}).items():
        env[variable] = sandbox.from_string(template).render(**namespace)
        safe_env[variable] = sandbox.from_string(template).render(**safe_namespace)
    return env, safe_env


def test_credential_type_is_valid_for_awx(credential_type):
    inputs, injectors = credential_type
    jsonschema.validate(inputs, INPUTS_SCHEMA)
    jsonschema.validate(injectors, INJECTORS_SCHEMA)
    ids = [field["id"] for field in inputs["fields"]]
    assert len(ids) == len(set(ids)) and "tower" not in ids
    assert set(inputs["required"]) <= set(ids)
    assert [f["id"] for f in inputs["fields"] if f.get("secret")] == ["api_key"]
    assert sorted(injectors["env"]) == sorted(INJECTED)
    for variable in injectors["env"]:
        assert not variable.startswith("ANSIBLE_") and variable not in ENV_BLOCKLIST
    # AWX renders every template with all fields defined and StrictUndefined: a typo fails here.
    valid_namespace = {field_id: "EXAMPLE" for field_id in ids}
    for variable, template in injectors["env"].items():
        try:
            ImmutableSandboxedEnvironment(undefined=StrictUndefined).from_string(template).render(valid_namespace)
        except UndefinedError as exc:
            pytest.fail("%s uses an undefined field: %s" % (variable, exc))


def test_injected_environment_with_only_a_key(credential_type):
    env, safe_env = inject(credential_type, {"api_key": FAKE_KEY})
    assert env == {"OPENAI_API_KEY": FAKE_KEY, "OPENAI_BASE_URL": "https://api.openai.com/v1",
                   "OPENAI_ORG_ID": "", "OPENAI_PROJECT_ID": "", "OPENAI_API_VERSION": ""}
    # What AWX stores with the job (job_env) has the key masked.
    assert safe_env["OPENAI_API_KEY"] == "**********"
    assert FAKE_KEY not in repr(safe_env)


def test_injected_environment_with_every_field(credential_type):
    env, _safe_env = inject(credential_type, {"api_key": FAKE_KEY, "base_url": "https://res.openai.azure.com/openai",
                                              "organization": "org-abc", "project": "proj_abc", "api_version": "2024-05-01-preview"})
    assert env == {"OPENAI_API_KEY": FAKE_KEY, "OPENAI_BASE_URL": "https://res.openai.azure.com/openai",
                   "OPENAI_ORG_ID": "org-abc", "OPENAI_PROJECT_ID": "proj_abc", "OPENAI_API_VERSION": "2024-05-01-preview"}


def files_containing(root, text):
    found = []
    for path in glob.glob(os.path.join(root, "**"), recursive=True):
        if os.path.isfile(path):
            with open(path, "rb") as f:
                if text.encode() in f.read():
                    found.append(os.path.relpath(path, root))
    return sorted(found)


def test_demo_runs_as_an_awx_job(credential_type, emulator, tmp_path, monkeypatch):
    """The demo through ansible-runner with the credential's environment and nothing else."""
    for variable in list(os.environ):
        if variable.startswith(("OPENAI_", "AIOPS_")):
            monkeypatch.delenv(variable)
    # The execution environment has ansible-playbook on its PATH.
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ.get("PATH", ""))
    emulator.config(api_key=FAKE_KEY)  # any other key is a 401: the job only passes with the injected one
    # Organization, project and API version left empty: AWX injects them as empty variables.
    env, _safe_env = inject(credential_type, {"api_key": FAKE_KEY, "base_url": emulator.base_url})
    assert env["OPENAI_ORG_ID"] == env["OPENAI_PROJECT_ID"] == env["OPENAI_API_VERSION"] == ""
    private_data_dir = tmp_path / "job"
    private_data_dir.mkdir()
    env["ANSIBLE_COLLECTIONS_PATH"] = COLLECTIONS  # the execution environment's collections

    result = ansible_runner.run(
        private_data_dir=str(private_data_dir), project_dir=REPO, playbook=DEMO, ident="1",
        inventory="localhost ansible_connection=local ansible_python_interpreter=%s" % sys.executable,
        envvars=env, extravars={"demo_state_dir": str(tmp_path / "state")},
        suppress_env_files=True, quiet=True, verbosity=3, timeout=300)

    artifacts = private_data_dir / "artifacts" / "1"
    with open(artifacts / "stdout") as f:
        stdout = f.read()
    assert result.status == "successful", stdout
    assert (artifacts / "status").read_text().strip() == "successful" and (artifacts / "rc").read_text().strip() == "0"
    assert result.stats["failures"] == {} and result.stats["ok"].get("localhost", 0) > 0
    assert "get_weather returned: " in stdout  # the reply, after the playbook answered the tool call
    runs = emulator.runs()
    assert runs and all(run["status"] == "completed" for run in runs)
    # Nothing secret on disk: no env/ files (no passwords, no envvars), and the key in no event or output.
    assert not (private_data_dir / "env" / "passwords").exists()
    assert not (private_data_dir / "env" / "envvars").exists()
    events = sorted(glob.glob(str(artifacts / "job_events" / "*.json")))
    assert len(events) > 10
    assert files_containing(str(artifacts / "job_events"), FAKE_KEY) == []
    assert FAKE_KEY not in stdout
    # ansible-runner records the process environment in artifacts/<ident>/command by design; AWX's
    # worker keeps that file in the job's temporary directory only. Nothing else may hold the key.
    assert files_containing(str(private_data_dir), FAKE_KEY) in ([], ["artifacts/1/command"])
