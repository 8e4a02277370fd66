"""``python -m bench``: run the benchmarks and write the report (``--smoke``: the quick CI version).

Needs ``tests/`` and the collection path on ``PYTHONPATH`` and ``ANSIBLE_COLLECTIONS_PATH``, as the
Makefile exports them (``make bench`` / ``make bench-smoke``).
"""

import argparse
import json
import os
import sys

from bench import report
from bench.ansible_driver import ROOT
from bench.suite import FULL, SMOKE, check_targets, run_suite


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a few repetitions; exit 1 if a request-count target is missed")
    parser.add_argument("--workdir", default=None, help="raw results, inventories and logs (default .tmp/bench or .tmp/bench-smoke)")
    parser.add_argument("--markdown", default=None, help="report to write (default docs/performance.md; smoke: in the workdir)")
    parser.add_argument("--chart", default=None, help="chart to write (default docs/performance.png; smoke: in the workdir)")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: write the report again from the workdir's results.json (after a change to the report's text)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config = SMOKE if args.smoke else FULL
    workdir = os.path.abspath(args.workdir or os.path.join(ROOT, ".tmp", "bench-smoke" if args.smoke else "bench"))
    default_dir = workdir if args.smoke else os.path.join(ROOT, "docs")
    markdown = args.markdown or os.path.join(default_dir, "performance.md")
    chart = args.chart or os.path.join(default_dir, "performance.png")
    if args.report_only:
        with open(os.path.join(workdir, "results.json"), encoding="utf-8") as handle:
            results = json.load(handle)
    else:
        results = run_suite(config, workdir)
    checks = check_targets(results)
    command = "make bench" if not args.smoke else "python -m bench --smoke"
    report.write(results, checks, markdown, chart, command)
    for check in checks:
        print("{0:7} {1}: {2}".format("met" if check.met else "MISSED", check.name, check.detail))
    print("bench: wrote {0} and {1} in {2:.0f} s".format(markdown, chart, results["seconds"]))
    missed = [check for check in checks if check.counts and not check.met]
    if missed:
        print("bench: request-count targets missed: {0}".format("; ".join(check.name for check in missed)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
