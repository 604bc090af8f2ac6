"""Regenerate the SVG screenshots here: `python screenshots/make_screenshots.py [NAME...]`.

Each shot runs the real app headless over the `--demo` workspace (made-up values, an emulated
KMS) and saves Textual's SVG export. Needs the `demo` extra (moto). The key rotation
walkthrough comes last (it rewrites the demo's files): one shot per step, `rotate-N-*.svg`.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZE = (120, 36)
SMALL = (80, 24)  # the terminal most people have

Steps = Callable[[Pilot], Awaitable[None]]


async def _settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _main_screen(pilot: Pilot) -> None:
    """production's values revealed: overriding and inherited secrets side by side."""
    await pilot.pause()
    await pilot.press("h")  # default closed
    pilot.app.main.tree.jump_to_profile("production")  # type: ignore[attr-defined]
    await pilot.pause()
    await pilot.press("V")
    await _settle(pilot)
    await pilot.press("j", "j")
    pilot.app.main.flush_details()  # type: ignore[attr-defined]


async def _details(pilot: Pilot) -> None:
    pilot.app.main.tree.jump_to_secret("production", "DATABASE_PASSWORD")  # type: ignore[attr-defined]
    await pilot.pause()


async def _reveal_all(pilot: Pilot) -> None:
    await pilot.press("V", "j", "j", "j", "j")
    await _settle(pilot)


async def _provider_check(pilot: Pilot) -> None:
    tree = pilot.app.main.tree  # type: ignore[attr-defined]
    tree.move_cursor(tree.get_node_at_line(0))
    await pilot.press("l", "j", "t")
    await _settle(pilot)


async def _filter(pilot: Pilot) -> None:
    await pilot.press("slash", *"stripe")
    await pilot.pause(0.4)


async def _help(pilot: Pilot) -> None:
    await pilot.press("question_mark")
    await pilot.pause()


async def _matrix(pilot: Pilot) -> None:
    await pilot.press("x")
    await _settle(pilot)
    matrix = pilot.app.main.matrix  # type: ignore[attr-defined]
    for profile in matrix.matrix.profiles:
        matrix.jump(profile)
        await pilot.press("V")
        await _settle(pilot)
    matrix.jump("production", "DATABASE_HOST")
    pilot.app.main.flush_details()  # type: ignore[attr-defined]


async def _edit_form(pilot: Pilot) -> None:
    pilot.app.main.tree.jump_to_secret("staging", "STRIPE_API_KEY")  # type: ignore[attr-defined]
    await pilot.pause()
    await pilot.press("e", *"sk_test_new")
    await pilot.pause()


async def _copy_form(pilot: Pilot) -> None:
    pilot.app.main.tree.jump_to_secret("production", "GITHUB_TOKEN")  # type: ignore[attr-defined]
    await pilot.pause()
    await pilot.press("m")
    await pilot.pause()
    await pilot.press("j", "enter")  # staging
    await pilot.pause()


async def _stage_demo_changes(pilot: Pilot) -> None:
    """Stage what a user would with the forms: a new KMS value for staging's database
    password, a new production secret, staging's LOG_LEVEL deleted (made-up values)."""
    from fnox_tui.core.changes import AddSecret, DeleteSecret, UpdateSecret
    from fnox_tui.core.identity import EntryId
    from fnox_tui.core.save_verify import ExpectedValue

    app = pilot.app
    controller = app.controller  # type: ignore[attr-defined]
    workspace = controller.workspace
    staging, production = workspace.profiles["staging"], workspace.profiles["production"]
    password = staging.secret("DATABASE_PASSWORD")
    main = password.definition.id.path
    kms = staging.providers["kms"]

    def encrypt(plaintext: str, profile: str) -> str:
        resolver = controller.resolver_for(workspace)
        return resolver.registry.get(kms, resolver.references(profile)).encrypt(plaintext)

    entry = password.definition.id
    value = await asyncio.to_thread(encrypt, "made-up-staging-password-2", "staging")
    controller.stage(
        [UpdateSecret(entry, {"value": value})],
        "edit DATABASE_PASSWORD",
        [ExpectedValue.of(entry, "made-up-staging-password-2", profile="staging", provider="kms")],
    )
    new = EntryId.secret(main, "SENTRY_DSN", "production")
    dsn = await asyncio.to_thread(encrypt, "https://made-up@sentry.example/1", "production")
    controller.stage(
        [AddSecret(new, {"provider": "kms", "value": dsn, "description": "Error reporting"})],
        "set SENTRY_DSN",
    )
    controller.stage([DeleteSecret(staging.secret("LOG_LEVEL").definition.id)], "delete")
    assert production is not None
    await pilot.pause()


