"""Run by test_parse_ahead.py in a fresh interpreter (one thread, as the command starts).

``python parse_ahead_probe.py CASE DIR`` loads the workspace in DIR the way the command line
does (a child parses ahead while this process imports the UI), then prints one JSON line:
whether a child was started, how many documents it gave, how many files this process parsed
itself, and a digest of the workspace to compare with a plain load's.
"""

from __future__ import annotations

import json
import marshal
import os
import signal
import struct
import sys
import threading
from pathlib import Path

import rtoml

from fnox_tui.core import configfile
from fnox_tui.core.errors import ConfigSyntaxError
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.core.model import Workspace
from fnox_tui.core.parse_ahead import ParsedAhead, parse_ahead

parsed_here: list[int] = []
_loads = rtoml.loads


def _counting_loads(text: str) -> object:
    parsed_here.append(os.getpid())
    return _loads(text)


def digest(workspace: Workspace) -> list[object]:
    """What a user sees of the workspace: every profile's rows, the problems, the files."""
    rows = {
        name: [
            (s.name, s.origin.name, s.provider_name, s.definition.value, s.definition.profile)
            for s in view.secrets
        ]
        for name, view in workspace.profiles.items()
    }
    problems = sorted(
        (str(p.location.path), p.location.line, p.message) for p in workspace.problems
    )
    return [rows, problems, [str(path) for path in workspace.files]]


def answers_wrongly(case: str) -> None:
    """A child that never answers, answers short of its header's length, or sends garbage."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        if case == "truncated":
            os.write(write_end, struct.pack("<Q", 1000) + marshal.dumps({"a": 1}))
        elif case == "garbage":
            payload = b"\xff not marshal"
            os.write(write_end, struct.pack("<Q", len(payload)) + payload)
        else:
            threading.Event().wait(60)  # silent until killed
        os._exit(0)
    os.close(write_end)
    ahead = ParsedAhead(pid, read_end, timeout=0.2 if case == "silent" else 60)
    documents = ahead.take()
    reaped = ahead.wait_reaped(60) and _reaped(pid)
    print(json.dumps({"documents": documents, "child_reaped": reaped}))


def main(case: str, directory: Path) -> None:
    if case in ("silent", "truncated", "garbage"):
        answers_wrongly(case)
        return
    source = WorkspaceSource(cwd=directory)
    if case == "threads":
        started = threading.Event()
        threading.Thread(
            target=lambda: (started.set(), threading.Event().wait()), daemon=True
        ).start()
        started.wait()
    ahead = parse_ahead(source)
    if ahead is not None and case == "killed":
        os.kill(ahead.pid, signal.SIGKILL)
    import fnox_tui.ui.app  # noqa: F401  (what the command line imports meanwhile)

    documents = None if ahead is None else ahead.take()
    if case == "changed":  # the file changes after the child parsed it
        path = directory / "fnox.toml"
        path.write_text(path.read_text().replace("FIRST = {", "RENAMED = {", 1))
    configfile.rtoml.loads = _counting_loads  # type: ignore[attr-defined]
    result: dict[str, object] = {
        "forked": ahead is not None,
        "documents": None if documents is None else len(documents),
    }
    try:
        workspace = source.load(parsed=documents)
    except ConfigSyntaxError as error:
        result["error"] = str(error)
    else:
        result["parsed_here"] = len(parsed_here)
        result["same_as_plain_load"] = digest(workspace) == digest(source.load())
        result["secrets"] = sorted(s.name for s in workspace.profiles["default"].secrets)[:3]
    if ahead is not None:
        ahead.close()
        result["child_reaped"] = ahead.wait_reaped(60) and _reaped(ahead.pid)
    print(json.dumps(result))


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
