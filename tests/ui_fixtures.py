"""Fixtures that build fnox-tui apps over files written into a temporary directory."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from fnox_tui.core.entries import SecretKey
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.ui.app import AppSettings, FnoxTuiApp

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

SAMPLE = """\
# A sample used by the UI tests.
[providers]
plain = { type = "plain" }
other = { type = "vault", address = "http://127.0.0.1:1" }

[secrets]
DATABASE_URL = { provider = "plain", value = "postgres://db/app", description = "Primary [red]database[/]" }
LOG_LEVEL = { default = "info", description = "How chatty" }
HOME_DIR = { description = "from the environment" }

[secrets.API_TOKEN]
provider = "plain"
value = "tok-123"

[profiles.staging.secrets]
DATABASE_URL = { provider = "plain", value = "postgres://staging/app" }
STAGING_ONLY = { default = "yes" }

[profiles.production]
default_provider = "plain"

[profiles.production.secrets]
DATABASE_URL = { value = "postgres://prod/app", description = "Production DB" }
PROD_FLAG = { default = "on" }
"""

WriteFiles = Callable[..., Path]
MakeApp = Callable[..., FnoxTuiApp]


def write_files(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    (home / ".config" / "fnox").mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "FNOX_CONFIG_DIR": str(home / ".config" / "fnox")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    write_files(root, {"fnox.toml": SAMPLE})
    return root


@pytest.fixture
def make_app(project: Path, isolated_env: dict[str, str]) -> MakeApp:
    def make(
        cwd: Path | None = None,
        profiles: tuple[str, ...] = (),
        settings: AppSettings | None = None,
        environ: dict[str, str] | None = None,
        config: str | None = None,
    ) -> FnoxTuiApp:
        source = WorkspaceSource(
            cwd=cwd or project,
            config=config,
            profiles=profiles,
            environ={**isolated_env, **(environ or {})},
        )
        try:
            workspace = source.load()
            error = None
        except Exception as failure:  # the app shows load errors itself
            workspace, error = None, failure
        return FnoxTuiApp(source, workspace=workspace, error=error, settings=settings)

    return make


def secret_key(app: FnoxTuiApp, profile: str, name: str) -> SecretKey:
    """The key the UI keeps a secret's value under: (profile, winning definition's EntryId)."""
    workspace = app.controller.workspace
    assert workspace is not None
    secret = workspace.profiles[profile].secret(name)
    assert secret is not None, (profile, name)
    return secret.key


def revealed(app: FnoxTuiApp, profile: str, name: str) -> str | None:
    """The revealed value of a profile's secret, if it is revealed."""
    return app.controller.plaintext.get(secret_key(app, profile, name))
