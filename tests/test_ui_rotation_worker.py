"""The walkthrough re-encrypts in a worker process (against moto_server): the app's own GIL
stays free for the screen. Killing that process mid-run fails the rows it had not finished,
with a sentence that says so; `r` retries them in a new process; nothing is written until the
commit."""

from __future__ import annotations

import base64
import os
import signal
import tomllib
from pathlib import Path

import boto3
import pytest

from fnox_tui.core.rotation.process_runner import WORKER_STOPPED, ProcessRunner
from fnox_tui.core.rotation.results import RowStatus
from fnox_tui.ui.screens.rotation.session import Options
from tests.aws_server import MOTO_REGION
from tests.rotation_commit_helpers import snapshot
from tests.rotation_helpers import encrypter, two_keys
from tests.rotation_ui_helpers import (
    SIZE,
    choose_key,
    commit,
    make_app,
    open_walkthrough,
    until,
    until_shown,
    write_kms_project,
)

pytestmark = pytest.mark.moto_server

VALUES = {("fnox.toml", "secrets", f"S{n:03}"): f"value {n} ✓" for n in range(120)}


async def test_a_killed_worker_fails_its_rows_retry_finishes_and_commits(
    tmp_path: Path, moto_environ: dict[str, str]
) -> None:
    kms = boto3.client("kms", region_name=MOTO_REGION)
    old, new = two_keys(kms)
    encrypt = encrypter(kms, old)

    root = tmp_path / "project"
    write_kms_project(root, old, encrypt, values=VALUES)
    before = snapshot(root)
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_walkthrough(pilot, "kms", options=Options(concurrency=2))
        session = screen.session
        assert session is not None
        await choose_key(pilot, screen, new)
        await pilot.press("n")  # the plan: the worker starts while it is read
        runner = session.engine().runner
        assert isinstance(runner, ProcessRunner)
        await until(pilot, lambda: runner.pid is not None, "the worker")
        worker = runner.pid
        assert worker is not None and worker != os.getpid()
        await pilot.press("n")  # re-encrypt
        await until(pilot, lambda: session.progress()[0] >= 1, "a value done", seconds=120)
        os.kill(worker, signal.SIGKILL)
        await until(pilot, lambda: not screen.busy, "the run ended", seconds=120)
        done, failed, total = session.progress()
        assert 1 <= done < total and failed == total - done
        error = session.failed()[0].error
        assert error is not None and error.code == WORKER_STOPPED
        await until_shown(
            pilot, "was stopped (SIGKILL)"
        )  # the row under the cursor, or a failed row
        now = snapshot(root)
        assert {name: now[name] for name in before} == before  # nothing written
        assert set(now) - set(before) == {".fnox-tui-rotation.json"}  # but the journal
        await pilot.press("r")  # the failed rows, alone, in a new worker
        await until(pilot, lambda: not screen.busy and session.complete, "retried", seconds=120)
        assert runner.pid not in (None, worker)
        assert all(r.status is RowStatus.DONE and r.verified for r in session.results())
        await pilot.press("n")
        await commit(pilot, screen)
    for (file, _table, name), plaintext in VALUES.items():
        value = tomllib.loads((root / file).read_text())["secrets"][name]["value"]
        blob = base64.b64decode(value)
        assert kms.decrypt(KeyId=new, CiphertextBlob=blob)["Plaintext"].decode() == plaintext
