"""Runtime settings of the emulator, changeable through ``PATCH /_emulator/config``."""

import dataclasses
import numbers

from .families import FAMILIES, parse_apis
from .quirks import check_quirks


def _number(value, key, minimum=0.0):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < minimum:
        raise ValueError(f"{key} must be a number >= {minimum:g}")
    return float(value)


def _optional_int(value, key):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key} must be null or an integer >= 0")
    return value


def _optional_positive(value, key):
    if value is None or value == 0:
        return None
    return _number(value, key, minimum=0.001)


def _optional_key(value, key):
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key} must be null or a string")
    return value


def _boolean(value, key):
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false")
    return value


def _seed(value, key):
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"{key} must be null or an integer")
    return value


_CHECKS = {
    "run_duration": _number,
    "cancel_duration": _number,
    "poll_after_ms": _optional_int,
    "api_key": _optional_key,
    "stream_supported": _boolean,
    "stream_keepalive": _optional_positive,
    "seed": _seed,
    "quirks": check_quirks,
    "apis": lambda value, key: tuple(parse_apis(value, key)),
}


@dataclasses.dataclass
class EmulatorConfig:
    """Settings read at the moment they matter (a run keeps the durations it started with).

    run_duration: seconds from a run's creation to its end (in_progress after 10 % of it).
    cancel_duration: seconds a run stays ``cancelling``.
    poll_after_ms: value of the ``openai-poll-after-ms`` header on GET run; None/0 = no header.
    api_key: the only key accepted; None = any non-empty key.
    stream_supported: False answers ``stream: true`` with a 400.
    stream_keepalive: seconds of stream silence before a ``: keep-alive`` comment; None = never.
    seed: seed of the random generator that decides fault probabilities.
    quirks: names of the quirks switched on (quirks.QUIRKS); shown by as_dict() only when not empty.
    apis: the API families served (families.FAMILIES); shown by as_dict() only when not all of them.
    """

    run_duration: float = 1.0
    cancel_duration: float = 0.1
    poll_after_ms: int = 500
    api_key: str = None
    stream_supported: bool = True
    stream_keepalive: float = None
    seed: int = 0
    quirks: tuple = ()
    apis: tuple = tuple(FAMILIES)

    def update(self, changes):
        """Validate ``changes`` (a dict) completely, then apply it; raise ValueError naming the bad key."""
        if not isinstance(changes, dict):
            raise ValueError("the configuration must be a JSON object")
        unknown = sorted(set(changes) - set(_CHECKS))
        if unknown:
            raise ValueError(f"unknown configuration key(s): {', '.join(unknown)}")
        checked = {key: _CHECKS[key](value, key) for key, value in changes.items()}
        for key, value in checked.items():
            setattr(self, key, value)

    def as_dict(self):
        """The settings as a JSON-ready dict (``quirks`` only when some are on, so the default answer is unchanged)."""
        settings = dataclasses.asdict(self)
        if not settings["quirks"]:
            del settings["quirks"]
        else:
            settings["quirks"] = list(settings["quirks"])
        if tuple(settings["apis"]) == tuple(FAMILIES):
            del settings["apis"]
        else:
            settings["apis"] = list(settings["apis"])
        return settings

    def copy(self):
        """An independent copy (the startup values kept for reset)."""
        return dataclasses.replace(self)
