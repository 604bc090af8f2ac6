"""Copy a secret to the clipboard and clear it again after a while.

The system clipboard is tried first: its command-line program (wl-copy, xclip, xsel, pbcopy;
see ``clipboard_programs``), else pyperclip (Windows). A copy counts only when the program
succeeded and the clipboard reads back what was copied. Where there is no system clipboard, or
it failed (a headless Linux box, a dead X server, an SSH session), the text goes through the
terminal with an OSC 52 escape sequence instead, and the message says why. The core never
writes to the terminal itself: the UI passes ``osc52_writer``, which receives the complete
escape sequence and must send it through its own output (Textual's driver).

Auto-clear: ``copy`` returns a deadline; the UI schedules ``clear_if_due`` for it (Textual's
``set_timer``), or ``auto_timer=True`` starts a ``threading.Timer`` that does the same. With
the system clipboard the clipboard is cleared only if it still holds what we copied (read
back and compared), so something the user copied meanwhile is left alone. OSC 52 cannot be
read back, so there the clipboard is cleared unconditionally by sending an empty OSC 52 set:
the cost is that something copied meanwhile may be wiped, which is better than leaving a
secret behind. Call ``clear_now_if_ours`` before exiting (while the terminal is still ours).

The copied text itself is never kept: only a keyed SHA-256 digest (HMAC) of it, to recognise
it when reading the clipboard back. No message, log line or exception carries the text.
"""

from __future__ import annotations

import base64
import enum
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Literal, Protocol

from fnox_tui.core.durations import human_duration
from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.record import FrozenRecord, Record

DEFAULT_TIMEOUT = 45.0
TIMEOUT_ENV = "FNOX_TUI_CLIPBOARD_TIMEOUT"
# A timer may fire a little before the deadline as the clock measures it.
_TOLERANCE = 0.25
# After a copy the clipboard is read back this many times, this far apart, before giving up.
_READ_BACK_TRIES = 3
_READ_BACK_PAUSE = 0.05

Method = Literal["system", "osc52"]
Mode = Literal["auto", "system", "osc52"]

_log = logging.getLogger(__name__)


class ClipboardError(FnoxTuiError):
    """Nothing could be copied. The message never contains the text."""


class ClearOutcome(enum.Enum):
    CLEARED = "cleared"
    CHANGED = "changed"  # the clipboard holds something else now: left alone
    NOTHING = "nothing"  # nothing of ours is waiting to be cleared
    NOT_DUE = "not due"  # the deadline has not come (a later copy moved it)
    FAILED = "failed"  # the clipboard could not be read or cleared


def osc52_sequence(text: str, selection: str = "c") -> str:
    """The OSC 52 escape sequence that sets the terminal's clipboard to ``text``."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;{selection};{payload}\x07"


def osc52_clear_sequence(selection: str = "c") -> str:
    """The OSC 52 escape sequence that sets the clipboard to nothing."""
    return f"\x1b]52;{selection};\x07"


def parse_timeout(text: str) -> float | None:
    """Seconds before the clipboard is cleared; ``0`` means never (returns None).

    For ``--clipboard-timeout`` and ``FNOX_TUI_CLIPBOARD_TIMEOUT``. Raises ValueError.
    """
    try:
        seconds = float(text.strip())
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(
            f"clipboard timeout must be a number of seconds, 0 for never (got {text!r})"
        )
    return seconds or None


class SystemClipboard(Protocol):
    def copy(self, text: str) -> None: ...

    def paste(self) -> str: ...


def _pyperclip() -> ModuleType:
    """pyperclip, imported when first needed (it is rarely used, and costs start-up time)."""
    import pyperclip

    return pyperclip


def _programs() -> ModuleType:
    """The clipboard programs (wl-copy, xclip...), imported on the first copy: not on the way
    to the first paint."""
    from fnox_tui.core import clipboard_programs

    return clipboard_programs


class PyperclipClipboard:
    """The system clipboard through pyperclip's module functions (looked up at each call).

    Raises pyperclip.PyperclipException when there is no usable mechanism. KDE's klipper is
    refused: pyperclip hands it the text as a command-line argument, visible to every local
    user in the process list.
    """

    def _functions(self) -> tuple[Callable[[str], None], Callable[[], str]]:
        pyperclip = _pyperclip()
        if pyperclip.copy is pyperclip.lazy_load_stub_copy:
            pyperclip.copy, pyperclip.paste = pyperclip.determine_clipboard()
        if getattr(pyperclip.copy, "__name__", "") == "copy_klipper":
            raise pyperclip.PyperclipException("klipper would expose the text in the process list")
        return pyperclip.copy, pyperclip.paste

    def copy(self, text: str) -> None:
        self._functions()[0](text)

    def paste(self) -> str:
        return str(self._functions()[1]())


class DetectedClipboard:
    """The session's clipboard program if it has one, else pyperclip; chosen on first use."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ
        self._backend: SystemClipboard | None = None

    @property
    def backend(self) -> SystemClipboard:
        if self._backend is None:
            self._backend = _programs().find_program(self._environ) or PyperclipClipboard()
        return self._backend

    def copy(self, text: str) -> None:
        self.backend.copy(text)

    def paste(self) -> str:
        return self.backend.paste()


