"""Pilot tests of the walkthrough for an age provider: recipients added, removed, generated."""

from __future__ import annotations

import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyrage
import pytest
from pyrage import x25519
from textual.widgets import SelectionList

from fnox_tui.core.rotation.journal import JOURNAL_NAME
from fnox_tui.ui.app import AppSettings
from fnox_tui.ui.screens.rotation.steps import Step
from tests.age_people import VALUES, People, decrypt, write_alice_workspace
from tests.fake_clock import FakeClock, idle_on
from tests.rotation_ui_helpers import (
    SIZE,
    commit,
    enter_text,
    make_app,
    open_walkthrough,
    run_to_verify,
    shown,
    until,
    until_shown,
)


@pytest.fixture
def people() -> People:
    return People()


@pytest.fixture
def root(tmp_path: Path, people: People) -> Path:
    return write_alice_workspace(tmp_path / "project", people)


def written(root: Path) -> tuple[list[str], dict[str, str]]:
    data = tomllib.loads((root / "fnox.toml").read_text())
    values = {name: data["secrets"][name]["value"] for name in VALUES}
    return data["providers"]["age"]["recipients"], values


async def test_add_a_pasted_recipient(root: Path, people: People) -> None:
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_walkthrough(pilot, "age")
        text = shown(app)
        assert "Current recipients" in text and People.public(people.alice) in text
        assert "2 values are encrypted to these recipients" in text
        await pilot.press("n")
        assert screen.step is Step.NEW
        await enter_text(pilot, screen, "#recipient-input", People.public(people.bob))
        await until(pilot, lambda: screen.session.target is not None, "recipients accepted")  # type: ignore[union-attr]
        await until_shown(pilot, "your identity is among them")
        await run_to_verify(pilot, screen)
        await until_shown(pilot, "2 of 2 decrypt under your identity")
        await commit(pilot, screen)
    recipients, values = written(root)
    assert recipients == [People.public(people.alice), People.public(people.bob)]
    for name, value in values.items():
        assert decrypt(value, people.alice) == VALUES[name] == decrypt(value, people.bob)
    assert not (root / JOURNAL_NAME).exists()


async def test_generate_an_identity_and_remove_the_old_recipient(
    root: Path, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(root)
    copied: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(
            app.clip,
            "copy",
            lambda text: copied.append(text) or SimpleNamespace(message="copied", timeout=None),
        )
        screen = await open_walkthrough(pilot, "age")
        await pilot.press("n", "g")
        session = screen.session
        assert session is not None and session.generated is not None
        identity = session.generated
        # Shown once, masked until revealed, never written anywhere.
        await until_shown(pilot, identity.public_key)
        assert identity.secret_key not in shown(app)
        await until_shown(pilot, "Where fnox looks for an identity")
        await pilot.press("s")
        await until_shown(pilot, identity.secret_key)
        app.hide_all()  # what the idle timeout and a screenshot do
        await pilot.pause()
        assert identity.secret_key not in shown(app)
        await pilot.press("y")
        assert copied == [identity.secret_key]
        # Remove alice: the first recipient in the list.
        listing = screen.query_one("#recipients", SelectionList)
        listing.focus()
        listing.highlighted = 0
        await pilot.press("space")
        await until(pilot, lambda: session.recipients == [identity.public_key], "alice removed")
        await until_shown(pilot, "cannot be verified here")
        await run_to_verify(pilot, screen)
        await until_shown(pilot, "not verified")
        await commit(pilot, screen)
        # Done: one more chance to store the identity, masked; y copies it.
        await until_shown(pilot, "A new identity, generated now")
        assert identity.secret_key not in shown(app)
        await pilot.press("y")
        assert copied == [identity.secret_key] * 2
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main, "closed")
    assert session.generated is None  # forgotten with the screen
    recipients, values = written(root)
    assert recipients == [identity.public_key]
    new = x25519.Identity.from_str(identity.secret_key)
    for name, value in values.items():
        assert decrypt(value, new) == VALUES[name]
        with pytest.raises(pyrage.DecryptError):
            decrypt(value, people.alice)
    assert identity.secret_key not in "".join(p.read_text() for p in root.rglob("*") if p.is_file())


