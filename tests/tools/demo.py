"""`make demo`: run playbooks/demo.yml against the local emulator, or against your server.

Usage: demo.py [--state-dir DIR] [--run-duration S] [--api assistants|responses] [-- ANSIBLE-PLAYBOOK-ARG...]

With neither OPENAI_BASE_URL nor OPENAI_API_KEY set, starts the emulator (tests/emulator) on a
free loopback port with a placeholder key, runs the playbook against it and stops it. The
emulator keeps its objects in DIR/emulator/emulator-state.json and the playbook keeps the
thread's ID in DIR/emulator/thread_id, so a second `make demo` finds everything the first one
made and reports changed=0. With either variable set, the playbook runs against that server
(OPENAI_BASE_URL, default https://api.openai.com/v1) and keeps its thread ID in a directory
named after the server. Exits with ansible-playbook's status.

Without --api the modules choose the API (their `api` option's default, auto): the emulator
serves both, and they find the Assistants API there. --api sets the modules' `api` option
(through its environment variable) for the whole play, and the emulator then serves that API
only (--apis), as api.openai.com serves only the Responses API; the state goes to
DIR/emulator-<api> (DIR/<server>-<api>), so the demos of the two APIs never mix.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(TOOLS))
sys.path.insert(0, TOOLS)

from ansible_cli import environment, run, tool  # noqa: E402  pylint: disable=wrong-import-position
from with_emulator import die_with_parent, stop  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOK = os.path.join("playbooks", "demo.yml")
PLACEHOLDER_KEY = "sk-emulator-demo"
# The environment variable of the modules' `api` option (plugins/doc_fragments/api.py).
API_VARIABLE = "AIOPS_OPENAI_API"
API_NAMES = {"assistants": "Assistants API", "responses": "Responses API (with Conversations)"}
DEFAULT_BASE_URL = "https://api.openai.com/v1"
START_TIMEOUT = 60


def say(text):
    """One line of the demo's own narration, told apart from Ansible's output."""
    print("demo: " + text, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state-dir", default=os.path.join(ROOT, ".tmp", "demo"), help="where the demo keeps its state (default .tmp/demo)")
    parser.add_argument("--run-duration", default="1.0", help="seconds a run takes in the emulator (default 1.0)")
    parser.add_argument("--api", default="", choices=("",) + tuple(API_NAMES),
                        help="the API to use (default: the modules choose; the emulator serves both)")
    parser.add_argument("playbook_args", nargs=argparse.REMAINDER, help="more arguments for ansible-playbook, after --")
    args = parser.parse_args(argv)
    # The api option's own variable in the user's environment counts as --api (so its state stays apart too).
    args.api = args.api or os.environ.get(API_VARIABLE, "").strip()
    if args.api == "auto":
        args.api = ""
    if args.api not in ("",) + tuple(API_NAMES):
        parser.error(f"{API_VARIABLE}: must be assistants, responses or auto, got {args.api!r}")
    if args.playbook_args[:1] == ["--"]:
        args.playbook_args = args.playbook_args[1:]
    return args


def start_emulator(state_dir, run_duration, api=""):
    """Start the emulator with its state file in ``state_dir``, serving ``api`` only if given; return (process, base_url)."""
    url_file = os.path.join(state_dir, "emulator.url")
    if os.path.exists(url_file):
        os.unlink(url_file)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (os.path.join(ROOT, "tests"), env.get("PYTHONPATH")) if p)
    with open(os.path.join(state_dir, "emulator.log"), "wb") as log:
        proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "emulator", "--host", "127.0.0.1", "--port", "0", "--url-file", url_file,
             "--run-duration", run_duration, "--state-file", os.path.join(state_dir, "emulator-state.json")]
            + (["--apis", api] if api else []),
            env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            show_log_tail(state_dir)
            raise RuntimeError(f"the emulator exited with status {proc.returncode}")
        if os.path.exists(url_file):
            with open(url_file, encoding="utf-8") as handle:
                url = handle.read().strip()
            if url:
                os.unlink(url_file)
                return proc, url
        time.sleep(0.1)
    stop(proc)
    raise RuntimeError(f"the emulator did not start within {START_TIMEOUT} s")


def show_log_tail(state_dir, lines=20):
    """The emulator's last words (its log is in the state directory)."""
    path = os.path.join(state_dir, "emulator.log")
    if os.path.exists(path):
        with open(path, errors="replace", encoding="utf-8") as handle:
            tail = handle.readlines()[-lines:]
        if tail:
            say(f"last lines of {shown(path)}:")
            sys.stdout.write("".join(tail))


