"""Shared fixtures. Each fixture module below is a pytest plugin with one concern."""

import os

from hypothesis import settings

pytest_plugins = [
    "tests.ui_fixtures",
    "tests.fnox_binary",
    "tests.aws_server",
    "tests.aws_fakes",
    "tests.interop_project",
]

# Property tests explore at random while developing; in CI the examples are derived from each
# test alone, so a run is repeatable and a failure there is one anybody can reproduce.
if os.environ.get("CI"):
    settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
    settings.load_profile("ci")
