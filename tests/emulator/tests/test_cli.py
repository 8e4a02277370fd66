"""The command line and the harness: banner, URL file, options, clean exit on signals."""

import os
import re
import signal
import subprocess
import sys

import pytest
import requests

from emulator.harness import TESTS_DIR, Emulator, EmulatorError

pytestmark = pytest.mark.timeout(60)


def test_banner_url_file_and_options(tmp_path):
    url_file = tmp_path / "url"
    with Emulator(run_duration=0.05, poll_after_ms=123, api_key="sk-only", seed=3, url_file=str(url_file)) as emu:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", emu.base_url)
        assert url_file.read_text(encoding="utf-8").strip() == emu.base_url
        assert emu.config() == {"run_duration": 0.05, "cancel_duration": 0.1, "poll_after_ms": 123, "api_key": "sk-only",
                                "stream_supported": True, "stream_keepalive": None, "seed": 3}
        assert requests.get(emu.base_url + "/assistants", headers={"Authorization": "Bearer other"}, timeout=10).status_code == 401
        assert requests.get(emu.base_url + "/assistants", headers={"Authorization": "Bearer sk-only"}, timeout=10).status_code == 200
        assert emu.stop() == 0
        assert emu.log() == ""  # quiet: no access log, no warnings


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_exits_cleanly_on_signals(stop_signal):
    env = dict(os.environ, PYTHONPATH=TESTS_DIR)
    with subprocess.Popen([sys.executable, "-m", "emulator", "--host", "127.0.0.1", "--port", "0"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env, text=True) as process:
        line = process.stdout.readline()
        assert re.fullmatch(r"aiops-emulator listening on http://127\.0\.0\.1:\d+/v1\n", line)
        process.send_signal(stop_signal)
        stderr = process.communicate(timeout=15)[1]
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_harness_reports_a_failed_start():
    with pytest.raises(EmulatorError, match="exited with status 2"):
        Emulator(no_such_option=1).start()
