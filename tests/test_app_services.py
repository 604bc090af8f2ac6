"""A form's job on the app: its answer reaches the form even when the job ends at once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from textual.worker import WorkerState

from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.app_services import run_job
from tests.form_helpers import SIZE, until
from tests.ui_fixtures import MakeApp


class FinishedWorker:
    """A worker whose thread has ended by the time its first state event is handled."""

    is_finished = True
    group = "encrypt"
    result = "late"


class RecordingJob:
    def __init__(self) -> None:
        self.calls: list[tuple[object, WorkerState]] = []

    def finish(self, app: object, worker: FinishedWorker, state: WorkerState) -> None:
        self.calls.append((worker.result, state))


async def test_a_job_answers_its_callbacks(make_app: MakeApp) -> None:
    app: FnoxTuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        answers: list[object] = []
        run_job(app, lambda: "done", answers.append, answers.append)
        await until(pilot, lambda: bool(answers))
        assert answers == ["done"]

        def fail() -> str:
            raise ValueError("no")

        run_job(app, fail, answers.append, answers.append)
        await until(pilot, lambda: len(answers) == 2)
        assert isinstance(answers[1], ValueError)


async def test_a_job_that_ends_before_its_running_event_still_answers(make_app: MakeApp) -> None:
    app: FnoxTuiApp = make_app()
    async with app.run_test(size=SIZE):
        controller: Any = app.controller
        worker, job = FinishedWorker(), RecordingJob()
        controller._jobs[worker] = job
        controller.worker_state_changed(SimpleNamespace(worker=worker, state=WorkerState.RUNNING))
        assert job.calls == [] and worker in controller._jobs  # kept for its answer
        controller.worker_state_changed(SimpleNamespace(worker=worker, state=WorkerState.SUCCESS))
        assert job.calls == [("late", WorkerState.SUCCESS)] and worker not in controller._jobs
