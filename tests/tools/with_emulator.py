"""Run a command while the local Assistants API emulator is up, then always stop it.

Usage: with_emulator.py [--config PATH]... [--run-duration S] -- COMMAND [ARG]...

Starts `python -m emulator` (tests/emulator) on a free loopback port, writes each --config
file as an ansible-test integration_config.yml pointing at it, runs COMMAND with
OPENAI_BASE_URL and AIOPS_EMULATOR_CONTROL set, and exits with COMMAND's status.
"""

import argparse
import ctypes
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTS = os.path.join(ROOT, "tests")
TMP = os.path.join(ROOT, ".tmp")
START_TIMEOUT = 60


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


def write_config(path, base_url):
    control = base_url.rstrip("/")
    if control.endswith("/v1"):
        control = control[:-len("/v1")]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        f.write("---\n# Written by tests/tools/with_emulator.py for this test session.\n")
        f.write("openai_base_url: %s\nopenai_emulator_control: %s/_emulator\n" % (base_url, control))


def main(argv):
    args = parse_args(argv)
    # A SIGTERM (CI cancel) unwinds through `finally` like Ctrl-C does, so the emulator stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    proc, base_url = start_emulator(args.run_duration)
    try:
        print("with_emulator: emulator at %s" % base_url, flush=True)
        for path in args.config:
            write_config(path, base_url)
        env = dict(os.environ, OPENAI_BASE_URL=base_url,
                   AIOPS_EMULATOR_CONTROL=base_url.rstrip("/").rsplit("/v1", 1)[0] + "/_emulator")
        status = subprocess.call(args.command, env=env)
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
