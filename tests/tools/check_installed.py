"""Check that the collection installed from its tarball is complete and loads.

Usage: check_installed.py INSTALL_DIR   (run with ANSIBLE_COLLECTIONS_PATH=INSTALL_DIR)

Catches a build_ignore that drops something needed. What the tarball holds and leaves out (local
clutter) is tests/ecosystem/test_packaging.py's check, on the same tarball.
"""

import glob
import importlib
import os
import subprocess
import sys


def main(install_dir):
    root = os.path.join(os.path.abspath(install_dir), "ansible_collections", "aiops", "openai")
    problems = []
    if not os.path.isfile(os.path.join(root, "MANIFEST.json")):
        problems.append("MANIFEST.json missing: the collection is not installed in %s" % root)

    modules = sorted(os.path.splitext(os.path.basename(p))[0]
                     for p in glob.glob(os.path.join(root, "plugins", "modules", "*.py"))
                     if not p.endswith("__init__.py"))
    if modules:
        # ansible-doc loads every module's documentation from the installed copy.
        listing = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-doc"),
                                  "-t", "module", "-l", "aiops.openai"],
                                 stdout=subprocess.PIPE, universal_newlines=True, check=False)
        found = {line.split()[0] for line in listing.stdout.splitlines() if line.strip()}
        problems += ["ansible-doc does not list aiops.openai.%s" % m
                     for m in modules if "aiops.openai.%s" % m not in found]
        print("check_installed: ansible-doc lists %d module(s)" % len(found))

    if os.path.exists(os.path.join(root, "plugins", "module_utils", "_client.py")):
        sys.path.insert(0, os.path.abspath(install_dir))
        client = importlib.import_module("ansible_collections.aiops.openai.plugins.module_utils._client")
        if not os.path.abspath(client.__file__).startswith(root + os.sep):
            problems.append("_client imported from %s, not from the installed copy" % client.__file__)
        print("check_installed: imported %s" % client.__name__)

    for problem in problems:
        print("check_installed: %s" % problem, file=sys.stderr)
    if not problems:
        print("check_installed: aiops.openai installs and loads from %s" % install_dir)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
