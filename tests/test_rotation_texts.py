"""Sentences of the walkthrough that depend on counts and on what git knows."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from fnox_tui.core.rotation.gitage import LineAge
from fnox_tui.ui.screens.rotation.texts import affected_line

FILE = Path("/p/fnox.toml")


def loaded(rows: int, *, kms: bool = True, git: bool = False) -> Any:
    plan = SimpleNamespace(
        is_kms=kms,
        rows=[SimpleNamespace(file=FILE, profiles=("default",)) for _ in range(rows)],
    )
    ages = {FILE: {1: LineAge(1, "", None)}} if git else {}
    return SimpleNamespace(plan=plan, ages=ages)


@pytest.mark.parametrize(
    ("rows", "kms", "start"),
    [
        (1, True, "1 value uses this key, in 1 file"),
        (2, True, "2 values use this key, in 1 file"),
        (1, False, "1 value is encrypted to these recipients"),
        (3, False, "3 values are encrypted to these recipients"),
        (0, True, "No stored value uses this key; the rotation only changes the provider."),
    ],
)
def test_counts_agree_with_their_verbs(rows: int, kms: bool, start: str) -> None:
    assert affected_line(None, loaded(rows, kms=kms)).plain.startswith(start)  # type: ignore[arg-type]


def test_without_git_history_it_says_so() -> None:
    without = affected_line(None, loaded(2)).plain  # type: ignore[arg-type]
    assert without.endswith(
        "When each last changed is unknown (git has no history of these lines)."
    )
    with_git = affected_line(None, loaded(2, git=True)).plain  # type: ignore[arg-type]
    assert with_git.endswith("When each last changed, from git:")


class FakeRun:
    """The engine's counts, as a run in progress reports them."""

    def __init__(self, total: int) -> None:
        self.done, self.failed, self.total = 0, 0, total

    def counts(self) -> tuple[int, int, int]:
        return self.done, self.failed, self.total

    @property
    def complete(self) -> bool:
        return self.done == self.total


def test_elapsed_and_time_left_follow_the_injected_clock() -> None:
    from fnox_tui.ui.screens.rotation.session import Options, RotationSession
    from fnox_tui.ui.screens.rotation.texts import run_status

    now = [100.0]
    session = RotationSession(
        SimpleNamespace(cwd=Path("/p")),  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        "aws-kms",
        lambda: None,  # type: ignore[arg-type,return-value]
        None,
        options=Options(clock=lambda: now[0]),
    )
    run = FakeRun(total=100)
    session.rotation = run  # type: ignore[assignment]
    session.running, session.started_at, session.done_at_start = True, 100.0, 0
    assert session.timing() == (0.0, None)
    assert "ETA …" in run_status(session).plain  # nothing finished yet: no estimate
    now[0] = 110.0
    run.done, run.failed = 20, 5  # 20 done in 10 s: 75 left take about 37.5 s
    elapsed, left = session.timing()
    assert (elapsed, left) == (10.0, 37.5)
    status = run_status(session).plain
    assert status.startswith("Re-encrypting: 20/100 done (20%) · 5 failed · 10 seconds elapsed")
    assert "about 38 seconds left" in status and status.endswith("c cancels")
