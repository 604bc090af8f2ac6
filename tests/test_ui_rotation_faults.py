"""The network goes away in the middle of a rotation through the walkthrough.

- A private ``moto_server`` is killed midway: rows fail and say why, retrying them alone fails
  again, leaving writes nothing: every file is byte-identical and no journal is left.
- A relay in front of moto drops every connection, then comes back: the failed rows are
  retried alone, the rest continues, and the commit writes values that decrypt.
"""

from __future__ import annotations

import base64
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from fnox_tui.core.rotation.results import RowStatus
from fnox_tui.ui.screens.rotation.screen import RotationScreen
from fnox_tui.ui.screens.rotation.session import Options
from tests.aws_server import MOTO_REGION, _answers, _command, _free_port
from tests.rotation_commit_helpers import snapshot
from tests.rotation_helpers import encrypter, two_keys
from tests.rotation_ui_helpers import (
    SIZE,
    choose_key,
    commit,
    make_app,
    open_walkthrough,
    shown,
    until,
    write_kms_project,
)
from tests.tcp_relay import TcpRelay

pytestmark = pytest.mark.moto_server

COUNT = 150  # values: many more than the requests that pass before the cut
CUT_AFTER_REQUESTS = 12
VALUES = {("fnox.toml", "secrets", f"S{n:03}"): f"value {n} ✓" for n in range(COUNT)}
VALUES[("fnox.local.toml", "secrets", "S000")] = "the local one"


@pytest.fixture
def fake_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials; no AWS_ENDPOINT_URL: the provider's ``endpoint`` names the server."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": MOTO_REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "absent-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "absent-credentials"),
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def private_moto(tmp_path: Path, fake_aws: None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A moto_server of this test's own, which the test may kill."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    log = (tmp_path / "moto.log").open("wb")
    process = subprocess.Popen(_command(port), stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 30
        while not _answers(url):
            assert process.poll() is None and time.monotonic() < deadline, "moto_server"
            time.sleep(0.1)
        yield url, process
    finally:
        process.kill()
        process.wait()
        log.close()


def keys_and_project(url: str, root: Path, endpoint: str) -> dict[str, Any]:
    kms = boto3.client("kms", region_name=MOTO_REGION, endpoint_url=url)
    old, new = two_keys(kms)
    encrypt = encrypter(kms, old)

    write_kms_project(root, old, encrypt, endpoint=endpoint, values=VALUES)
    return {"kms": kms, "old": old, "new": new}


async def start_and_cut(
    pilot: Any, screen: RotationScreen, new: str, relay: TcpRelay, then: Any = None
) -> None:
    """Start re-encrypting with the relay set to cut the network after a few requests; wait
    for a failed row, then cancel the rest."""
    await choose_key(pilot, screen, new)
    session = screen.session
    assert session is not None
    relay.cut_after(CUT_AFTER_REQUESTS, then)
    await pilot.press("n", "n")
    await until(pilot, lambda: session.progress()[1] >= 1, "a failed row", seconds=120)
    await pilot.press("c")
    await until(pilot, lambda: not screen.busy, "stopped", seconds=120)
    done, failed, total = session.progress()
    assert done >= 1 and failed >= 1 and done + failed < total  # some rows never started
    text = " ".join(shown(pilot.app).split())  # the status line may wrap
    assert "Nothing was written." in text and "r retries the failed rows alone" in text
    assert text.count(" failed ") >= 2  # the status line and a row


async def test_moto_server_killed_midway_then_abort_leaves_every_file_as_it_was(
    tmp_path: Path, private_moto: tuple[str, subprocess.Popen[bytes]]
) -> None:
    url, process = private_moto
    host, port = url.removeprefix("http://").split(":")
    relay = TcpRelay(host, int(port)).start()  # the app's only way to the server
    root = tmp_path / "project"
    keys = keys_and_project(url, root, relay.url)
    before = snapshot(root)
    app = make_app(root)

    def kill() -> None:
        process.kill()
        process.wait()

    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_walkthrough(pilot, "kms", options=Options(concurrency=1))
            session = screen.session
            assert session is not None
            await start_and_cut(pilot, screen, keys["new"], relay, then=kill)
            failed = {result.key for result in session.failed()}
            pending = [r.key for r in session.results() if r.status is RowStatus.PENDING]
            error = session.failed()[0].error
            assert error is not None
            assert relay.url in error.message  # says which endpoint did not answer
            # Retry the failed rows alone: the server is still gone, they fail again.
            await pilot.press("r")
            await until(pilot, lambda: not screen.busy, "retried", seconds=120)
            assert {result.key for result in session.failed()} == failed
            assert [r.key for r in session.results() if r.status is RowStatus.PENDING] == pending
            # Abort.
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is not screen, "asked to confirm")
            await pilot.press("y")
            await until(pilot, lambda: app.screen is app.main, "left")
    finally:
        relay.stop()
    assert snapshot(root) == before  # byte-identical, and no journal left behind


async def test_network_lost_then_back_retry_continues_and_commits(
    tmp_path: Path, moto_server: str, fake_aws: None
) -> None:
    host, port = moto_server.removeprefix("http://").split(":")
    relay = TcpRelay(host, int(port)).start()
    root = tmp_path / "project"
    keys = keys_and_project(moto_server, root, relay.url)
    try:
        app = make_app(root)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_walkthrough(pilot, "kms", options=Options(concurrency=2))
            session = screen.session
            assert session is not None
            await start_and_cut(pilot, screen, keys["new"], relay)
            relay.start()
            await pilot.press("r")  # the failed rows, alone
            await until(pilot, lambda: not screen.busy, "retried", seconds=120)
            assert not session.failed()
            await pilot.press("n")  # the rest
            await until(pilot, lambda: not screen.busy and session.complete, "all", seconds=120)
            await pilot.press("n")
            await commit(pilot, screen)
    finally:
        relay.stop()
    kms = keys["kms"]
    text = (root / "fnox.toml").read_text() + (root / "fnox.local.toml").read_text()
    assert keys["new"] in text
    import tomllib

    for (file, _table, name), plaintext in VALUES.items():
        value = tomllib.loads((root / file).read_text())["secrets"][name]["value"]
        blob = base64.b64decode(value)
        assert (
            kms.decrypt(KeyId=keys["new"], CiphertextBlob=blob)["Plaintext"].decode() == plaintext
        )
