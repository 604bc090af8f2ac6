"""Honest states: what fnox treats as fine is not shown as an error, every error can be copied,
and what the app says (counters, durations, panels, notices, labels) is what is the case."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from fnox_tui.core.clipboard import Clipboard
from fnox_tui.core.durations import human_duration
from fnox_tui.core.errors import ConfigNotFoundError
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.core.providers.base import CheckResult
from fnox_tui.core.wording import plural
from fnox_tui.ui.app import AppSettings, FnoxTuiApp
from fnox_tui.ui.screens.problems import ProblemsScreen
from fnox_tui.ui.widgets.details import provider_details, providers_details
from tests import waiting
from tests.fake_clock import FakeClock, idle_on
from tests.provider_defs import provider_def
from tests.test_ui_main import SIZE, details_text, statics_text
from tests.test_ui_values import MemoryClipboard, notifications
from tests.ui_fixtures import MakeApp, secret_key
from tests.waiting import settle

ROOT = Path(__file__).resolve().parent.parent


def plain(renderable: object) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def styled_row(app: FnoxTuiApp, key: tuple[str, str]) -> tuple[str, set[str]]:
    """A row's text and the styles of its parts."""
    text = app.main.tree.row_text(secret_key(app, *key))
    assert text is not None, key
    return text.plain, {str(span.style) for span in text.spans}


async def until(pilot, condition, what: str) -> None:  # type: ignore[no-untyped-def]
    await waiting.until(pilot, condition, what, 30)


def write(project: Path, text: str) -> None:
    (project / "fnox.toml").write_text(text)


# Missing values ---------------------------------------------------------------------------

MISSING = """\
{top}
[secrets]
UNSET_WARN = {{ description = "optional" }}
UNSET_IGNORE = {{ if_missing = "ignore" }}
UNSET_ERROR = {{ if_missing = "error" }}
"""


@pytest.mark.parametrize("top", ["", 'if_missing = "warn"'])
async def test_an_unset_env_var_that_fnox_leaves_out_is_not_an_error(
    make_app: MakeApp, project: Path, top: str
) -> None:
    write(project, MISSING.format(top=top))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("V")
        await settle(pilot)
        text, styles = styled_row(app, ("default", "UNSET_WARN"))
        assert "not set" in text and "✗" not in text
        assert "yellow" in styles and not any("red" in style for style in styles)
        text, styles = styled_row(app, ("default", "UNSET_IGNORE"))
        assert "not set" in text and "✗" not in text
        assert "dim" in styles and not any("red" in style for style in styles)
        text, styles = styled_row(app, ("default", "UNSET_ERROR"))
        assert "✗" in text and "red" in styles  # a real failure stays red
        await pilot.press("j")
        shown = details_text(app)
        assert "not set" in shown and 'if_missing = "warn"' in shown and "✗" not in shown


async def test_a_top_level_if_missing_error_makes_an_unset_env_var_an_error(
    make_app: MakeApp, project: Path
) -> None:
    write(project, MISSING.format(top='if_missing = "error"'))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("V")
        await settle(pilot)
        assert "✗" in styled_row(app, ("default", "UNSET_WARN"))[0]
        assert "not set" in styled_row(app, ("default", "UNSET_IGNORE"))[0]  # its own wins


