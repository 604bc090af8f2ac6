"""The confirmation modal: y, n, esc, enter on the focused button, clicks; literal text."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.widgets import Button

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


# One modal for every question: keys named by the choices, esc answering what cancel means --


def quit_like() -> ConfirmScreen:
    return ConfirmScreen(
        "Quit?",
        ["lines"],
        [
            Choice("save", "Save", "primary", key="s"),
            Choice("discard", "Discard", "error", key="d"),
            Choice("stay", "Stay", key="n"),
        ],
        cancel="stay",
        dialog_id="quit-like",
    )


@pytest.mark.parametrize(
    ("keys", "answer"),
    [
        (["s"], "save"),
        (["d"], "discard"),
        (["n"], "stay"),
        (["escape"], "stay"),
        (["y"], None),  # no choice answers y here: nothing happens, then esc
        (["enter"], "save"),  # the focused (first) button
        (["right", "enter"], "discard"),
    ],
)
async def test_keys_named_by_the_choices(keys: list[str], answer: str | None) -> None:
    app = Host(quit_like())
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*keys)
        if answer is None:
            await pilot.pause()
            assert app.answers == [] and isinstance(app.screen, ConfirmScreen)
            await pilot.press("escape")
            answer = "stay"
        await until(pilot, lambda: bool(app.answers))
        assert app.answers == [answer]


@pytest.mark.parametrize(
    ("make", "labels", "hint"),
    [
        (three, ["Save (y)", "Discard", "Cancel (n)"], "y save · n or esc cancel"),
        (quit_like, ["Save (s)", "Discard (d)", "Stay (n)"], "s save · d discard · n or esc stay"),
    ],
)
async def test_buttons_and_hint_name_the_keys(make: Any, labels: list[str], hint: str) -> None:
    screen = make()
    app = Host(screen)
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        shown = [str(button.label) for button in app.screen.query(Button)]
        assert shown == labels
        assert screen.hint == f"{hint} · enter presses the focused button"
        assert screen.query_one(f"#{screen.dialog_id}").has_class("question")


async def test_the_cancel_button_answers_the_cancel_value() -> None:
    screen = ConfirmScreen("Go on?", [], [Choice("go", "Go"), CANCEL], cancel="cancel")
    app = Host(screen)
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#choice-cancel")
        await until(pilot, lambda: bool(app.answers))
        assert app.answers == ["cancel"]


def test_there_is_one_question_modal() -> None:
    """The quit and conflict questions are the same modal as the delete confirmation."""
    import importlib.util

    from fnox_tui.ui.screens.save_dialogs import conflict_dialog, quit_dialog

    assert importlib.util.find_spec("fnox_tui.ui.screens.choice") is None
    assert isinstance(quit_dialog(1), ConfirmScreen)
    assert isinstance(conflict_dialog([], []), ConfirmScreen)
