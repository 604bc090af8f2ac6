"""Shared fixtures. Each fixture module below is a pytest plugin with one concern."""

import os

from hypothesis import settings

# Every run tries the same examples, so a red build is always reproducible. To hunt for new
# cases, run with HYPOTHESIS_PROFILE=explore (random seeds).
settings.register_profile("fixed", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))

pytest_plugins = [
    "tests.ui_fixtures",
    "tests.fnox_binary",
    "tests.aws_server",
    "tests.aws_fakes",
    "tests.interop_project",
]
