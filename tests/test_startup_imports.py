"""What start-up imports: nothing that the first paint does not need.

A subprocess imports what ``fnox-tui`` imports on its way to the first paint, loads a small
workspace and builds the app (as the command line does), then reports the modules it holds.
"""

from __future__ import annotations

from pathlib import Path

from tests.fresh_python import run_fresh_python

PROBE = """
import sys
from pathlib import Path
from fnox_tui.cli import build_parser
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.ui.app import AppSettings, FnoxTuiApp
from fnox_tui.ui.runner import run_app
source = WorkspaceSource(cwd=Path(sys.argv[1]))
FnoxTuiApp(source, workspace=source.load(), settings=AppSettings())
print(" ".join(sorted(sys.modules)))
"""

# The app run headless until its first frame is out and the workers started with it (the look
# for an interrupted rotation's journal among them) are done; the AWS clients' set-up, which
# follows the first frame to import boto3, is held back.
RUN_PROBE = """
import asyncio
import sys
from pathlib import Path
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.ui import controller
from fnox_tui.ui.app import AppSettings, FnoxTuiApp
controller.WARM_UP_DELAY = 3600  # the AWS clients' set-up imports boto3 on purpose: not here
source = WorkspaceSource(cwd=Path(sys.argv[1]))
app = FnoxTuiApp(source, workspace=source.load(), settings=AppSettings())
async def main():
    async with app.run_test() as pilot:
        while not app.main.query("SteadyFooter"):  # mounted after the first frame
            await asyncio.sleep(0.01)
        await pilot.pause()
        await app.workers.wait_for_complete()
        print(" ".join(sorted(sys.modules)))
asyncio.run(main())
"""

# Needed only once the user asks for something (a value, an edit, a rotation, the matrix...).
NOT_AT_START = (
    "boto3",
    "botocore",
    "tomlkit",
    "pyrage",
    "pyperclip",
    "ctypes",
    "json",
    "concurrent.futures.thread",
    "fnox_tui.core.rotation",
    "fnox_tui.core.providers.registry",
    "fnox_tui.core.resolver",
    "fnox_tui.core.fingerprint",
    "fnox_tui.ui.widgets.matrix",
    "fnox_tui.ui.screens.help",
    "fnox_tui.ui.screens.error",
    "fnox_tui.ui.screens.problems",
    "fnox_tui.ui.screens.profile_picker",
    "fnox_tui.ui.editing",  # the forms (e/s/d/m)
    "fnox_tui.ui.screens.form",
    "fnox_tui.ui.screens.edit_secret",
    "fnox_tui.ui.screens.new_secret",
    "fnox_tui.ui.screens.copy_secret",
    "fnox_tui.ui.screens.confirm",
    "fnox_tui.ui.saving",  # the save (review, write, verify)
    "fnox_tui.ui.screens.review",
    "fnox_tui.core.save",
    "fnox_tui.core.review",
    "fnox_tui.core.reapply",
    "fnox_tui.core.staged_view",
    "fnox_tui.core.tomledit",
    "fnox_tui.core.changes",  # the change classes: once something is staged
    "fnox_tui.core.save_verify",
    "fnox_tui.core.matrix",  # once the matrix is shown (x)
    "fnox_tui.core.clipboard_programs",  # on the first copy
)

# Not in the first frame: the footer follows it; the palette's commands, when it first opens.
NOT_BEFORE_FIRST_FRAME = (
    "fnox_tui.ui.widgets.steady_footer",
    "fnox_tui.ui.commands",
)


def probe_start_up(tmp_path: Path, probe: str) -> list[str]:
    """Run ``probe`` (Python source) in a fresh interpreter, in a directory holding a small
    fnox.toml (its path is ``sys.argv[1]``); the words of the last line it prints."""
    (tmp_path / "fnox.toml").write_text(
        '[providers]\nkms = { type = "aws-kms", key_id = "alias/k", region = "eu-west-1" }\n\n'
        '[secrets]\nA = { provider = "kms", value = "AQID" }\n'
    )
    return run_fresh_python(["-c", probe, str(tmp_path)], tmp_path).splitlines()[-1].split()


def _imported_at_start(tmp_path: Path, probe: str, unwanted: tuple[str, ...]) -> list[str]:
    """The modules of ``unwanted`` that ``probe`` finds imported."""
    modules = set(probe_start_up(tmp_path, probe))
    return sorted(
        module
        for module in modules
        if any(module == name or module.startswith(name + ".") for name in unwanted)
    )


def test_start_up_imports_nothing_the_first_paint_does_not_need(tmp_path: Path) -> None:
    assert _imported_at_start(tmp_path, PROBE, NOT_AT_START + NOT_BEFORE_FIRST_FRAME) == []


def test_first_frame_and_what_follows_it_import_nothing_unasked(tmp_path: Path) -> None:
    """Once the first frame is out, what start-up does in the background (the look for an
    interrupted rotation among it) still imports neither boto3 nor the rotation engine."""
    imported = _imported_at_start(tmp_path, RUN_PROBE, NOT_AT_START)
    assert [name for name in imported if name != "concurrent.futures.thread"] == []  # a worker
