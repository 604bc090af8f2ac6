"""Regenerate the SVG screenshots in this folder: `python screenshots/make_screenshots.py`.

Each shot runs the real app headless over a sample file and saves Textual's SVG export.
Shots of revealed values use the throw-away values of `--demo` or the shipped example only.
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
EXAMPLE = ROOT / "examples"
SIZE = (120, 36)

Steps = Callable[[Pilot], Awaitable[None]]


async def _main_screen(pilot: Pilot) -> None:
    await pilot.pause()


async def _details(pilot: Pilot) -> None:
    app = pilot.app
    app.main.tree.jump_to_secret(("production", "DATABASE_URL"))  # type: ignore[attr-defined]
    await pilot.pause()


async def _filter(pilot: Pilot) -> None:
    await pilot.press("slash", *"url")
    await pilot.pause(0.4)


async def _help(pilot: Pilot) -> None:
    await pilot.press("question_mark")
    await pilot.pause()


SHOTS: dict[str, Steps] = {
    "main-screen": _main_screen,
    "details": _details,
    "filter": _filter,
    "help": _help,
}


async def shoot(name: str, steps: Steps) -> Path:
    from fnox_tui.core.loader import WorkspaceSource
    from fnox_tui.ui.app import FnoxTuiApp

    home = HERE / ".home"
    environ = {"HOME": str(home), "FNOX_CONFIG_DIR": str(home / "fnox")}
    source = WorkspaceSource(cwd=EXAMPLE, environ=environ)
    app = FnoxTuiApp(source, workspace=source.load())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await steps(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        svg = app.export_screenshot(title=f"fnox-tui — {name}")
    target = HERE / f"{name}.svg"
    target.write_text(svg, encoding="utf-8")
    return target


def main() -> int:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    for name, steps in SHOTS.items():
        print(asyncio.run(shoot(name, steps)).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
