"""Run the emulator as a subprocess (tests, benchmarks) and drive its control surface.

    from emulator.harness import Emulator

    with Emulator(run_duration=0.2) as emu:
        client = OpenAI(base_url=emu.base_url, api_key="test")
        ...
        assert len(emu.requests()) == 3
"""

import os
import select
import subprocess
import sys
import tempfile
import time

import requests

BANNER_PREFIX = "aiops-emulator listening on "
TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class EmulatorError(RuntimeError):
    """The emulator did not start, or refused a control request."""


_FLAGS = {"quirks": "quirk"}  # keyword quirks=[...] -> --quirk NAME, repeated


def _cli_args(options):
    args = []
    for name, value in options.items():
        flag = "--" + _FLAGS.get(name, name).replace("_", "-")
        if isinstance(value, (list, tuple)):
            args.extend(arg for item in value for arg in (flag, str(item)))
        elif value is True:
            args.append(flag)
        elif value is not None and value is not False:
            args.extend([flag, str(value)])
    return args


class Emulator:
    """An emulator subprocess on a free loopback port.

    Keyword arguments are command-line options of ``python -m emulator``:
    ``run_duration=0.2`` becomes ``--run-duration 0.2``, ``True`` a bare flag, ``None`` nothing, a list
    the flag once per item (``quirks=["ms_timestamps"]`` becomes ``--quirk ms_timestamps``).
    """

    def __init__(self, startup_timeout=15.0, control_timeout=10.0, **cli_options):
        self.cli_options = dict({"host": "127.0.0.1", "port": 0}, **cli_options)
        self.startup_timeout = startup_timeout
        self.control_timeout = control_timeout
        self.process = None
        self.base_url = None
        self.control_url = None
        self._stderr = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
        self._stderr.close()
        self._stderr = None

    def start(self):
        """Start the subprocess and wait (bounded) until it announces its URL."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [TESTS_DIR, env.get("PYTHONPATH")]))
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "emulator"] + _cli_args(self.cli_options), stdout=subprocess.PIPE, stderr=self._stderr, env=env)
        try:
            self.base_url = self._read_banner()
        except BaseException:
            self.stop()
            raise
        self.control_url = self.base_url[:-len("/v1")] + "/_emulator"
        return self

    def _read_banner(self):
        deadline = time.monotonic() + self.startup_timeout
        output = b""
        while b"\n" not in output:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EmulatorError(f"the emulator did not announce itself within {self.startup_timeout} s\n{self.log()}")
            if select.select([self.process.stdout], [], [], remaining)[0]:
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:
                    raise EmulatorError(f"the emulator exited with status {self.process.wait(timeout=5)}\n{self.log()}")
                output += chunk
        line = output.split(b"\n", 1)[0].decode("utf-8")
        if not line.startswith(BANNER_PREFIX):
            raise EmulatorError(f"unexpected first line from the emulator: {line!r}")
        return line[len(BANNER_PREFIX):]

    def log(self):
        """What the emulator wrote to stderr so far ("" once the ``with`` block has ended)."""
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def stop(self, timeout=10.0):
        """Terminate the subprocess (kill it if it does not exit within ``timeout``); return its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        return self.process.returncode

    # Control surface.

    def _control(self, method, path, body=None):
        # A fresh connection each time, closed at once, so control calls never show in stats().
        response = requests.request(method, self.control_url + path, json=body, timeout=self.control_timeout, headers={"Connection": "close"})
        if response.status_code != 200:
            raise EmulatorError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    def requests(self):
        """The API requests logged since the last clear/reset (dicts, arrival order)."""
        return self._control("GET", "/requests")["requests"]

    def clear_requests(self):
        """Forget the logged requests."""
        self._control("DELETE", "/requests")

    def runs(self):
        """Every run with ``history`` and ``completed_exact``."""
        return self._control("GET", "/runs")["runs"]

    def responses(self):
        """Every response (Responses API) with ``history`` and ``completed_exact``."""
        return self._control("GET", "/responses")["responses"]

    def config(self, **changes):
        """Change settings (if any are given); return all of them."""
        if changes:
            return self._control("PATCH", "/config", changes)
        return self._control("GET", "/config")

    def add_fault(self, **rule):
        """Add one fault rule; return it as the emulator stored it (with ``id``)."""
        return self._control("POST", "/faults", rule)["faults"][0]

    def faults(self):
        """The fault rules with their ``applied``/``remaining`` counts."""
        return self._control("GET", "/faults")["faults"]

    def clear_faults(self):
        """Remove every fault rule."""
        self._control("DELETE", "/faults")

    def reset(self):
        """Forget all objects, requests and faults; settings back to startup values."""
        self._control("POST", "/reset")

    def stats(self):
        """``{"open_connections": n, "total_connections": n}`` (the asking connection not counted)."""
        return self._control("GET", "/stats")