async def test_the_list_says_which_recipient_is_yours_and_which_was_generated(
    root: Path, people: People
) -> None:
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_walkthrough(pilot, "age")
        await until_shown(pilot, "2 values are encrypted to these recipients")
        await pilot.press("n", "g")
        session = screen.session
        assert session is not None and session.generated is not None
        listing = screen.query_one("#recipients", SelectionList)
        labels = [str(listing.get_option_at_index(i).prompt) for i in range(2)]
        assert labels == [
            f"you  {People.public(people.alice)}",
            f"new  {session.generated.public_key}",
        ]
        # On 24 lines what the choice means stays in sight, above the identity's text.
        checks = screen.query_one("#recipient-checks")
        assert checks.region.y < screen.query_one("#identity").region.y
        assert checks.region.bottom <= 24
        await pilot.press("escape")


async def test_a_secret_key_pasted_as_a_recipient_is_refused_and_not_echoed(
    root: Path, people: People
) -> None:
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_walkthrough(pilot, "age")
        await pilot.press("n")
        await enter_text(pilot, screen, "#recipient-input", str(people.bob))
        await pilot.pause()
        assert str(people.bob) not in shown(app)
        await until_shown(pilot, "That is a secret key")
        assert screen.session.recipients == [People.public(people.alice)]  # type: ignore[union-attr]


async def test_a_dry_run_writes_nothing(root: Path, people: People) -> None:
    before = {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()}
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_walkthrough(pilot, "age")
        await pilot.press("n")
        await enter_text(pilot, screen, "#recipient-input", People.public(people.bob))
        await until(pilot, lambda: screen.session.target is not None, "recipients")  # type: ignore[union-attr]
        await pilot.press("n")
        screen.query_one("#dry-run").value = True  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("n")
        await until(pilot, lambda: screen.session.complete, "re-encrypted")  # type: ignore[union-attr]
        assert not (root / JOURNAL_NAME).exists()  # not even a journal
        await pilot.press("n", "n")
        assert screen.step is Step.DONE
        await until_shown(pilot, "Dry run finished: nothing was written")
    assert {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()} == before


async def test_a_shown_identity_is_masked_after_the_idle_time(root: Path) -> None:
    app = make_app(root, settings=AppSettings(idle_seconds=60))
    clock = idle_on(app, FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_walkthrough(pilot, "age")
        await pilot.press("n", "g", "s")
        secret = screen.session.generated.secret_key  # type: ignore[union-attr]
        await until_shown(pilot, secret)
        clock.advance(61)  # a minute without a key press
        await until(pilot, lambda: not screen.identity_shown, "masked when idle")
        await pilot.pause()
        assert secret not in shown(app)


async def test_step_one_says_when_each_value_last_changed_one_git_call_per_file(
    root: Path,
) -> None:
    import subprocess
    from datetime import UTC, datetime

    from fnox_tui.ui.screens.rotation.session import Options

    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
        "HOME": str(root.parent),
        "PATH": "/usr/bin:/bin",
    }
    for args in (["init", "-q"], ["add", "fnox.toml"], ["commit", "-q", "-m", "values"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True)
    with (root / "fnox.toml").open("a") as out:  # an uncommitted change, on a line of its own
        out.write("# later\n")
    calls: list[list[str]] = []

    def runner(command: list[str], **options: Any) -> Any:
        calls.append(command)
        return subprocess.run(command, **options)

    options = Options(git_runner=runner, now=lambda: datetime(2025, 7, 1, tzinfo=UTC))
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_walkthrough(pilot, "age", options=options)
        text = shown(app)
    assert text.count("1 year ago") == len(VALUES)
    assert len(calls) == 1 and "blame" in calls[0]  # one file, one call
