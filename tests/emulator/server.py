"""Run the emulator: bind the socket, announce the URL, serve until SIGTERM or SIGINT."""

import asyncio
import contextlib
import copy
import os
import signal
import socket
import sys
import tempfile

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from .app import create_app
from .config import EmulatorConfig
from .families import FAMILIES, parse_apis
from .persistence import StateFileError, load_store, save_store
from .quirks import check_quirks
from .state import EmulatorState

BANNER = "aiops-emulator listening on {url}"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Server(uvicorn.Server):
    """uvicorn's server that announces itself once it accepts connections and exits with status 0 on a stop signal."""

    def __init__(self, config, on_ready):
        super().__init__(config)
        self.on_ready = on_ready

    async def startup(self, sockets=None):
        await super().startup(sockets=sockets)
        if self.started:
            self.on_ready()

    @contextlib.contextmanager
    def capture_signals(self):
        # uvicorn re-raises the signal after its graceful shutdown (so the process dies by it); stop quietly instead.
        loop = asyncio.get_running_loop()
        for number in STOP_SIGNALS:
            loop.add_signal_handler(number, self._stop)
        try:
            yield
        finally:
            for number in STOP_SIGNALS:
                loop.remove_signal_handler(number)

    def _stop(self):
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True


def _bind(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio only sets TCP_NODELAY on accepted sockets that do (else ~40 ms per keep-alive response).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def _write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, encoding="utf-8") as handle:
        handle.write(text)
    os.replace(handle.name, path)


def _log_config():
    log_config = copy.deepcopy(LOGGING_CONFIG)
    # stdout carries only the banner: the harness reads it, then never drains the pipe.
    log_config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    return log_config


def serve(options):
    """Serve until stopped; ``options`` are the parsed command-line options of ``python -m emulator``."""
    state = EmulatorState(EmulatorConfig(run_duration=options.run_duration, poll_after_ms=options.poll_after_ms, api_key=options.api_key, seed=options.seed,
                                         quirks=check_quirks(options.quirk, "--quirk"), apis=tuple(parse_apis(options.apis or list(FAMILIES)))))
    state_file = options.state_file
    if state_file:
        try:
            state.store = load_store(state_file)
        except StateFileError as exc:
            sys.exit(f"aiops-emulator: {exc}")
    sock = _bind(options.host, options.port)
    host, port = sock.getsockname()[:2]
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/v1"

    def announce():
        if options.url_file:
            _write_atomically(options.url_file, url + "\n")
        sys.stdout.write(BANNER.format(url=url) + "\n")
        sys.stdout.flush()

    config = uvicorn.Config(
        create_app(state),
        http=state.connections.protocol_class(),
        ws="none",
        lifespan="off",
        loop="asyncio",
        proxy_headers=False,
        log_config=_log_config(),
        log_level=options.log_level,
        access_log=options.access_log,
        timeout_keep_alive=options.keep_alive_timeout,
        timeout_graceful_shutdown=1,
    )
    _Server(config, announce).run(sockets=[sock])
    if state_file:
        save_store(state.store, state_file)
