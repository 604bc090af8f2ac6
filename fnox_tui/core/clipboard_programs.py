"""The system clipboard through its command-line programs (wl-copy, xclip, xsel, pbcopy).

pyperclip runs these programs with the terminal as their stdout and stderr and ignores their
exit status: with ``DISPLAY`` naming a dead X server, xclip's "Can't open display" was painted
over the TUI and the copy reported as done. Here the program's output never reaches the
terminal (stdout to /dev/null, stderr to a temporary file read afterwards: a pipe would be held
open by the background process xclip leaves serving the selection), a failure raises
``ClipboardProgramError`` naming the program and its complaint, and a program that does not
finish within ``timeout`` seconds is killed. The text goes through the program's stdin, never
on its command line (where every local user could read it in the process list).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fnox_tui.core.durations import human_duration

DEFAULT_TIMEOUT = 3.0
_MAX_COMPLAINT = 160


class ClipboardProgramError(Exception):
    """A clipboard program failed. The message names it and never carries the text."""


@dataclass(frozen=True, slots=True)
class ClipboardProgram:
    """How to copy to, read and empty the clipboard with one family of programs."""

    name: str
    copy: tuple[str, ...]
    paste: tuple[str, ...]
    clear: tuple[str, ...] | None = None  # for an empty text, when stdin "" is not enough
    needs: str | None = None  # the environment variable that must name a display

    def executables(self) -> set[str]:
        return {command[0] for command in (self.copy, self.paste, self.clear) if command}


WL_CLIPBOARD = ClipboardProgram(
    "wl-copy",
    copy=("wl-copy", "--type", "text/plain"),
    paste=("wl-paste", "--no-newline", "--type", "text"),
    clear=("wl-copy", "--clear"),
    needs="WAYLAND_DISPLAY",
)
XCLIP = ClipboardProgram(
    "xclip",
    copy=("xclip", "-selection", "clipboard", "-in"),
    paste=("xclip", "-selection", "clipboard", "-out"),
    needs="DISPLAY",
)
XSEL = ClipboardProgram(
    "xsel",
    copy=("xsel", "--clipboard", "--input"),
    paste=("xsel", "--clipboard", "--output"),
    clear=("xsel", "--clipboard", "--clear"),
    needs="DISPLAY",
)
PBCOPY = ClipboardProgram("pbcopy", copy=("pbcopy",), paste=("pbpaste",))


def candidates(platform: str = sys.platform) -> Sequence[ClipboardProgram]:
    """The programs to try on ``platform``, in pyperclip's order; none on Windows."""
    if platform == "darwin":
        return (PBCOPY,)
    if platform.startswith(("win", "cygwin", "msys")):
        return ()
    return (WL_CLIPBOARD, XCLIP, XSEL)


class ProgramClipboard:
    """The system clipboard through ``program`` (see the module docstring)."""

    def __init__(
        self,
        program: ClipboardProgram,
        environ: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.program = program
        self.name = program.name
        self._environ = environ
        self._timeout = timeout

    def copy(self, text: str) -> None:
        command = self.program.clear if not text and self.program.clear else self.program.copy
        self._run(command, text.encode("utf-8"), text)

    def paste(self) -> str:
        return self._run(self.program.paste, None, None).decode("utf-8", "replace")

    def _run(self, command: tuple[str, ...], data: bytes | None, text: str | None) -> bytes:
        environ = dict(os.environ if self._environ is None else self._environ)
        with tempfile.TemporaryFile() as complaints:
            try:
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
                    stdout=subprocess.PIPE if data is None else subprocess.DEVNULL,
                    stderr=complaints,
                    env=environ,
                    close_fds=True,
                    # Not in the TUI's session: no signal from its terminal reaches it, and
                    # the process that keeps serving the selection is not tied to it.
                    start_new_session=True,
                )
            except OSError as error:
                reason = error.strerror or type(error).__name__
                message = f"{self.name} could not be started ({reason})"
                raise ClipboardProgramError(message) from None
            try:
                output, _ = process.communicate(data, timeout=self._timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                raise ClipboardProgramError(
                    f"{self.name} did not finish within {human_duration(self._timeout)}"
                ) from None
            if process.returncode != 0:
                complaints.seek(0)
                said = _complaint(complaints.read(4096), text)
                status = f"exit status {process.returncode}"
                raise ClipboardProgramError(
                    f"{self.name} failed ({status}{': ' + said if said else ''})"
                )
        return output or b""


def _complaint(raw: bytes, text: str | None) -> str:
    """The program's first line of complaint, unless it holds any of the text copied."""
    lines = [line.strip() for line in raw.decode("utf-8", "replace").splitlines()]
    first = next((line for line in lines if line), "")[:_MAX_COMPLAINT]
    parts = [text, *(part for part in text.split() if len(part) >= 4)] if text else []
    if any(part in first for part in parts):
        return ""
    return first


def find_program(
    environ: Mapping[str, str] | None = None, platform: str = sys.platform
) -> ProgramClipboard | None:
    """The clipboard program for this session: the first candidate whose display is set and
    whose executables are on PATH."""
    environ = os.environ if environ is None else environ
    path = environ.get("PATH")
    for program in candidates(platform):
        if program.needs and not environ.get(program.needs):
            continue
        if all(shutil.which(name, path=path) for name in program.executables()):
            return ProgramClipboard(program, environ)
    return None
