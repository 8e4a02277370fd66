"""Run Ansible's command-line tools: the one helper of the Python suites and of `make demo`.

The suites (tests/ecosystem, tests/reliability, tests/functional, tests/bench) import it as ``tools.ansible_cli``
(``tests/`` is on ``sys.path``); tests/tools/demo.py, next to it, as ``ansible_cli``.

``environment()``
    The environment of a command: the venv's ``bin`` first on ``PATH``, this collection on
    ``ANSIBLE_COLLECTIONS_PATH``, no colours, no warnings about the implicit localhost, and nothing
    of the caller's ``OPENAI_*`` (a developer's real key or server never reaches a test),
    ``AIOPS_*``, ``ANSIBLE_*``, ``MOLECULE_*``, ``PYTHONPATH`` or make flags. ``inherit=True`` keeps
    the caller's variables instead: `make demo` runs with the user's own settings and server.
``run()``
    A command with a timeout, its output captured: in a session of its own, so that when the
    timeout runs out the whole process tree (ansible-playbook's workers, make's children) is
    stopped and the test fails showing the output so far. ``capture=False`` runs it in the
    foreground instead (output on the terminal, Ctrl-C reaches it), as `make demo` does.
``start()`` / ``stop()``
    The same for a command the test watches while it runs.
``Ansible``
    Generated playbooks and ad-hoc commands in a private directory (own ``ANSIBLE_HOME``, no
    ``ansible.cfg``, a log file), with the results the play registered (``dump_task``).
"""

import json
import os
import shutil
import signal
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
COLLECTIONS = os.path.join(REPO, ".tmp", "collections")
TIMEOUT = 600
# What a caller's environment must not pass on to the tools of a test.
CALLER_PREFIXES = ("OPENAI_", "AIOPS_", "ANSIBLE_", "MOLECULE_")
CALLER_NAMES = ("PYTHONPATH", "MAKEFLAGS", "MFLAGS")
# The plays target the implicit localhost on purpose; the warnings about it would only distract.
QUIET = {"ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false"}


def environment(extra=None, collections_path=COLLECTIONS, inherit=False):
    """The environment of an Ansible command (see the module's docstring); ``extra`` is added last."""
    if inherit:
        env = dict(os.environ)
        env.setdefault("ANSIBLE_COLLECTIONS_PATH", collections_path)
        for name, value in QUIET.items():
            env.setdefault(name, value)
    else:
        env = {name: value for name, value in os.environ.items() if not name.startswith(CALLER_PREFIXES) and name not in CALLER_NAMES}
        env.update(QUIET, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_NOCOLOR="1")
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env.update(extra or {})
    return env


def tool(name):
    """The venv's copy of an Ansible command (``ansible-playbook``, ``ansible``...)."""
    return os.path.join(BIN, name)


class Completed:
    """What a command left behind: exit status, output and, for ``Ansible`` playbooks, results and log."""

    def __init__(self, command, returncode, stdout, stderr="", results=None, log=""):
        self.command = command
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr or ""
        self.results = results if results is not None else {}
        self.log = log

    def everything(self):
        """All the text a user could see or keep: output, log file and the registered results."""
        return "\n".join([self.stdout or "", self.stderr, self.log, json.dumps(self.results)])

    def __repr__(self):
        return "<Completed rc={0}>\n--- stdout\n{1}\n--- stderr\n{2}".format(
            self.returncode, (self.stdout or "")[-6000:], self.stderr[-3000:])


