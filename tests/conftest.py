"""Shared fixtures. Each fixture module below is a pytest plugin with one concern."""

pytest_plugins = [
    "tests.ui_fixtures",
    "tests.fnox_binary",
    "tests.aws_server",
    "tests.aws_fakes",
    "tests.interop_project",
]
