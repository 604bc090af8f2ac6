"""The confirmation modal: y, n, esc, enter on the focused button, clicks; literal text."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App

from fnox_tui.ui.screens.confirm import CANCEL, Choice, ConfirmScreen
from tests.form_helpers import screen_statics, until


class Host(App[None]):
    def __init__(self, screen: ConfirmScreen) -> None:
        super().__init__()
        self.confirm = screen
        self.answers: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.confirm, self.answers.append)


def three() -> ConfirmScreen:
    return ConfirmScreen(
        "Save [bold]now[/]?",
        ["first line with [red]markup[/]", "\x1b[2Jsecond"],
        [Choice("save", "Save", "primary"), Choice("discard", "Discard", "error"), CANCEL],
    )


@pytest.mark.parametrize(
    ("keys", "answer"),
    [
        (["y"], "save"),
        (["n"], None),
        (["escape"], None),
        (["enter"], "save"),  # the first choice has the focus
        (["right", "enter"], "discard"),
        (["tab", "tab", "enter"], None),  # Cancel
        (["right", "left", "enter"], "save"),
    ],
)
async def test_keys(keys: list[str], answer: str | None) -> None:
    app = Host(three())
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*keys)
        await until(pilot, lambda: bool(app.answers))
        assert app.answers == [answer]


@pytest.mark.parametrize(
    ("button", "answer"), [("#choice-discard", "discard"), ("#choice-cancel", None)]
)
async def test_mouse(button: str, answer: str | None) -> None:
    app = Host(three())
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click(button)
        await until(pilot, lambda: bool(app.answers))
        assert app.answers == [answer]


async def test_title_and_body_are_literal() -> None:
    app = Host(three())
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        text = screen_statics(app.screen)
        assert "Save [bold]now[/]?" in text
        assert "first line with [red]markup[/]" in text
        assert "␛[2Jsecond" in text and "\x1b" not in text


def test_a_confirmation_needs_a_choice() -> None:
    with pytest.raises(ValueError):
        ConfirmScreen("?", [], [])


async def test_default_choices_are_yes_and_cancel() -> None:
    app: Any = Host(ConfirmScreen("Sure?"))
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: bool(app.answers))
        assert app.answers == ["yes"]
