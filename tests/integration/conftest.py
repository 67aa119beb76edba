# SPDX-License-Identifier: LGPL-2.1-or-later
"""Integration tests: the reference conntrack and ctkit's side by side in
throwaway network namespaces. Needs root; without root everything is skipped,
unless CI=true, where that is a failure."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctharness  # noqa: E402


def pytest_collection_modifyitems(config, items):
    reason = ctharness.need_root()
    if reason is None:
        ctharness.remove_stale()
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError("CI=true but not root: " + reason)
    for item in items:
        # A module that says NEEDS_ROOT = False (it only replays files) still runs.
        if getattr(item.module, "NEEDS_ROOT", True):
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_report_header(config):
    return "conntrack: reference %s, ctkit %s" % (ctharness.REF[0], " ".join(ctharness.ctk_cmd()))


@pytest.fixture(scope="module")
def lab():
    """One namespace set per test module, always removed afterwards."""
    lab = ctharness.Lab().create()
    try:
        yield lab
    finally:
        lab.destroy()