async def test_the_shipped_example_shows_no_error_in_any_profile(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app(config=str(ROOT / "examples" / "fnox.toml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        workspace = app.workspace
        assert workspace is not None and not workspace.problems
        for profile in workspace.profiles:
            app.main.tree.jump_to_profile(profile)
            await pilot.pause()
            await pilot.press("V")
            await settle(pilot)
            for secret in workspace.profiles[profile].secrets:
                text, styles = styled_row(app, (profile, secret.name))
                assert "✗" not in text and not any("red" in style for style in styles), text
            assert not app.values.pending


# Copying errors ---------------------------------------------------------------------------


async def test_y_copies_the_text_of_any_error(make_app: MakeApp, project: Path) -> None:
    write(project, '[secrets]\nORPHAN = { provider = "nowhere", value = "v" }\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        system = MemoryClipboard()
        app.plain_clip = Clipboard(system=system, timeout=0)
        await pilot.press("j", "v")
        await settle(pilot)
        error = app.values.failures[secret_key(app, "default", "ORPHAN")]
        assert not error.detail  # not an IAM policy: y used to refuse it
        await pilot.press("y")
        assert system.text == f"{error.message}\n\n{error.hint}"
        assert "nowhere" in system.text


# Counters, durations, panels ---------------------------------------------------------------


async def test_the_kms_counter_shows_only_with_an_aws_kms_provider(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("V")
        await settle(pilot)
        assert "revealed" in app.main.status_bar.counters
        assert "KMS" not in app.main.status_bar.counters
    with (project / "fnox.toml").open("a") as file:
        file.write(
            '\n[providers.kms]\ntype = "aws-kms"\nkey_id = "alias/x"\nregion = "us-east-1"\n'
        )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await until(pilot, lambda: "KMS requests 0" in app.main.status_bar.counters, "counter")


def test_durations_are_said_as_people_say_them() -> None:
    assert human_duration(5) == "5 seconds"
    assert human_duration(1) == "1 second"
    assert human_duration(0.5) == "0.5 seconds"
    assert human_duration(120) == "2 minutes"
    assert human_duration(90) == "1 minute 30 seconds"
    assert human_duration(300) == "5 minutes"
    assert human_duration(3600) == "1 hour"
    assert human_duration(7260) == "2 hours 1 minute"


async def test_the_idle_notice_says_a_human_duration(make_app: MakeApp) -> None:
    app = make_app(settings=AppSettings(idle_seconds=5))
    clock = idle_on(app, FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "v")
        await settle(pilot)
        assert len(app.plaintext) == 1
        clock.now += 6
        await until(pilot, lambda: "without a key press" in notifications(app), "the notice")
        assert "hidden after 5 seconds without a key press" in notifications(app)


async def test_with_no_problems_the_panel_says_there_are_none(
    make_app: MakeApp, project: Path
) -> None:
    write(project, '[secrets]\nA = { default = "a" }\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        assert isinstance(app.screen, ProblemsScreen)
        text = statics_text(app.screen)
        assert "None: fnox accepts every file" in text
        assert "refuses" not in text


def test_c_with_a_directory_says_it_is_a_directory(
    project: Path, isolated_env: dict[str, str]
) -> None:
    source = WorkspaceSource(cwd=project.parent, config=str(project), environ=isolated_env)
    with pytest.raises(ConfigNotFoundError) as caught:
        source.load()
    message = str(caught.value)
    assert "is a directory" in message and "does not exist" not in message
    assert str(project / "fnox.toml") in message  # the file it probably meant


# Screenshots --------------------------------------------------------------------------------


async def test_the_screenshot_command_saves_in_the_working_directory_and_says_where(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.deliver_screenshot()  # what the palette's "Save screenshot" calls
        await until(pilot, lambda: "Saved screenshot" in notifications(app), "the notice")
        shots = list(here.glob("*.svg"))
        assert len(shots) == 1
        assert f"Saved screenshot to {shots[0]}" in notifications(app)
        assert "[$" not in notifications(app)  # plain text, not markup


async def test_a_screenshot_that_cannot_be_saved_says_where_and_why(
    make_app: MakeApp, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.deliver_screenshot("shot.svg", str(tmp_path / "missing"))
        await until(pilot, lambda: "screenshot" in notifications(app), "the notice")
        said = notifications(app)
        assert f"to {tmp_path / 'missing' / 'shot.svg'}: No such file or directory" in said


# Provider labels ----------------------------------------------------------------------------


def test_provider_details_label_every_field_and_say_the_region_once() -> None:
    kms = provider_def("kms", "aws-kms", key_id="alias/app", region="us-east-1", profile="ops")
    check = CheckResult(True, "✓ Enabled", facts=[("Region", "us-east-1"), ("State", "Enabled")])
    text = plain(provider_details(kms, Path("/"), check))
    labels = [line.split("  ")[0].strip() for line in text.splitlines() if line.strip()]
    assert "Key ID" in labels and "AWS profile" in labels
    assert labels.count("Region") == 1
    assert not {"key_id", "region", "profile"} & set(labels)
    age = provider_def("age", "age", recipients=["age1x"], key_file="~/.age/key.txt")
    labels = [
        line.split("  ")[0].strip() for line in plain(provider_details(age, Path("/"))).splitlines()
    ]
    assert "Key file" in labels and "Recipients" in labels and "key_file" not in labels


async def test_the_providers_summary_names_each_providers_scope(
    make_app: MakeApp, project: Path
) -> None:
    write(
        project,
        '[providers]\nage = { type = "age", recipients = ["age1a"] }\n'
        '[profiles.production.providers]\nage = { type = "age", recipients = ["age1b"] }\n',
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.workspace is not None
        text = plain(providers_details(app.workspace))
        rows = [line.split()[0:2] for line in text.splitlines()[2:] if line.strip()]
        assert ["age", "age"] in rows and ["age", "(production)"] in rows


# Counts -------------------------------------------------------------------------------------


def test_counts_are_said_in_the_singular_or_the_plural() -> None:
    assert plural(1, "profile") == "1 profile"
    assert plural(3, "profile") == "3 profiles"
    assert plural(0, "file") == "0 files"
    assert plural(2, "entry", "entries") == "2 entries"


async def test_the_status_line_counts_one_profile_and_one_file_in_the_singular(
    make_app: MakeApp, project: Path
) -> None:
    write(project, '[secrets]\nA = { default = "a" }\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        summary = app.main.status_bar.summary
        assert summary.startswith("1 profile · 1 file"), summary
        assert "(s)" not in summary
        await pilot.press("r")
        await until(pilot, lambda: "Reloaded" in notifications(app), "the reload notice")
        assert "Reloaded 1 file" in notifications(app) and "(s)" not in notifications(app)


async def test_a_one_character_value_is_one_character_and_one_byte(
    make_app: MakeApp, project: Path
) -> None:
    write(
        project,
        '[providers]\npl = { type = "plain" }\n'
        '[secrets]\nA = { default = "a" }\nP = { provider = "pl", value = "p" }\n'
        'E = { default = "é" }\n',
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "v")
        await settle(pilot)
        assert "1 character, 1 byte · v hides" in details_text(app)
        await pilot.press("j", "v")
        await settle(pilot)
        text = details_text(app)
        assert "1 character, 1 byte · v hides" in text
        assert "Stored value  1 character, stored as plain text" in text
        await pilot.press("j", "v")
        await settle(pilot)
        assert "1 character, 2 bytes · v hides" in details_text(app)