def shown(path):
    """``path`` relative to the repository when it is inside it (shorter to read), else as it is."""
    relative = os.path.relpath(path, ROOT)
    return path if relative.startswith("..") else relative


def server_dir_name(base_url):
    """A directory name for a server's state: its host and port, e.g. ``api.openai.com``."""
    netloc = urllib.parse.urlsplit(base_url).netloc.rsplit("@", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]", "_", netloc) or "server"


def run_playbook(state_dir, env, extra_args):
    """ansible-playbook playbooks/demo.yml with the state directory, in the foreground; its exit status."""
    command = [tool("ansible-playbook"), PLAYBOOK, "--extra-vars", json.dumps({"demo_state_dir": state_dir})] + extra_args
    return run(command, env=env, cwd=ROOT, timeout=None, capture=False).returncode


def playbook_env(base_url=None, api_key=None, api=""):
    """The environment of ansible-playbook: the user's own, with the collection from the working tree."""
    extra = {API_VARIABLE: api} if api else {}
    if base_url:
        extra["OPENAI_BASE_URL"] = base_url
    if api_key:
        extra["OPENAI_API_KEY"] = api_key
    return environment(extra, inherit=True)


def state_name(name, api):
    """The state directory's name for a server (``emulator`` or its host) and the API asked for: one per API."""
    return f"{name}-{api}" if api else name


def demo_with_emulator(args):
    state_dir = os.path.join(os.path.abspath(args.state_dir), state_name("emulator", args.api))
    os.makedirs(state_dir, exist_ok=True)
    thread_file = os.path.join(state_dir, "thread_id")
    if os.path.exists(thread_file) and not os.path.exists(os.path.join(state_dir, "emulator-state.json")):
        # The thread lived in an emulator whose saved objects are gone: start a new conversation.
        os.unlink(thread_file)
    say("OPENAI_BASE_URL and OPENAI_API_KEY are not set: using the local emulator (tests/emulator).")
    if args.api:
        say(f"API={args.api}: the emulator serves the {API_NAMES[args.api]} only, and {API_VARIABLE}={args.api} sets the modules' api option.")
    proc, base_url = start_emulator(state_dir, args.run_duration, args.api)
    try:
        say(f"emulator listening on {base_url}, keeping its objects in {shown(state_dir)}")
        say(f"running ansible-playbook {PLAYBOOK}")
        status = run_playbook(state_dir, playbook_env(base_url, PLACEHOLDER_KEY, args.api), args.playbook_args)
    finally:
        stopped = stop_emulator(proc)
    if status:
        show_log_tail(state_dir)
        return status
    if not stopped:
        say(f"the emulator did not stop cleanly, so it may not have saved its objects; see {shown(state_dir)}")
        return 1
    say(f"emulator stopped; its objects and the thread ID are kept in {shown(state_dir)}.")
    again = f"make demo API={args.api}" if args.api else "make demo"
    say(f"run `{again}` again: every task finds its object as it is and the recap says changed=0.")
    say("`make demo-reset` forgets them and starts over.")
    return 0


def stop_emulator(proc):
    """SIGTERM (the emulator saves its objects on the way out); True if it exited with status 0."""
    stop(proc)
    return proc.returncode == 0


def demo_with_server(args):
    base_url = os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
    state_dir = os.path.join(os.path.abspath(args.state_dir), state_name(server_dir_name(base_url), args.api))
    source = "OPENAI_BASE_URL" if os.environ.get("OPENAI_BASE_URL") else "the modules' default"
    say(f"running against {base_url} (from {source}).")
    if args.api:
        say(f"API={args.api}: {API_VARIABLE}={args.api} sets the modules' api option.")
    api_key = None
    if not os.environ.get("OPENAI_API_KEY"):
        say(f"OPENAI_API_KEY is not set: sending the placeholder key {PLACEHOLDER_KEY} (enough for an emulator).")
        api_key = PLACEHOLDER_KEY
    say(f"the thread ID is kept in {shown(state_dir)}")
    return run_playbook(state_dir, playbook_env(api_key=api_key, api=args.api), args.playbook_args)


def main(argv):
    args = parse_args(argv)
    # A SIGTERM (CI cancel, a test's timeout) unwinds through `finally` like Ctrl-C does, so the emulator stops.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    try:
        if os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY"):
            return demo_with_server(args)
        return demo_with_emulator(args)
    except RuntimeError as exc:  # the emulator did not start
        say(str(exc))
        return 1
    except KeyboardInterrupt:
        say("interrupted.")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
