"""Where a module process spends the time it is not waiting: importing, and tearing down at exit.

Each measurement starts a fresh ``python -c`` that imports one module, reports how long the
import took, and registers (first, so it runs last) an ``atexit`` hook that writes the time;
the parent takes the time again when the process has exited. The difference is the interpreter's
teardown after the module's result has been written, which every task waits for.
"""

import os
import subprocess
import sys
import time

from bench.stats import median

TARGETS = (
    ("run module (aiops.openai)", "ansible_collections.aiops.openai.plugins.modules.run"),
    ("uri module (ansible.builtin)", "ansible.modules.uri"),
    ("requests alone", "requests"),
    ("ansible.module_utils.basic alone", "ansible.module_utils.basic"),
    ("nothing (bare interpreter)", None),
)

SCRIPT = """
import atexit, sys, time
atexit.register(lambda: (sys.stdout.write("exit %r\\n" % time.time()), sys.stdout.flush()))
started = time.perf_counter()
{import_line}
sys.stdout.write("import %r\\n" % (time.perf_counter() - started))
"""


def _once(module):
    code = SCRIPT.format(import_line="import " + module if module else "pass")
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=dict(os.environ)) as proc:
        out, _err = proc.communicate(timeout=60)
        ended = time.time()
    values = dict(line.split(" ", 1) for line in out.decode().splitlines())
    return float(values["import"]), ended - float(values["exit"])


def teardown(count):
    """Median import time and exit teardown of each target over ``count`` fresh processes."""
    rows = []
    for label, module in TARGETS:
        _once(module)  # warm the file system cache and the bytecode
        runs = [_once(module) for dummy in range(count)]
        rows.append({"label": label, "module": module, "import": median([r[0] for r in runs]),
                     "teardown": median([r[1] for r in runs]), "n": count})
    return rows
