"""What the UI knows about each secret's value: hidden, resolving, revealed or failed."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TypeGuard

from rich.console import Group, RenderableType
from rich.text import Text

from fnox_tui.core.entries import SecretKey
from fnox_tui.core.identity import EntryId
from fnox_tui.core.model import EffectiveSecret
from fnox_tui.core.plaintext import PlaintextStore
from fnox_tui.core.providers.base import CheckResult, ProviderError, SecretMissingError
from fnox_tui.core.record import Record
from fnox_tui.core.wording import plural
from fnox_tui.ui.text import literal, one_line
from fnox_tui.ui.widgets.details import error_renderable
from fnox_tui.ui.widgets.labels import ROW_VALUE_WIDTH

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

__all__ = ["SPINNER", "SecretKey", "ValueStates"]

# A secret with no value that fnox leaves out rather than fail on (if_missing "warn"/"ignore").
_NOT_SET_STYLE = {"warn": "yellow", "ignore": "dim"}
_NOT_SET_SAYS = {
    "warn": "fnox leaves it out of the environment with a warning",
    "ignore": "fnox leaves it out of the environment silently",
}


def is_not_set(failure: ProviderError) -> TypeGuard[SecretMissingError]:
    """A missing value that fnox does not treat as an error (if_missing is not "error")."""
    return isinstance(failure, SecretMissingError) and failure.if_missing in _NOT_SET_STYLE


def not_set_renderable(failure: SecretMissingError) -> RenderableType:
    """What the details say of a value fnox leaves unset: not an error, so not in red."""
    policy = failure.if_missing
    return Group(
        Text("○ not set", style=f"bold {_NOT_SET_STYLE[policy]}"),
        literal(f'{failure.message} {_NOT_SET_SAYS[policy]} (if_missing = "{policy}").'),
        literal(failure.hint, style="dim"),
    )


class ValueStates(Record):
    """Plaintext (in memory only), requests in flight, failures and provider checks.

    Secrets are keyed by :class:`SecretKey` (profile, EntryId of the winning definition),
    provider checks by the provider's EntryId.
    """

    __slots__ = (
        "_tokens",
        "check_epoch",
        "checks",
        "failures",
        "pending",
        "plaintext",
        "spinner_frame",
    )
    _fields = (
        "plaintext",
        "pending",
        "failures",
        "checks",
        "check_epoch",
        "spinner_frame",
        "_tokens",
    )

    def __init__(
        self,
        plaintext: PlaintextStore,
        pending: dict[SecretKey, int] | None = None,
        failures: dict[SecretKey, ProviderError] | None = None,
        checks: dict[EntryId, CheckResult] | None = None,
        check_epoch: int = 0,  # a check started before the last forget_checks is dropped
        spinner_frame: int = 0,
        _tokens: itertools.count[int] | None = None,
    ) -> None:
        self.plaintext = plaintext
        self.pending: dict[SecretKey, int] = {} if pending is None else pending
        self.failures: dict[SecretKey, ProviderError] = {} if failures is None else failures
        self.checks: dict[EntryId, CheckResult] = {} if checks is None else checks
        self.check_epoch = check_epoch
        self.spinner_frame = spinner_frame
        self._tokens: itertools.count[int] = itertools.count() if _tokens is None else _tokens

    def start(self, key: SecretKey) -> int:
        """Mark ``key`` as resolving; the token identifies this request."""
        token = next(self._tokens)
        self.pending[key] = token
        self.failures.pop(key, None)
        return token

    def start_many(self, keys: list[SecretKey]) -> int:
        """Mark all ``keys`` as resolving under one token (``V`` on a large profile)."""
        token = next(self._tokens)
        if self.pending:
            self.pending.update(dict.fromkeys(keys, token))
        else:
            self.pending = dict.fromkeys(keys, token)  # one dict built, not two
        if self.failures:
            for key in keys:
                self.failures.pop(key, None)
        return token

    def is_current(self, key: SecretKey, token: int) -> bool:
        return self.pending.get(key) == token

    def finish(self, key: SecretKey, token: int) -> bool:
        """End a request; False when it is no longer current (its result must be dropped)."""
        if not self.is_current(key, token):
            return False
        del self.pending[key]
        return True

    def finish_many(
        self, results: list[tuple[SecretKey, int, str | None, ProviderError | None]]
    ) -> set[SecretKey]:
        """Record many finished requests (key, token, value, error) to be shown; the keys
        that were still current (the others are stale and dropped)."""
        pending, failures = self.pending, self.failures
        done: set[SecretKey] = set()
        values: list[tuple[SecretKey, str]] = []
        for key, token, value, error in results:
            if pending.get(key) != token:
                continue
            del pending[key]
            if error is not None:
                failures[key] = error
            elif value is not None:
                values.append((key, value))
            done.add(key)
        self.plaintext.put_many(values)
        return done

    def hide(self, key: SecretKey) -> None:
        self.pending.pop(key, None)
        self.failures.pop(key, None)
        self.plaintext.forget(key)

    def hide_many(self, keys: list[SecretKey]) -> None:
        pending, failures = self.pending, self.failures
        for key in keys:
            pending.pop(key, None)
            failures.pop(key, None)
        self.plaintext.forget_many(keys)

    def shown_keys(self) -> set[SecretKey]:
        """Every key revealed, resolving or failed (one snapshot, for checks over many)."""
        shown: set[SecretKey] = set(self.pending)
        shown.update(self.failures)
        shown.update(self.plaintext.keys())  # type: ignore[arg-type]
        return shown

    def clear(self) -> None:
        """Forget every value, request and failure (reload, idle, screenshot)."""
        self.pending.clear()
        self.failures.clear()
        self.plaintext.clear()

    def forget_checks(self, *, derived_only: bool = False) -> int:
        """Forget check results (only those derived from referenced secrets, if asked) and
        drop the answers of checks still running; returns how many results went."""
        self.check_epoch += 1
        gone = [
            key for key, result in self.checks.items() if result.derived_from or not derived_only
        ]
        for key in gone:
            del self.checks[key]
        return len(gone)

    @property
    def derived_checks(self) -> int:
        """How many check results hold something derived from a referenced secret."""
        return sum(1 for result in self.checks.values() if result.derived_from)

    def is_shown(self, key: SecretKey) -> bool:
        return key in self.plaintext or key in self.pending or key in self.failures

    def carry_over(
        self, keep_value: Callable[[SecretKey], bool], keep_check: Callable[[EntryId], bool]
    ) -> tuple[int, int]:
        """After a reload: keep the values and checks that still hold, forget the rest.

        Requests in flight and failures are dropped (their answers were for the old files).
        Returns how many values were kept and how many forgotten.
        """
        self.pending.clear()
        self.failures.clear()
        kept = forgotten = 0
        revealed = self.plaintext.keys()  # a copy: forgetting while iterating is safe
        for key in revealed:
            if isinstance(key, SecretKey) and keep_value(key):
                kept += 1
            else:
                self.plaintext.forget(key)
                forgotten += 1
        for entry in [entry for entry in self.checks if not keep_check(entry)]:
            del self.checks[entry]
        return kept, forgotten

    # Rendering ------------------------------------------------------------------------

    def row_text(self, secret: EffectiveSecret) -> Text | None:
        key = secret.key
        if key in self.pending:
            return Text(f"{SPINNER[self.spinner_frame % len(SPINNER)]} resolving", style="yellow")
        failure = self.failures.get(key)
        if failure is not None:
            if is_not_set(failure):
                return Text("○ not set", style=_NOT_SET_STYLE[failure.if_missing])
            return Text(f"✗ {one_line(failure.message, ROW_VALUE_WIDTH)}", style="red")
        value = self.plaintext.get(key)
        if value is not None:
            return Text(one_line(value, ROW_VALUE_WIDTH), style="green")
        return None

    def details_value(self, secret: EffectiveSecret) -> RenderableType | None:
        key = secret.key
        if key in self.pending:
            return Text("resolving…", style="yellow")
        failure = self.failures.get(key)
        if failure is not None:
            if is_not_set(failure):
                return not_set_renderable(failure)
            return error_renderable(failure)
        value = self.plaintext.get(key)
        if value is not None:
            size = len(value.encode("utf-8"))
            return Group(
                literal(value, style="green"),
                Text(
                    f"{plural(len(value), 'character')}, {plural(size, 'byte')} · v hides",
                    style="dim",
                ),
            )
        return None
