"""The rotation's worker process (core.rotation.process_runner) against moto_server over HTTP:
results, cancel, the worker killed mid-run, retry, errors as the providers explain them."""

from __future__ import annotations

import base64
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.rotation.execute import Rotation
from fnox_tui.core.rotation.frames import FrameError, decode, encode
from fnox_tui.core.rotation.plan import RotationPlan, Route, Slot
from fnox_tui.core.rotation.process_runner import (
    WORKER_NICE,
    WORKER_STOPPED,
    ProcessRunner,
    worker_environment,
)
from fnox_tui.core.rotation.results import RowResult, RowStatus
from fnox_tui.core.rotation.targets import KmsTarget
from tests.aws_server import MOTO_REGION
from tests.deny_proxy import DenyProxy
from tests.rotation_helpers import (
    PLAINTEXTS,
    encrypt_all,
    encrypter,
    make_plan,
    two_keys,
    write_kms_workspace,
)

pytestmark = pytest.mark.moto_server

MANY = {f"SECRET_{index:03d}": f"value {index}" for index in range(120)}


class Project:
    def __init__(self, root: Path, kms: Any, old: str, new: str, plaintexts: dict[str, str]):
        self.root, self.kms, self.old, self.new, self.plaintexts = root, kms, old, new, plaintexts
        self.file = root / "fnox.toml"
        self.text = self.file.read_bytes()

    def plan(self) -> RotationPlan:
        return make_plan(self.root)

    def rotation(
        self, registry: ProviderRegistry, plan: RotationPlan, concurrency: int = 4
    ) -> Rotation:
        target = KmsTarget(self.new, self.new)
        runner = ProcessRunner(
            plan.definition,
            target,
            registry.context,
            concurrency=concurrency,
            consent_decrypt=plan.consent_decrypt,
        )
        return Rotation(plan, target, registry.context, concurrency=concurrency, runner=runner)

    def check(self, rotation: Rotation) -> None:
        """Every new value decrypts under the new key to its plaintext."""
        output = rotation.output()
        for entry, slots in output.values.items():
            blob = base64.b64decode(slots[Slot.VALUE])
            answer = self.kms.decrypt(KeyId=self.new, CiphertextBlob=blob)
            assert answer["Plaintext"].decode() == self.plaintexts[entry.name]


def make_project(
    tmp_path: Path, plaintexts: dict[str, str], endpoint: str | None = None
) -> Project:
    kms = boto3.client("kms", region_name=MOTO_REGION)
    old, new = two_keys(kms)
    encrypt = encrypter(kms, old)

    root = tmp_path / "ws"
    write_kms_workspace(root, old, encrypt_all(encrypt, plaintexts), endpoint=endpoint)
    return Project(root, kms, old, new, plaintexts)


def test_the_worker_rotates_and_verifies_every_value(
    moto_environ: dict[str, str], tmp_path: Path
) -> None:
    project = make_project(tmp_path, PLAINTEXTS)
    plan = project.plan()
    rows: list[RowResult] = []
    with ProviderRegistry(environ={}) as registry:
        rotation = project.rotation(registry, plan)
        rotation.runner.warm_up()
        worker = rotation.runner.pid  # type: ignore[attr-defined]
        assert worker is not None and worker != os.getpid()
        summary = rotation.run(on_row=rows.append)
        rotation.close()
        assert registry.context.stats.kms_requests == 2 * len(PLAINTEXTS)
    assert summary.complete and not rotation.unverified()
    assert summary.kms_requests == 2 * len(PLAINTEXTS)
    assert [r.status for r in rows].count(RowStatus.WORKING) == len(PLAINTEXTS)
    assert [r.status for r in rows].count(RowStatus.DONE) == len(PLAINTEXTS)
    project.check(rotation)
    assert project.file.read_bytes() == project.text


def test_cancel_stops_the_worker_and_rows_go_back_to_pending(
    moto_environ: dict[str, str], tmp_path: Path
) -> None:
    project = make_project(tmp_path, MANY)
    plan = project.plan()
    cancel = threading.Event()

    def on_row(result: RowResult) -> None:
        if result.done:
            cancel.set()

    with ProviderRegistry(environ={}) as registry:
        rotation = project.rotation(registry, plan, concurrency=1)
        summary = rotation.run(cancel=cancel, on_row=on_row)
        assert summary.cancelled and 1 <= summary.done < len(MANY)
        assert summary.failed == 0
        assert summary.pending == len(MANY) - summary.done
        # The same worker goes on with the rest.
        summary = rotation.run()
        rotation.close()
    assert summary.complete
    project.check(rotation)
    assert project.file.read_bytes() == project.text


