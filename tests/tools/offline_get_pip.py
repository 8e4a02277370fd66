"""Offline stand-in for the get-pip script that `ansible-test --venv` downloads.

ansible-test bootstraps pip in each venv it creates with a script fetched from
ci-files.testing.ansible.com, which this machine cannot reach; it uses a cached copy,
~/.ansible/test/cache/get_pip_<pip version>.py, when one exists. `make sanity` installs this
file there under the name the tested ansible-core asks for (get_pip_24_2.py for 2.19,
get_pip_23_1_2.py for 2.16 and 2.17, get_pip_25_2.py for 2.20 and 2.21) and puts the wheels
of what that ansible-core bootstraps in the directory next to it, named like the script with
`_wheels` appended.

ansible-test calls it like get-pip, inside a venv created --without-pip:
`python get_pip_24_2.py [pip options] pip==24.2 --no-setuptools --no-wheel`
(2.16 and 2.17: `... pip==23.1.2 setuptools==67.7.2 wheel==0.37.1`, which keep both).
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

    # The pip bundled with Python, enough to install the pinned packages from local wheels.
    ensurepip.bootstrap()
    pip = [sys.executable, "-m", "pip"]
    subprocess.check_call(pip + ["install", "--no-index", "--find-links", wheels] + pip_args)
    if no_setuptools:
        # ensurepip on Python < 3.12 also installs setuptools; get-pip would not have.
        subprocess.call(pip + ["uninstall", "--yes", "--quiet", "setuptools"])


if __name__ == "__main__":
    main()