def start(command, env=None, cwd=REPO):
    """Start ``command`` in a session of its own, stdout and stderr together in ``process.stdout``."""
    return subprocess.Popen(command, env=env if env is not None else environment(), cwd=cwd,  # pylint: disable=consider-using-with
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def stop(process, grace=15):
    """Stop a ``start``/``run`` process and everything below it (SIGTERM, then SIGKILL); its remaining output."""
    if process.poll() is not None:
        return process.communicate()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            return process.communicate(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    return process.communicate()


def run(command, env=None, cwd=REPO, timeout=TIMEOUT, merge_output=False, check=False, capture=True):
    """Run ``command``; a ``Completed``. ``merge_output`` puts stderr into stdout.

    A command still running after ``timeout`` seconds is stopped with everything below it, and
    ``AssertionError`` shows its output; so does a non-zero exit with ``check``.
    """
    shown = " ".join(str(part) for part in command)
    env = env if env is not None else environment()
    if not capture:
        # As subprocess.call: a timeout, Ctrl-C or SIGTERM turned into SystemExit kills the command.
        with subprocess.Popen(command, env=env, cwd=cwd) as process:
            try:
                return Completed(command, process.wait(timeout=timeout), None)
            except BaseException:
                process.kill()
                raise
    with subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge_output else subprocess.PIPE,
                          text=True, start_new_session=True) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stdout, stderr = stop(process)
            raise AssertionError("{0} did not finish within {1} s:\n{2}\n{3}".format(shown, timeout, stdout, stderr or "")) from None
    done = Completed(command, process.returncode, stdout, stderr)
    if check and done.returncode != 0:
        raise AssertionError("{0} exited with {1}:\n{2}\n{3}".format(shown, done.returncode, done.stdout, done.stderr))
    return done


def dump_task(names, dest):
    """A task that writes the registered variables ``names`` as JSON to ``dest`` (always, also in check mode)."""
    content = "{{ {" + ", ".join("'{0}': {0} | default(None)".format(name) for name in names) + "} | to_json }}"
    return {
        "name": "Keep the registered results",
        "ansible.builtin.copy": {"content": content, "dest": dest, "mode": "0600"},
        "check_mode": False,
        "diff": False,
    }


class Ansible:
    """Runs generated playbooks and ad-hoc commands in a private directory ``tmp_path``.

    Ansible there has its own home and temporary directories, no ``ansible.cfg``, the venv's Python
    for modules and a log file per command; ``env`` is added to ``environment()``.
    """

    def __init__(self, tmp_path, env=None):
        self.dir = str(tmp_path)
        home = os.path.join(self.dir, "ansible-home")
        self.env = environment(dict({
            "ANSIBLE_HOME": home,
            "ANSIBLE_LOCAL_TEMP": os.path.join(home, "tmp"),
            "ANSIBLE_REMOTE_TEMP": os.path.join(home, "remote-tmp"),
            "ANSIBLE_CONFIG": os.path.join(self.dir, "no-ansible.cfg"),
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
        }, **(env or {})))
        self.counter = 0

    def _path(self, stem, suffix):
        self.counter += 1
        return os.path.join(self.dir, "{0}-{1}{2}".format(stem, self.counter, suffix))

    def write_playbook(self, plays, results_file=None):
        """Write ``plays`` (play dicts) as a playbook; ``@RESULTS@`` in them becomes ``results_file``."""
        text = json.dumps(plays, indent=1)
        if results_file:
            text = text.replace("@RESULTS@", results_file)
        playbook = self._path("playbook", ".yml")
        with open(playbook, "w") as handle:
            handle.write(text)
        return playbook

    def playbook(self, plays, args=(), timeout=300, env=None, inventory=None):
        """Write ``plays`` as a playbook and run it; results come from the ``@RESULTS@`` file a ``dump_task`` writes."""
        results_file = self._path("results", ".json")
        command = [tool("ansible-playbook"), self.write_playbook(plays, results_file)]
        if inventory:
            command += ["-i", inventory]
        return self._execute(command + list(args), results_file, timeout, env)

    def start_playbook(self, plays, env=None):
        """Write ``plays`` as a playbook and start it (``start``); the test reads and stops the process."""
        return start([tool("ansible-playbook"), self.write_playbook(plays)], env=dict(self.env, **(env or {})), cwd=self.dir)

    def adhoc(self, module, module_args, args=(), timeout=120, env=None):
        """``ansible localhost -m module -a module_args``."""
        command = [tool("ansible"), "localhost", "-m", module, "-a", module_args] + list(args)
        return self._execute(command, None, timeout, env)

    def _execute(self, command, results_file, timeout, env):
        log_file = self._path("ansible", ".log")
        command_env = dict(self.env, ANSIBLE_LOG_PATH=log_file)
        command_env.update(env or {})
        done = run(command, env=command_env, cwd=self.dir, timeout=timeout)
        if results_file and os.path.exists(results_file):
            with open(results_file) as handle:
                done.results = json.load(handle)
        if os.path.exists(log_file):
            with open(log_file, errors="replace") as handle:
                done.log = handle.read()
        return done

    def cleanup(self):
        shutil.rmtree(os.path.join(self.dir, "ansible-home"), ignore_errors=True)
