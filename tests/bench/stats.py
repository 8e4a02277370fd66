"""Small statistics for the report: median and p95 of a list of numbers."""

import math


def quantile(values, q):
    """The ``q`` quantile (0..1) by linear interpolation between order statistics (numpy's default)."""
    data = sorted(values)
    if not data:
        raise ValueError("quantile of no values")
    position = (len(data) - 1) * q
    low = math.floor(position)
    high = math.ceil(position)
    return data[low] + (data[high] - data[low]) * (position - low)


def median(values):
    return quantile(values, 0.5)


def p95(values):
    return quantile(values, 0.95)


def summary(values):
    """``{"n", "median", "p95", "min", "max"}`` of the values, or None without values."""
    if not values:
        return None
    return {"n": len(values), "median": median(values), "p95": p95(values), "min": min(values), "max": max(values)}


def polls_allowed(duration, poll_after_ms):
    """Most polls a poller honouring ``openai-poll-after-ms`` may send for a run of ``duration`` s:
    one poll, then one per interval the run lasts."""
    return 1 + int(math.ceil(duration / (poll_after_ms / 1000.0) - 1e-9))
