"""Command line: ``PYTHONPATH=tests python -m emulator --host 127.0.0.1 --port 0 ...``."""

import argparse

from .families import FAMILIES, parse_apis
from .quirks import QUIRKS
from .server import serve


def _api_key(value):
    if not value:
        raise argparse.ArgumentTypeError("must not be empty")
    return value


def _apis(value):
    try:
        return parse_apis(value, "--apis")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parse_args(argv=None):
    """The options of ``python -m emulator``."""
    parser = argparse.ArgumentParser(prog="python -m emulator", description="Local OpenAI Assistants API v2 emulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--run-duration", type=float, default=1.0, help="seconds from a run's creation to its end (default 1.0)")
    parser.add_argument("--poll-after-ms", type=int, default=500, help="openai-poll-after-ms header on GET run; 0 = none (default 500)")
    parser.add_argument("--api-key", type=_api_key, default=None, help="accept only this key (default: any non-empty key)")
    parser.add_argument("--seed", type=int, default=0, help="seed for fault probabilities (default 0)")
    parser.add_argument("--url-file", default=None, help="also write the base URL to this file once listening")
    parser.add_argument("--log-level", default="warning", choices=("critical", "error", "warning", "info", "debug", "trace"), help="uvicorn log level")
    parser.add_argument("--access-log", action="store_true", help="log each request to stderr")
    parser.add_argument("--keep-alive-timeout", type=int, default=60, help="seconds an idle keep-alive connection stays open (default 60)")
    parser.add_argument("--quirk", action="append", default=[], choices=list(QUIRKS), metavar="NAME",
                        help="answer like a real server that bends the spec; repeatable; one of: " + ", ".join(QUIRKS))
    parser.add_argument("--apis", type=_apis, action="extend", default=None,
                        help="API families to serve, comma-separated or repeated; the others answer 404 (default: " + ",".join(FAMILIES) + ")")
    parser.add_argument("--state-file", default=None, help="load objects from this JSON file at start (if it exists), save them to it on stop")
    return parser.parse_args(argv)


def main(argv=None):
    """Entry point of ``python -m emulator``."""
    serve(parse_args(argv))


if __name__ == "__main__":
    main()
