"""Fault rules: which request gets which fault, how often, with what probability."""

import itertools
import numbers
import random
import re

KINDS = ("status", "drop_after_commit", "delay", "delay_after_commit", "stream_cut", "malformed", "echo_key")
_COMMON = {"kind", "method", "path", "times", "probability"}
_EXTRA = {
    "status": {"status", "retry_after", "retry_after_ms", "message", "type", "code"},
    "delay": {"seconds"},
    "delay_after_commit": {"seconds"},
    "stream_cut": {"after_event"},
    "malformed": {"body"},
    "drop_after_commit": set(),
    "echo_key": set(),
}
DEFAULT_MALFORMED_BODY = '{"id": "run_malformed", "object": "thread.run", "status": '


def _non_negative(rule, key, default=None):
    value = rule.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        raise ValueError(f"{key} must be a number >= 0")
    return value


class FaultRule:
    """One validated rule (see README for the fields of each kind)."""

    def __init__(self, rule_id, spec):
        if not isinstance(spec, dict):
            raise ValueError("a fault rule must be a JSON object")
        kind = spec.get("kind")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        unknown = sorted(set(spec) - _COMMON - _EXTRA[kind])
        if unknown:
            raise ValueError(f"unknown field(s) for kind {kind}: {', '.join(unknown)}")
        self.id = rule_id
        self.kind = kind
        self.spec = dict(spec)
        self.method = spec.get("method")
        if self.method is not None and not isinstance(self.method, str):
            raise ValueError("method must be a string")
        path = spec.get("path")
        try:
            self.path = re.compile(path) if path is not None else None
        except (re.error, TypeError) as exc:
            raise ValueError(f"path must be a regular expression: {exc}") from None
        self.remaining = spec.get("times", 1)
        if self.remaining is not None and (isinstance(self.remaining, bool) or not isinstance(self.remaining, int) or self.remaining < 1):
            raise ValueError("times must be null (unlimited) or an integer >= 1")
        self.probability = _non_negative(spec, "probability", 1.0)
        if self.probability > 1:
            raise ValueError("probability must be between 0 and 1")
        self.applied = 0
        self._check_kind_fields()

    def _check_kind_fields(self):
        if self.kind == "status":
            status = self.spec.get("status", 500)
            if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
                raise ValueError("status must be an integer from 400 to 599")
            _non_negative(self.spec, "retry_after")
            _non_negative(self.spec, "retry_after_ms")
        elif self.kind in ("delay", "delay_after_commit"):
            if _non_negative(self.spec, "seconds") is None:
                raise ValueError(f"{self.kind} needs seconds")
        elif self.kind == "stream_cut" and not isinstance(self.spec.get("after_event", "thread.run.created"), str):
            raise ValueError("after_event must be an event name")
        elif self.kind == "malformed" and not isinstance(self.spec.get("body", ""), str):
            raise ValueError("body must be a string")

    def get(self, key, default=None):
        """A kind-specific field of the rule."""
        return self.spec.get(key, default)

    def matches(self, method, path):
        """Whether the rule targets this request and has applications left."""
        if self.remaining is not None and self.remaining < 1:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        return self.path is None or self.path.search(path) is not None

    def as_dict(self):
        """The rule as ``GET /_emulator/faults`` shows it."""
        return dict(self.spec, id=self.id, remaining=self.remaining, applied=self.applied)


class FaultRules:
    """The rule list, checked in order, and the seeded random generator for probabilities."""

    def __init__(self, seed):
        self.rules = []
        self.random = random.Random(seed)
        self._ids = itertools.count(1)

    def add(self, specs):
        """Validate all of ``specs`` (a list of rule dicts) and append them; return them as dicts."""
        rules = [FaultRule(f"fault_{next(self._ids)}", spec) for spec in specs]
        self.rules.extend(rules)
        return [rule.as_dict() for rule in rules]

    def clear(self):
        """Remove every rule."""
        self.rules = []

    def reseed(self, seed):
        """Restart the random generator from ``seed``."""
        self.random.seed(seed)

    def select(self, method, path):
        """The first rule that targets the request and wins its probability roll, or None.

        A stream_cut rule is returned without being rolled or used up: it only counts once the
        response turns out to be a stream (``confirm``).
        """
        for rule in self.rules:
            if not rule.matches(method, path):
                continue
            if rule.kind == "stream_cut":
                return rule
            if self.confirm(rule):
                return rule
        return None

    def confirm(self, rule):
        """Roll the rule's probability; on success use up one application."""
        if rule.probability < 1 and self.random.random() >= rule.probability:
            return False
        rule.applied += 1
        if rule.remaining is not None:
            rule.remaining -= 1
        return True

    def as_list(self):
        """All rules as dicts."""
        return [rule.as_dict() for rule in self.rules]
