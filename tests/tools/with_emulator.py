"""Run a command while the local Assistants API emulator is up, then always stop it.

Usage: with_emulator.py [--config PATH]... [--run-duration S] -- COMMAND [ARG]...

Starts `python -m emulator` (tests/emulator) on a free loopback port, writes each --config
file as an ansible-test integration_config.yml pointing at it, runs COMMAND with
OPENAI_BASE_URL and AIOPS_EMULATOR_CONTROL set, and exits with COMMAND's status.

With OPENAI_BASE_URL already set ("any server" mode), starts nothing: the config files point
at that server with the key in OPENAI_API_KEY (required), and name a control surface only if
AIOPS_EMULATOR_CONTROL is set (an emulator started separately). The config files are
removed when COMMAND ends, since they may hold a real key.
"""

import argparse
import ctypes
import json
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTS = os.path.join(ROOT, "tests")
TMP = os.path.join(ROOT, ".tmp")
START_TIMEOUT = 60
EMULATOR_KEY = "sk-emulator-test"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", action="append", default=[], help="integration_config.yml to write")
    parser.add_argument("--run-duration", default="0.3", help="seconds a run takes in the emulator")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command[:1] == ["--"]:
        args.command = args.command[1:]
    if not args.command:
        parser.error("a command to run is required")
    return args


def die_with_parent():
    """Linux: the emulator gets SIGTERM if this wrapper is killed outright (SIGKILL)."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass


def start_emulator(run_duration):
    """Start the emulator and return (process, base_url) once it listens."""
    os.makedirs(TMP, exist_ok=True)
    # One file per wrapper, so that two wrapped commands can run side by side.
    url_file = os.path.join(TMP, "emulator-%d.url" % os.getpid())
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (TESTS, env.get("PYTHONPATH")) if p)
    log = open(os.path.join(TMP, "emulator.log"), "wb")  # pylint: disable=consider-using-with
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, "-m", "emulator", "--host", "127.0.0.1", "--port", "0",
         "--url-file", url_file, "--run-duration", run_duration],
        env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("emulator exited with %s, see .tmp/emulator.log" % proc.returncode)
        if os.path.exists(url_file):
            with open(url_file) as f:
                url = f.read().strip()
            if url:
                os.unlink(url_file)
                return proc, url
        time.sleep(0.1)
    stop(proc)
    raise RuntimeError("emulator did not write %s within %ss" % (url_file, START_TIMEOUT))


def stop(proc):
    """Terminate the emulator, killing it if it does not stop promptly."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def control_url(base_url):
    """The emulator's control surface beside its API: .../v1 -> .../_emulator."""
    control = base_url.rstrip("/")
    if control.endswith("/v1"):
        control = control[:-len("/v1")]
    return control + "/_emulator"


def write_config(path, settings):
    """An integration_config.yml with these variables (JSON strings are YAML), readable by the owner only."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("---\n# Written by tests/tools/with_emulator.py for this test session.\n")
        for name, value in settings.items():
            f.write("%s: %s\n" % (name, json.dumps(value)))


def run(command, configs, settings, env):
    """Write the configs, run the command, remove the configs; the command's status."""
    try:
        for path in configs:
            write_config(path, settings)
        return subprocess.call(command, env=env)
    finally:
        for path in configs:
            if os.path.exists(path):
                os.unlink(path)


def any_server(args):
    """OPENAI_BASE_URL is set: run the command against that server, no emulator."""
    base_url = os.environ["OPENAI_BASE_URL"]
    api_key = os.environ.get("OPENAI_API_KEY")
    if not api_key:
        print("with_emulator: OPENAI_BASE_URL is set, so OPENAI_API_KEY is required too", file=sys.stderr)
        return 2
    settings = {"openai_base_url": base_url, "openai_api_key": api_key}
    control = os.environ.get("AIOPS_EMULATOR_CONTROL")
    if control:
        settings["openai_emulator_control"] = control
    print("with_emulator: OPENAI_BASE_URL is set, no emulator started; server %s, emulator control %s"
          % (base_url, control or "none (emulator-only checks skipped)"), flush=True)
    return run(args.command, args.config, settings, dict(os.environ))


def main(argv):
    args = parse_args(argv)
    # A SIGTERM (CI cancel) unwinds through `finally` like Ctrl-C does, so the emulator stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if os.environ.get("OPENAI_BASE_URL"):
        return any_server(args)
    proc, base_url = start_emulator(args.run_duration)
    try:
        print("with_emulator: emulator at %s" % base_url, flush=True)
        control = control_url(base_url)
        settings = {"openai_base_url": base_url, "openai_api_key": EMULATOR_KEY, "openai_emulator_control": control}
        env = dict(os.environ, OPENAI_BASE_URL=base_url, AIOPS_EMULATOR_CONTROL=control)
        status = run(args.command, args.config, settings, env)
        if status:
            show_log_tail()
        return status
    finally:
        stop(proc)


def show_log_tail(lines=40):
    """On failure, the emulator's last words often explain it (CI keeps only the console)."""
    with open(os.path.join(TMP, "emulator.log"), errors="replace") as f:
        tail = f.readlines()[-lines:]
    print("with_emulator: last %d lines of .tmp/emulator.log:" % len(tail))
    sys.stdout.write("".join(tail))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