async def _staged(pilot: Pilot) -> None:
    await _stage_demo_changes(pilot)
    pilot.app.main.tree.jump_to_secret("staging", "DATABASE_PASSWORD")  # type: ignore[attr-defined]
    await pilot.pause()


async def _review(pilot: Pilot) -> None:
    from fnox_tui.ui.screens.review import ReviewScreen

    await _stage_demo_changes(pilot)
    await pilot.press("ctrl+s")
    while not isinstance(pilot.app.screen, ReviewScreen):
        await pilot.pause(0.05)


SHOTS: dict[str, tuple[Steps, tuple[int, int]]] = {
    "main-screen": (_main_screen, SIZE),
    "main-screen-80x24": (_main_screen, SMALL),
    "details": (_details, SIZE),
    "reveal-all": (_reveal_all, SIZE),
    "provider-check": (_provider_check, SIZE),
    "filter": (_filter, SIZE),
    "help": (_help, SIZE),
    "matrix": (_matrix, SIZE),
    "edit-form": (_edit_form, SIZE),
    "copy-form": (_copy_form, SIZE),
    "staged-changes": (_staged, SIZE),
    "review": (_review, SIZE),
}


ROTATION_SHOTS = (
    "rotate-1-current-key",
    "rotate-2-new-key",
    "rotate-3-plan",
    "rotate-4-reencrypt",
    "rotate-5-verify",
    "rotate-6-commit",
    "rotate-7-done",
)


async def _rotation(pilot: Pilot, save: Callable[[str], None]) -> None:
    """The demo's KMS key rotated to alias/fnox-demo-next, a shot at every step."""
    from fnox_tui.ui.screens.rotation.session import Options
    from fnox_tui.ui.screens.rotation.steps import Step
    from tests.rotation_ui_helpers import (
        choose_key,
        open_walkthrough,
        until,
    )

    screen = await open_walkthrough(pilot, "kms", options=Options(clock=lambda: 0.0))
    save(ROTATION_SHOTS[0])
    await choose_key(pilot, screen, "alias/fnox-demo-next")
    save(ROTATION_SHOTS[1])
    await pilot.press("n")
    save(ROTATION_SHOTS[2])
    await pilot.press("n")
    await until(pilot, lambda: not screen.busy and screen.session.complete, "re-encrypted")
    await pilot.pause()
    save(ROTATION_SHOTS[3])
    await pilot.press("n")
    save(ROTATION_SHOTS[4])
    await pilot.press("n")
    await until(pilot, lambda: screen.session.prepared is not None, "prepared")
    await pilot.pause()
    save(ROTATION_SHOTS[5])
    await pilot.press("w")
    await pilot.pause()
    await pilot.press("y")
    await until(pilot, lambda: screen.step is Step.DONE, "written")
    await _settle(pilot)
    save(ROTATION_SHOTS[6])


async def shoot_rotation(workspace: Path) -> list[Path]:
    from fnox_tui.core.loader import WorkspaceSource
    from fnox_tui.ui.app import FnoxTuiApp

    source = WorkspaceSource(cwd=workspace)
    app = FnoxTuiApp(source, workspace=source.load())
    written: list[Path] = []

    def save(name: str) -> None:
        target = HERE / f"{name}.svg"
        target.write_text(app.export_screenshot(title=f"fnox-tui — {name}"), encoding="utf-8")
        written.append(target)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _rotation(pilot, save)
    return written


async def shoot(workspace: Path, name: str, steps: Steps, size: tuple[int, int]) -> Path:
    from fnox_tui.core.loader import WorkspaceSource
    from fnox_tui.ui.app import FnoxTuiApp

    source = WorkspaceSource(cwd=workspace)
    app = FnoxTuiApp(source, workspace=source.load())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await steps(pilot)
        await _settle(pilot)
        svg = app.export_screenshot(title=f"fnox-tui — {name}")
    target = HERE / f"{name}.svg"
    target.write_text(svg, encoding="utf-8")
    return target


def main() -> int:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    from fnox_tui.core.demo import DemoEnvironment

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.fixed_moto import fixed_kms_keys

    # Names of shots to take (default: all); "rotation" takes the walkthrough's.
    wanted = sys.argv[1:] or [*SHOTS, "rotation"]
    with fixed_kms_keys(), DemoEnvironment(handle_signals=False) as demo:
        for name, (steps, size) in SHOTS.items():
            if name not in wanted:
                continue
            print(asyncio.run(shoot(demo.workspace, name, steps, size)).relative_to(ROOT))
        if set(wanted) & {"rotation", *ROTATION_SHOTS}:
            for path in asyncio.run(shoot_rotation(demo.workspace)):
                print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
