"""Regenerate the SVG screenshots in this folder: `python screenshots/make_screenshots.py`.

Each shot runs the real app headless over the `--demo` workspace (made-up values, an emulated
KMS) and saves Textual's SVG export. Needs the `demo` extra (moto).
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

Steps = Callable[[Pilot], Awaitable[None]]


async def _settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _main_screen(pilot: Pilot) -> None:
    await pilot.pause()


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


SHOTS: dict[str, Steps] = {
    "main-screen": _main_screen,
    "details": _details,
    "reveal-all": _reveal_all,
    "provider-check": _provider_check,
    "filter": _filter,
    "help": _help,
    "matrix": _matrix,
}


async def shoot(workspace: Path, name: str, steps: Steps) -> Path:
    from fnox_tui.core.loader import WorkspaceSource
    from fnox_tui.ui.app import FnoxTuiApp

    source = WorkspaceSource(cwd=workspace)
    app = FnoxTuiApp(source, workspace=source.load())
    async with app.run_test(size=SIZE) as pilot:
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

    with DemoEnvironment(handle_signals=False) as demo:
        for name, steps in SHOTS.items():
            print(asyncio.run(shoot(demo.workspace, name, steps)).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