def test_a_killed_worker_fails_its_rows_and_a_retry_finishes_them(
    moto_environ: dict[str, str], tmp_path: Path
) -> None:
    project = make_project(tmp_path, MANY)
    plan = project.plan()
    killed: list[int] = []

    with ProviderRegistry(environ={}) as registry:
        rotation = project.rotation(registry, plan, concurrency=2)
        runner: ProcessRunner = rotation.runner  # type: ignore[assignment]

        def on_row(result: RowResult) -> None:
            if result.done and not killed and runner.pid is not None:
                killed.append(runner.pid)
                os.kill(runner.pid, signal.SIGKILL)

        summary = rotation.run(on_row=on_row)
        assert killed and 1 <= summary.done < len(MANY)
        assert summary.failed == len(MANY) - summary.done and summary.pending == 0
        failures = rotation.failed()
        assert all(r.error is not None and r.error.code == WORKER_STOPPED for r in failures)
        message = str(failures[0].error)
        assert "was stopped (SIGKILL)" in message and "Nothing was written" in message
        assert project.file.read_bytes() == project.text

        done_before = {r.key: r.new_ciphertext for r in rotation.results.values() if r.done}
        summary = rotation.retry_failed()
        assert runner.pid not in (None, killed[0])  # a new worker
        rotation.close()
    assert summary.complete
    # The rows done before the kill were not run again.
    assert all(rotation.results[key].new_ciphertext == blob for key, blob in done_before.items())
    project.check(rotation)
    assert project.file.read_bytes() == project.text


def test_errors_arrive_as_the_providers_explain_them(
    moto_environ: dict[str, str], tmp_path: Path
) -> None:
    project = make_project(tmp_path, PLAINTEXTS)
    account = project.old.split(":")[4]
    project.new = f"arn:aws:kms:{MOTO_REGION}:{account}:key/00000000-0000-4000-8000-000000000000"
    plan = project.plan()
    with ProviderRegistry(environ={}) as registry:
        rotation = project.rotation(registry, plan)
        summary = rotation.run()
        rotation.close()
    assert summary.failed == len(PLAINTEXTS)
    error = rotation.failed()[0].error
    assert error is not None and type(error).__name__ == "ProviderError"
    assert error.code == "key-not-found", error
    assert project.new in error.message
    for plaintext in PLAINTEXTS.values():
        assert plaintext not in f"{error.message} {error.hint} {error.detail}"


@pytest.fixture
def deny_reencrypt(moto_environ: dict[str, str]) -> Iterator[DenyProxy]:
    proxy = DenyProxy(moto_environ["AWS_ENDPOINT_URL"], {"ReEncrypt"}).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def test_reencrypt_denied_without_consent_fails_every_row_with_the_policy(
    deny_reencrypt: DenyProxy, tmp_path: Path
) -> None:
    project = make_project(tmp_path, PLAINTEXTS, endpoint=deny_reencrypt.url)
    plan = project.plan()
    with ProviderRegistry(environ={}) as registry:
        rotation = project.rotation(registry, plan)
        summary = rotation.run()
        rotation.close()
    assert summary.failed == len(PLAINTEXTS) and deny_reencrypt.denials == len(PLAINTEXTS)
    error = rotation.failed()[0].error
    assert error is not None and error.code == "access-denied"
    assert "(missing kms:ReEncryptFrom)" in error.message
    assert "allow fnox-tui to decrypt and encrypt the values" in error.hint
    assert "kms:ReEncryptTo" in error.detail and project.new in error.detail  # the IAM policy
    assert project.file.read_bytes() == project.text


def test_reencrypt_denied_with_consent_decrypts_and_encrypts_in_the_worker(
    deny_reencrypt: DenyProxy, tmp_path: Path
) -> None:
    project = make_project(tmp_path, PLAINTEXTS, endpoint=deny_reencrypt.url)
    plan = project.plan()
    plan.consent_decrypt = True
    with ProviderRegistry(environ={}) as registry:
        rotation = project.rotation(registry, plan, concurrency=1)
        summary = rotation.run()
        rotation.close()
        # Decrypt, Encrypt and the verifying Decrypt per value, after the one denial.
        assert registry.context.stats.kms_requests == 1 + 3 * len(PLAINTEXTS)
    assert summary.complete and deny_reencrypt.denials == 1
    assert all(r.route is Route.DECRYPT_ENCRYPT and r.verified for r in rotation.results.values())
    project.check(rotation)
    assert project.file.read_bytes() == project.text


