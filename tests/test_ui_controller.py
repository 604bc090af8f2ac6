"""The controller: messages to the screens, values kept over a reload, staging, the rules."""

from __future__ import annotations

import threading
import tomllib
from pathlib import Path

from textual.message import Message
from textual.widgets import Static

from fnox_tui.core.changes import DeleteSecret, UpdateSecret
from fnox_tui.core.entries import secret_entry
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.messages import (
    ChecksChanged,
    StageChanges,
    StagedChangesChanged,
    StatusChanged,
    ValuesChanged,
    WorkspaceLoaded,
)
from tests import waiting
from tests.test_ui_main import SIZE, details_text
from tests.test_ui_values import notifications, row
from tests.ui_fixtures import MakeApp, revealed, secret_key
from tests.waiting import settle

REPO = Path(__file__).resolve().parent.parent


class Recorder(Static):
    """A widget that keeps every notification the controller posts to it."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Message] = []

    def on_values_changed(self, message: ValuesChanged) -> None:
        self.seen.append(message)

    def on_workspace_loaded(self, message: WorkspaceLoaded) -> None:
        self.seen.append(message)

    def on_status_changed(self, message: StatusChanged) -> None:
        self.seen.append(message)

    def on_checks_changed(self, message: ChecksChanged) -> None:
        self.seen.append(message)

    def on_staged_changes_changed(self, message: StagedChangesChanged) -> None:
        self.seen.append(message)

    def of(self, kind: type[Message]) -> list[Message]:
        return [message for message in self.seen if isinstance(message, kind)]


async def reload(app: FnoxTuiApp, pilot) -> None:  # type: ignore[no-untyped-def]
    loads = app.controller.loads
    await pilot.press("r")
    await waiting.until(pilot, lambda: app.controller.loads != loads, "the reload")
    await settle(pilot)


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


async def test_reload_keeps_values_whose_entries_did_not_change(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "v")  # DATABASE_URL
        app.main.tree.jump_to_secret("default", "API_TOKEN")
        await pilot.pause()
        await pilot.press("v")
        await settle(pilot)
        assert revealed(app, "default", "DATABASE_URL") == "postgres://db/app"
        assert revealed(app, "default", "API_TOKEN") == "tok-123"
        # Another entry's stored value changes on disk (as a save would write it).
        rewrite(project / "fnox.toml", 'value = "tok-123"', 'value = "tok-456"')
        await reload(app, pilot)
        assert revealed(app, "default", "DATABASE_URL") == "postgres://db/app"
        assert "postgres://db/app" in row(app, ("default", "DATABASE_URL"))
        assert revealed(app, "default", "API_TOKEN") is None
        assert "tok-" not in row(app, ("default", "API_TOKEN"))
        assert "Reloaded 1 file; 1 changed value hidden" in notifications(app)
        assert "1 revealed" in app.main.status_bar.counters


async def test_reload_hides_a_value_resolved_from_another_definition_now(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "v")
        await settle(pilot)
        before = secret_key(app, "default", "DATABASE_URL")
        assert app.plaintext.get(before) == "postgres://db/app"
        (project / "fnox.local.toml").write_text(
            '[secrets]\nDATABASE_URL = { provider = "plain", value = "postgres://local/app" }\n'
        )
        await reload(app, pilot)
        after = secret_key(app, "default", "DATABASE_URL")
        assert after != before and after.entry.path == project / "fnox.local.toml"
        assert len(app.plaintext) == 0
        assert "postgres://" not in row(app, ("default", "DATABASE_URL"))
        # The details name the definition it replaced.
        app.main.tree.jump_to_secret("default", "DATABASE_URL")
        await pilot.pause()
        text = details_text(app)
        assert "Also defined" in text and "fnox.toml:7" in text and "shadowed" in text


async def test_reload_keeps_a_check_of_an_unchanged_provider(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "t")
        await settle(pilot)
        provider = app.workspace.profiles["default"].providers["plain"]  # type: ignore[union-attr]
        assert app.values.checks[provider.id].ok
        await reload(app, pilot)
        assert app.values.checks[provider.id].ok


async def test_the_main_screen_and_subscribers_get_typed_messages(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        recorder = Recorder()
        await app.main.mount(recorder)
        app.controller.subscribe(recorder)
        await pilot.press("j", "v")
        await settle(pilot)
        key = secret_key(app, "default", "DATABASE_URL")
        changed = recorder.of(ValuesChanged)
        assert changed and all(m.keys == frozenset({key}) for m in changed)  # type: ignore[attr-defined]
        status = recorder.of(StatusChanged)
        assert status and "1 revealed" in status[-1].counters  # type: ignore[attr-defined]

        await pilot.press("t")
        await settle(pilot)
        plain = app.workspace.profiles["default"].providers["plain"]  # type: ignore[union-attr]
        checks = recorder.of(ChecksChanged)
        assert [m.providers for m in checks] == [frozenset({plain.id})]  # type: ignore[attr-defined]

        await reload(app, pilot)
        loaded = recorder.of(WorkspaceLoaded)
        assert len(loaded) == 1 and loaded[0].workspace is app.workspace  # type: ignore[attr-defined]
        assert not loaded[0].first  # type: ignore[attr-defined]

        app.controller.unsubscribe(recorder)
        count = len(recorder.seen)
        await pilot.press("v")
        await settle(pilot)
        assert len(recorder.seen) == count


async def test_the_main_screen_repaints_on_values_changed(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j")
        details_text(app)  # shown now, not when the pane's timer fires
        key = secret_key(app, "default", "DATABASE_URL")
        app.controller.plaintext.put(key, "painted-from-the-store")
        await pilot.pause()
        # Rows and details are painted from the controller's state, but only repainted
        # when the message says it changed.
        assert "painted-from-the-store" not in app.export_screenshot()
        app.main.post_message(ValuesChanged(frozenset({key})))
        await pilot.pause()
        screen = app.export_screenshot()
        assert screen.count("painted-from-the-store") == 2  # the row and the details
        app.main.post_message(StatusChanged("Working: 1/2", "7 revealed"))
        await pilot.pause()
        assert app.main.status_bar.progress == "Working: 1/2"
        assert app.main.status_bar.counters == "7 revealed"


async def test_staged_changes_are_counted_and_undone(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        recorder = Recorder()
        await app.main.mount(recorder)
        app.controller.subscribe(recorder)
        entry = secret_entry(project / "fnox.toml", None, "LOG_LEVEL")
        change = UpdateSecret(entry, {"description": "louder"})
        # A form posts its request; it bubbles to the app, which hands it to the controller.
        app.main.post_message(StageChanges([change], "edit LOG_LEVEL"))
        await pilot.pause()
        await pilot.pause()
        assert len(app.controller.staging) == 1
        assert "1 staged change · ctrl+s to review" in app.main.status_bar.counters
        assert [m.count for m in recorder.of(StagedChangesChanged)] == [1]  # type: ignore[attr-defined]
        loaded_text = app.workspace.loaded[project / "fnox.toml"].text  # type: ignore[union-attr]
        await pilot.press("u")
        await pilot.pause()
        assert len(app.controller.staging) == 0
        assert "staged" not in app.main.status_bar.counters
        assert "Undone: edit LOG_LEVEL" in notifications(app)
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing staged to undo" in notifications(app)
        # A change that contradicts what is staged is refused, with the reason.
        assert app.controller.stage([DeleteSecret(entry)])
        assert not app.controller.stage([UpdateSecret(entry, {"value": "x"})])
        await pilot.pause()
        assert "Not staged:" in notifications(app) and len(app.controller.staging) == 1
        # Staging never touches what was loaded.
        assert app.workspace.loaded[project / "fnox.toml"].text == loaded_text  # type: ignore[union-attr]


def test_every_screen_but_main_is_bound_by_the_no_reaching_contract() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    contract = next(
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["name"] == "Screens other than main do not reach the main screen"
    )
    screens = {
        f"fnox_tui.ui.screens.{path.stem}"
        for path in (REPO / "fnox_tui" / "ui" / "screens").glob("*.py")
        if path.stem not in ("__init__", "main")
    }
    assert screens <= set(contract["source_modules"])
    assert "fnox_tui.ui.screens.main" in contract["forbidden_modules"]


async def test_jobs_run_on_a_worker_and_answer_on_the_ui_thread(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        answers: list[tuple[str, object, str]] = []

        def work() -> str:
            return threading.current_thread().name

        def fail() -> str:
            raise ValueError("no secret in here")

        ui_thread = threading.current_thread().name
        worker = app.controller.run_job(
            work, lambda result: answers.append(("done", result, threading.current_thread().name))
        )
        assert worker.node is app  # workers belong to the app, not to a screen
        app.controller.run_job(
            fail,
            lambda result: answers.append(("done", result, "")),
            lambda error: answers.append(("failed", error, threading.current_thread().name)),
        )
        app.controller.run_job(fail, lambda result: None)  # no handler: only the type is said
        await waiting.until(
            pilot,
            lambda: len(answers) >= 2 and "Internal error" in notifications(app),
            "both answers and the notice",
        )
        done = next(a for a in answers if a[0] == "done")
        assert done[1] != ui_thread and done[2] == ui_thread
        failed = next(a for a in answers if a[0] == "failed")
        assert isinstance(failed[1], ValueError) and failed[2] == ui_thread
        assert len(answers) == 2
        assert "Internal error: ValueError" in notifications(app)
        assert "no secret in here" not in notifications(app)