class _NotKept(Exception):
    """The clipboard program reported success but the clipboard does not hold the text."""


class CopyResult(FrozenRecord):
    """How the text was copied and when it will be cleared (``deadline`` on the clock)."""

    __slots__ = ("deadline", "fallback_reason", "method", "system_failed", "timeout")
    _fields = ("method", "timeout", "deadline", "fallback_reason", "system_failed")

    def __init__(
        self,
        method: Method,
        timeout: float | None,  # None: never cleared automatically
        deadline: float | None,
        fallback_reason: str = "",  # why the system clipboard was not used
        system_failed: bool = False,  # there is a system clipboard, but copying to it failed
    ) -> None:
        self.method = method
        self.timeout = timeout
        self.deadline = deadline
        self.fallback_reason = fallback_reason
        self.system_failed = system_failed

    @property
    def message(self) -> str:
        """A sentence for the status line."""
        where = "Copied" if self.method == "system" else "Copied through the terminal (OSC 52)"
        if self.system_failed and self.fallback_reason:
            where += f" because {self.fallback_reason}"
        if self.timeout is None:
            return f"{where}."
        return f"{where}; the clipboard is cleared in {human_duration(self.timeout)}."


class _Pending(Record):
    __slots__ = ("deadline", "digest", "generation", "method")
    _fields = ("method", "digest", "deadline", "generation")

    def __init__(
        self, method: Method, digest: bytes, deadline: float | None, generation: int
    ) -> None:
        self.method = method
        self.digest = digest
        self.deadline = deadline
        self.generation = generation


