"""What start-up leaves until after the first frame: the collector's pause ends there, the AWS
clients are set up after it, and the screen has its width's class before its first styling."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from fnox_tui import cli
from fnox_tui.core import gcpause
from fnox_tui.ui import controller as controller_module
from fnox_tui.ui.controller import Controller
from fnox_tui.ui.screens.main import MainScreen
from tests.form_helpers import until
from tests.test_ui_main import SIZE
from tests.ui_fixtures import MakeApp, write_files

KMS_FILE = """\
[providers]
kms = { type = "aws-kms", key_id = "alias/k", region = "eu-west-1" }

[secrets]
A = { provider = "kms", value = "AQID" }
"""


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """Whatever a test does to the collector, the next test finds it as it was."""
    enabled = gc.isenabled()
    yield
    gcpause.end_start_up_pause()
    gc.unfreeze()
    if enabled:
        gc.enable()


def test_the_start_up_pause_holds_collections_and_its_end_sets_start_up_aside(
    collector_restored: None,
) -> None:
    gcpause.pause_for_start_up()
    gcpause.pause_for_start_up()  # a second call changes nothing
    assert not gc.isenabled()
    gc.unfreeze()
    gcpause.end_start_up_pause()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # what start-up made is left out of later collections
    gcpause.end_start_up_pause()  # no pause on: nothing to end
    assert gc.isenabled()


async def test_the_first_frame_ends_the_start_up_pause(
    make_app: MakeApp, collector_restored: None
) -> None:
    gcpause.pause_for_start_up()  # as the command line does before anything else
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.main.query("SteadyFooter")))
        assert gc.isenabled()


def test_the_command_ends_the_pause_when_the_app_never_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    monkeypatch.chdir(tmp_path)  # no fnox.toml here or above (tmp_path is outside any project)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("FNOX_CONFIG_DIR", str(tmp_path / "config"))
    assert cli.main([]) == cli.EXIT_NO_CONFIG
    assert gc.isenabled()


async def test_aws_clients_are_set_up_after_the_first_frame(
    make_app: MakeApp, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(project, {"fnox.toml": KMS_FILE})
    monkeypatch.setattr(controller_module, "WARM_UP_DELAY", 0.001)
    frame_shown_at_warm_up: list[bool] = []

    def warm_up(controller: Controller) -> None:
        frame_shown_at_warm_up.append(controller.app.main._first_frame_shown)

    monkeypatch.setattr(Controller, "warm_up", warm_up)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(frame_shown_at_warm_up))
        assert frame_shown_at_warm_up == [True]


async def test_the_main_screen_has_its_width_class_before_it_is_first_styled(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Set on the first resize instead, the class would style every widget a second time."""
    classes_at_mount: list[set[str]] = []
    on_mount = MainScreen.on_mount

    def spy(screen: MainScreen) -> None:
        classes_at_mount.append(set(screen.classes))
        on_mount(screen)

    monkeypatch.setattr(MainScreen, "on_mount", spy)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(classes_at_mount))
        assert "-wide" in classes_at_mount[0]
        assert "-narrow" not in classes_at_mount[0]