def test_the_worker_imports_this_checkout_of_fnox_tui() -> None:
    import fnox_tui

    root = str(Path(fnox_tui.__file__).resolve().parent.parent)
    env = worker_environment({"PYTHONPATH": "/elsewhere"})
    assert env["PYTHONPATH"].split(os.pathsep) == [root, "/elsewhere"]


def test_frames_refuse_anything_but_fnox_tui_objects() -> None:
    assert decode(encode(("ended", 2, {"kms": 2}, 0))[4:]) == ("ended", 2, {"kms": 2}, 0)
    with pytest.raises(FrameError, match=r"may not carry .*system"):
        decode(encode(("x", os.system))[4:])
    with pytest.raises(FrameError):
        decode(encode((1, 2))[4:])


def test_the_worker_runs_less_urgently_than_the_app(
    moto_environ: dict[str, str], tmp_path: Path
) -> None:
    project = make_project(tmp_path, {"ONE": "1"})
    plan = project.plan()
    with ProviderRegistry(environ={}) as registry:
        rotation = project.rotation(registry, plan)
        rotation.runner.warm_up()
        worker = rotation.runner.pid  # type: ignore[attr-defined]
        assert worker is not None
        fields = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()
        rotation.close()
    assert int(fields[16]) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICE)


FAKE_WORKER = Path(__file__).with_name("fake_rotation_worker.py")


def fake_rotation(tmp_path: Path, mode: str, **options: Any) -> tuple[Rotation, ProviderRegistry]:
    """A rotation of three values whose worker is ``fake_rotation_worker.py MODE``."""
    blobs = {name: base64.b64encode(name.encode()).decode() for name in ("A", "B", "C")}
    old = f"arn:aws:kms:{MOTO_REGION}:123456789012:key/11111111-1111-4111-8111-111111111111"
    new = f"arn:aws:kms:{MOTO_REGION}:123456789012:key/22222222-2222-4222-8222-222222222222"
    write_kms_workspace(tmp_path / "ws", old, blobs)
    plan = make_plan(tmp_path / "ws")
    registry = ProviderRegistry(environ={})
    target = KmsTarget(new, new)
    runner = ProcessRunner(
        plan.definition,
        target,
        registry.context,
        command=[sys.executable, str(FAKE_WORKER), mode],
        **options,
    )
    return Rotation(plan, target, registry.context, runner=runner), registry


def test_a_run_that_fails_in_the_worker_fails_its_rows(tmp_path: Path) -> None:
    rotation, registry = fake_rotation(tmp_path, "crash")
    with registry:
        summary = rotation.run()
        rotation.close()
    assert summary.failed == 3 and summary.done == 0
    messages = [str(r.error) for r in rotation.failed()]
    assert all("failed unexpectedly (RuntimeError)" in m for m in messages)
    assert sum("while re-encrypting this value" in m for m in messages) == 1  # the started one


def test_a_worker_that_exits_fails_its_rows_with_its_status(tmp_path: Path) -> None:
    rotation, registry = fake_rotation(tmp_path, "exit")
    with registry:
        summary = rotation.run()
        rotation.close()
    assert summary.failed == 3
    assert all("exited (status 3)" in str(r.error) for r in rotation.failed())


def test_a_worker_that_ignores_the_cancel_is_killed_and_its_rows_go_back(tmp_path: Path) -> None:
    rotation, registry = fake_rotation(tmp_path, "stubborn", cancel_grace=0.3)
    cancel = threading.Event()
    runner: ProcessRunner = rotation.runner  # type: ignore[assignment]

    def on_row(result: RowResult) -> None:
        if result.status is RowStatus.WORKING:
            cancel.set()

    with registry:
        rotation.runner.warm_up()
        worker = runner.pid
        summary = rotation.run(cancel=cancel, on_row=on_row)
        assert summary.cancelled and summary.pending == 3 and summary.failed == 0
        assert runner.pid is None  # killed
        assert worker is not None
        rotation.close()
    assert all(r.status is RowStatus.PENDING for r in rotation.results.values())