class Clipboard:
    """Copies text with auto-clear. See the module docstring.

    ``timeout``: seconds before clearing; None reads ``FNOX_TUI_CLIPBOARD_TIMEOUT`` (else 45);
    ``0`` never clears. ``mode``: ``"auto"`` (system, else OSC 52), ``"system"`` or
    ``"osc52"``. ``clock``: monotonic seconds, used for deadlines. ``auto_timer``: clear from
    a background ``threading.Timer`` (which then calls ``osc52_writer`` from that thread).
    """

    def __init__(
        self,
        osc52_writer: Callable[[str], None] | None = None,
        timeout: float | None = None,
        *,
        mode: Mode = "auto",
        system: SystemClipboard | None = None,
        clock: Callable[[], float] = time.monotonic,
        environ: Mapping[str, str] | None = None,
        auto_timer: bool = False,
    ) -> None:
        self.osc52_writer = osc52_writer
        self.mode: Mode = mode
        self.system: SystemClipboard = system if system is not None else DetectedClipboard()
        self.clock = clock
        self.auto_timer = auto_timer
        self.warning = ""  # set when FNOX_TUI_CLIPBOARD_TIMEOUT was invalid and ignored
        self.timeout = self._resolve_timeout(timeout, os.environ if environ is None else environ)
        self._key = os.urandom(32)
        self._lock = threading.RLock()
        self._pending: _Pending | None = None
        self._generation = 0
        self._timer: threading.Timer | None = None

    def _resolve_timeout(self, timeout: float | None, environ: Mapping[str, str]) -> float | None:
        if timeout is not None:
            return parse_timeout(str(timeout))
        configured = environ.get(TIMEOUT_ENV)
        if configured is None or not configured.strip():
            return DEFAULT_TIMEOUT
        try:
            return parse_timeout(configured)
        except ValueError:
            self.warning = (
                f"{TIMEOUT_ENV}={configured!r} is not a number of seconds; "
                f"using {human_duration(DEFAULT_TIMEOUT)}."
            )
            return DEFAULT_TIMEOUT

    # -- copying -------------------------------------------------------------------------

    def copy(self, text: str) -> CopyResult:
        """Copy ``text``; raises ClipboardError when neither method is available."""
        with self._lock:
            method, reason, failed = self._copy(text)
            self._generation += 1
            deadline = None if self.timeout is None else self.clock() + self.timeout
            self._pending = _Pending(method, self._digest(text), deadline, self._generation)
            self._arm_timer(self._generation)
            return CopyResult(method, self.timeout, deadline, reason, failed)

    def _copy(self, text: str) -> tuple[Method, str, bool]:
        """How the text was copied, why not to the system clipboard, and whether that was
        because the system clipboard failed (rather than there being none)."""
        reason = ""
        failed = False
        if self.mode != "osc52":
            try:
                self.system.copy(text)
                self._check_kept(text)
                return "system", "", False
            except (
                _pyperclip().PyperclipException,
                _programs().ClipboardProgramError,
                _NotKept,
                OSError,
            ) as error:
                reason = _describe(error)
                failed = not isinstance(error, _pyperclip().PyperclipException)
                if self.mode == "system":
                    raise ClipboardError(f"Could not copy: {reason}.") from None
        if self.osc52_writer is None:
            raise ClipboardError(f"Could not copy: {reason or 'no terminal to copy through'}.")
        try:
            self.osc52_writer(osc52_sequence(text))
        except Exception as error:
            raise ClipboardError(
                f"Could not copy through the terminal ({type(error).__name__})."
            ) from None
        return "osc52", reason, failed

    def _check_kept(self, text: str) -> None:
        """Read the clipboard back: a program may exit 0 and still have copied nothing."""
        expected = self._digest(text)
        for _ in range(_READ_BACK_TRIES):
            if _same(self._digest(self.system.paste()), expected):
                return
            time.sleep(_READ_BACK_PAUSE)  # the program's background half may be starting
        raise _NotKept()

    # -- clearing ------------------------------------------------------------------------

    @property
    def deadline(self) -> float | None:
        """When what we copied last is due to be cleared (on ``clock``); None: nothing due."""
        pending = self._pending
        return pending.deadline if pending is not None else None

    @property
    def pending(self) -> bool:
        """Whether something we copied may still be on the clipboard."""
        return self._pending is not None

    def seconds_left(self) -> float | None:
        deadline = self.deadline
        return None if deadline is None else max(0.0, deadline - self.clock())

    def clear_if_due(self) -> ClearOutcome:
        """For timers: clear if the deadline has come and the clipboard still holds ours."""
        with self._lock:
            pending = self._pending
            if pending is None:
                return ClearOutcome.NOTHING
            if pending.deadline is None or self.clock() + _TOLERANCE < pending.deadline:
                return ClearOutcome.NOT_DUE
            return self._clear(pending)

    def clear_now_if_ours(self) -> ClearOutcome:
        """Clear at once if the clipboard still holds ours (OSC 52: unconditionally).

        For exit, and for a "clear clipboard" action. Cancels the built-in timer.
        """
        with self._lock:
            pending = self._pending
            if pending is None:
                self._cancel_timer()
                return ClearOutcome.NOTHING
            return self._clear(pending)

    def close(self) -> None:
        """Cancel the built-in timer without clearing (see ``clear_now_if_ours``)."""
        with self._lock:
            self._cancel_timer()

    def _clear(self, pending: _Pending) -> ClearOutcome:
        self._pending = None
        self._cancel_timer()
        try:
            if pending.method == "osc52":
                if self.osc52_writer is None:
                    return ClearOutcome.FAILED
                self.osc52_writer(osc52_clear_sequence())
                return ClearOutcome.CLEARED
            current = self.system.paste()
            if not _same(self._digest(current), pending.digest):
                return ClearOutcome.CHANGED
            self.system.copy("")
            return ClearOutcome.CLEARED
        except Exception as error:  # the text is never part of what is logged
            _log.warning("Clearing the clipboard failed: %s", type(error).__name__)
            return ClearOutcome.FAILED

    def _digest(self, text: str) -> bytes:
        # Clipboard programs may add or drop a final newline or turn \n into \r\n.
        normalized = text.replace("\r\n", "\n").rstrip("\n")
        import hashlib  # hmac and hashlib: not on the way to the first paint
        import hmac

        return hmac.new(self._key, normalized.encode("utf-8"), hashlib.sha256).digest()

    # -- the built-in timer --------------------------------------------------------------

    def _arm_timer(self, generation: int) -> None:
        self._cancel_timer()
        if not self.auto_timer or self.timeout is None:
            return
        delay = min(self.timeout, threading.TIMEOUT_MAX)
        timer = threading.Timer(delay, self._on_timer, args=(generation,))
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _cancel_timer(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

    def _on_timer(self, generation: int) -> None:
        with self._lock:
            pending = self._pending
            if pending is not None and pending.generation == generation:
                self._timer = None
                self._clear(pending)


def _describe(error: BaseException) -> str:
    if isinstance(error, _programs().ClipboardProgramError):
        return str(error)
    if isinstance(error, _NotKept):
        return "the system clipboard did not keep the value"
    if isinstance(error, _pyperclip().PyperclipException):
        if "klipper" in str(error):
            return "the system clipboard (klipper) would expose the text to other users"
        return "no system clipboard (on Linux install xclip, xsel or wl-clipboard)"
    return f"the clipboard program failed ({type(error).__name__})"


def _same(digest: bytes, other: bytes) -> bool:
    """Compare two digests in constant time."""
    import hmac

    return hmac.compare_digest(digest, other)
