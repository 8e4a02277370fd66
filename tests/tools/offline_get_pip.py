"""Offline stand-in for the get-pip script that `ansible-test --venv` downloads.

ansible-test bootstraps pip in each venv it creates with a script fetched from
ci-files.testing.ansible.com, which this machine cannot reach. `make sanity` installs this
file as ~/.ansible/test/cache/get_pip_24_2.py (ansible-test uses a cached copy when one
exists) and puts the pip wheel in the directory next to it, get_pip_24_2_wheels/.

ansible-test calls it like get-pip: `python get_pip_24_2.py [pip options] pip==24.2
--no-setuptools --no-wheel`, inside a venv created --without-pip.
"""

import ensurepip
import os
import subprocess
import sys


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    wheels = os.path.join(here, os.path.splitext(os.path.basename(__file__))[0] + "_wheels")
    args = sys.argv[1:]
    # get-pip's own flags; pip install does not know them.
    no_setuptools = "--no-setuptools" in args
    pip_args = [a for a in args if a not in ("--no-setuptools", "--no-wheel")]

    # The pip bundled with Python, enough to install the pinned pip from a local wheel.
    ensurepip.bootstrap()
    pip = [sys.executable, "-m", "pip"]
    subprocess.check_call(pip + ["install", "--no-index", "--find-links", wheels] + pip_args)
    if no_setuptools:
        # ensurepip on Python < 3.12 also installs setuptools; get-pip would not have.
        subprocess.call(pip + ["uninstall", "--yes", "--quiet", "setuptools"])


if __name__ == "__main__":
    main()
