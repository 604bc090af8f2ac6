"""Start-up makes no dataclass: each costs about a millisecond to make.

``dataclasses`` generates and ``exec()``s source for every method of every dataclass (twice the
work with ``slots=True``); the classes on the way to the first frame are plain classes with
``__slots__`` (see ``fnox_tui.core.record``). A subprocess records every class made a dataclass
while the command line and the app are imported, a small workspace loaded and the app built.
"""

from __future__ import annotations

from pathlib import Path

from tests.test_startup_imports import probe_start_up

PROBE = """
import dataclasses
import sys
from pathlib import Path
made = []
make = dataclasses._process_class
def recording(cls, *args, **kwargs):
    made.append(cls.__module__ + "." + cls.__qualname__)
    return make(cls, *args, **kwargs)
dataclasses._process_class = recording
from fnox_tui.cli import build_parser
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.ui.app import AppSettings, FnoxTuiApp
source = WorkspaceSource(cwd=Path(sys.argv[1]))
FnoxTuiApp(source, workspace=source.load(), settings=AppSettings())
print("made:", *(name for name in made if name.startswith("fnox_tui")))
"""


def test_start_up_makes_no_dataclass_of_fnox_tui(tmp_path: Path) -> None:
    last = probe_start_up(tmp_path, PROBE)
    assert last[0] == "made:"  # the probe ran to its end
    made = last[1:]
    assert made == [], (
        f"made dataclasses on the way to the first frame: {', '.join(made)}; "
        "write them as fnox_tui.core.record classes (a dataclass costs ~1 ms to make)"
    )
