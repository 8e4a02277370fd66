# -*- coding: utf-8 -*-
# Copyright (c) 2026, aiops.openai contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The layers of module_utils (docs/dev/contracts.md, "module_utils layers"): imports go downward only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import os
import re

import pytest

PLUGINS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins"))
PREFIX = "ansible_collections.aiops.openai.plugins.module_utils."

# What each module_utils file may import from the collection (and whether it may import Ansible).
ALLOWED = {
    "_errors": (set(), False),
    "_redact": (set(), False),
    "_markers": (set(), False),
    "_statuses": (set(), False),
    "_create": ({"_errors"}, False),
    "_api": ({"_errors"}, False),
    "_client": ({"_errors", "_redact"}, True),
    "_waiter": ({"_client", "_errors", "_statuses"}, False),
    "_specs": ({"_errors", "_markers"}, True),
    "_runs": ({"_create", "_errors", "_markers", "_specs"}, False),
    "_assistants": ({"_api", "_create", "_errors", "_markers", "_runs", "_specs", "_statuses", "_waiter"}, False),
    "_responses": ({"_api", "_create", "_errors", "_markers", "_runs", "_specs", "_statuses", "_waiter"}, False),
}


def imports_of(path):
    with open(path) as source:
        tree = ast.parse(source.read())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(name):
    allowed, ansible = ALLOWED[name]
    imported = imports_of(os.path.join(PLUGINS, "module_utils", name + ".py"))
    ours = set(module[len(PREFIX):] for module in imported if module.startswith(PREFIX))
    assert ours <= allowed, "{0} imports {1}".format(name, sorted(ours - allowed))
    if not ansible:
        assert not [m for m in imported if m.startswith("ansible.")], name


def test_no_module_writes_an_api_path():
    for name in sorted(os.listdir(os.path.join(PLUGINS, "modules"))):
        with open(os.path.join(PLUGINS, "modules", name)) as source:
            code = source.read().split('RETURN = r"""', 1)[-1].split('"""', 1)[-1]
        assert not re.findall(r"[\"']/\w", code), name


def test_no_module_branches_on_the_api():
    """Each API is its own class (issue 15): a module calls ``self.api.<method>`` and never asks which API it has."""
    for name in sorted(os.listdir(os.path.join(PLUGINS, "modules"))):
        with open(os.path.join(PLUGINS, "modules", name)) as source:
            code = source.read().split('RETURN = r"""', 1)[-1].split('"""', 1)[-1]
        assert not re.findall(r"api\.name\b|api_name\b|[=!]= *[\"'](responses|assistants)[\"']", code), name
