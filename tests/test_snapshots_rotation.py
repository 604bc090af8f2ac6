"""Snapshots of every step of the rotation walkthrough (pytest-textual-snapshot).

KMS: the demo's key rotated to alias/fnox-demo-next, with moto's key ids and dates fixed
(tests/fixed_moto.py) and the walkthrough's clock stopped, so each SVG is the same in every
run. Age: fixed throw-away keys. Only made-up values exist here, and no value is on screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from fnox_tui.core.demo import DemoEnvironment
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.core.rotation.age import GeneratedIdentity
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.screens.rotation.session import Options
from fnox_tui.ui.screens.rotation.steps import Step
from tests.fixed_moto import fixed_kms_keys
from tests.rotation_ui_helpers import choose_key, open_walkthrough, until
from tests.test_snapshots_values import KEY, OURS, RECIPIENT
from tests.ui_fixtures import write_files
from tests.waiting import settle

SIZE = (120, 36)
STOPPED = Options(clock=lambda: 0.0, now=lambda: datetime(2025, 1, 1, tzinfo=UTC))
# A throw-away identity, "generated" for the snapshot of step 2 (age).
NEW_KEY = "AGE-SECRET-KEY-1MRXJF4RV506RY87DL5GR7TAL3W7WTRYV4YUUYFVGSZD3JQUWT9ZQV83HA5"
NEW_RECIPIENT = "age19l95vmw45vac2qrrzqpf7ssumfcv7fcsuu0c2wgj3he8m5vexfuqfcfejt"

Steps = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture
def demo() -> Iterator[DemoEnvironment]:
    with fixed_kms_keys(), DemoEnvironment(handle_signals=False) as environment:
        yield environment


async def kms_to(pilot: Pilot[Any], step: Step) -> None:
    """Walk the demo's KMS rotation up to ``step``."""
    screen = await open_walkthrough(pilot, "kms", options=STOPPED)
    if step >= Step.NEW:
        await choose_key(pilot, screen, "alias/fnox-demo-next")
    if step >= Step.PLAN:
        await pilot.press("n")
    if step >= Step.RUN:
        await pilot.press("n")
        await until(pilot, lambda: not screen.busy and screen.session.complete, "re-encrypted")  # type: ignore[union-attr]
    if step >= Step.VERIFY:
        await pilot.press("n")
    if step >= Step.COMMIT:
        await pilot.press("n")
        await until(pilot, lambda: screen.session.prepared is not None, "prepared")  # type: ignore[union-attr]
    if step >= Step.DONE:
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: screen.step is Step.DONE, "written")
    await settle(pilot)


@pytest.mark.parametrize("step", list(Step), ids=[step.name.lower() for step in Step])
def test_kms_step(snap_compare, demo: DemoEnvironment, step: Step) -> None:  # type: ignore[no-untyped-def]
    source = WorkspaceSource(cwd=demo.workspace)
    app = FnoxTuiApp(source, workspace=source.load())

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await kms_to(pilot, step)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_kms_plan_at_80x24(snap_compare, demo: DemoEnvironment) -> None:  # type: ignore[no-untyped-def]
    """At 80 columns the step indicator names only the current step."""
    source = WorkspaceSource(cwd=demo.workspace)
    app = FnoxTuiApp(source, workspace=source.load())

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await kms_to(pilot, Step.PLAN)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def age_app(tmp_path: Path) -> FnoxTuiApp:
    root = tmp_path / "project"
    write_files(
        root,
        {
            "fnox.toml": f"""\
                root = true
                [providers]
                age = {{ type = "age", recipients = ["{RECIPIENT}"] }}

                [secrets]
                OURS = {{ provider = "age", value = "{OURS}" }}
                """
        },
    )
    # Fixed paths (they need not exist): the screen names where fnox looks for an identity.
    home = "/home/snapshot"
    environ = {"HOME": home, "FNOX_CONFIG_DIR": f"{home}/.config/fnox", "FNOX_AGE_KEY": KEY}
    source = WorkspaceSource(cwd=root, environ=environ)
    return FnoxTuiApp(source, workspace=source.load())


def fixed_identity() -> GeneratedIdentity:
    return GeneratedIdentity(NEW_RECIPIENT, NEW_KEY, datetime(2025, 1, 1, tzinfo=UTC))


AGE_OPTIONS = Options(
    clock=lambda: 0.0, now=lambda: datetime(2025, 1, 1, tzinfo=UTC), generate=fixed_identity
)


@pytest.mark.parametrize(
    "step", [Step.CURRENT, Step.NEW, Step.DONE], ids=["current", "new", "done"]
)
def test_age_step(snap_compare, tmp_path: Path, step: Step) -> None:  # type: ignore[no-untyped-def]
    app = age_app(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        screen = await open_walkthrough(pilot, "age", options=AGE_OPTIONS)
        if step >= Step.NEW:
            await pilot.press("n", "g")  # a new identity, masked, added to the recipients
        if step >= Step.DONE:
            await pilot.press("n", "n")
            await until(pilot, lambda: not screen.busy and screen.session.complete, "done")  # type: ignore[union-attr]
            await pilot.press("n", "n")
            await until(pilot, lambda: screen.session.prepared is not None, "prepared")  # type: ignore[union-attr]
            await pilot.press("w")
            await pilot.pause()
            await pilot.press("y")
            await until(pilot, lambda: screen.step is Step.DONE, "written")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_recovery_offer_of_an_interrupted_commit(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.rotation_commit_helpers import write_workspace
    from tests.rotation_ui_helpers import make_app
    from tests.test_rotation_commit_kill import run_child

    root = write_workspace(tmp_path / "project")
    run_child(root, "before-renames")
    app = make_app(root)

    async def run_before(pilot: Pilot[Any]) -> None:
        from fnox_tui.ui.screens.rotation.recovery import RecoveryOffer

        await until(pilot, lambda: isinstance(pilot.app.screen, RecoveryOffer), "the offer")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
