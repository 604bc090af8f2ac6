"""Executing a KMS rotation against moto in-process: ReEncrypt, verify, progress, cancel, retry."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError

from fnox_tui.core.providers.base import ErrorCode
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.rotation.execute import Rotation, RotationIncomplete
from fnox_tui.core.rotation.plan import RotationPlan, Route, Slot
from fnox_tui.core.rotation.results import RowResult, RowStatus
from fnox_tui.core.rotation.targets import KmsTarget
from tests.rotation_helpers import PLAINTEXTS, encrypt_all, make_plan, write_kms_workspace


class Keys:
    def __init__(self, client: Any) -> None:
        self.client = client
        self.old = client.create_key(Description="old")["KeyMetadata"]["Arn"]
        self.new = client.create_key(Description="new")["KeyMetadata"]["Arn"]

    def encrypt_old(self, data: bytes) -> bytes:
        return bytes(self.client.encrypt(KeyId=self.old, Plaintext=data)["CiphertextBlob"])

    def decrypt(self, value: str, key: str) -> str:
        blob = base64.b64decode(value)
        return bytes(self.client.decrypt(KeyId=key, CiphertextBlob=blob)["Plaintext"]).decode()


@pytest.fixture
def keys(kms_client: Any) -> Keys:
    return Keys(kms_client)


@pytest.fixture
def registry(aws_env: dict[str, str]) -> Iterator[ProviderRegistry]:
    with ProviderRegistry(environ={}) as registry:
        yield registry


@pytest.fixture
def plan(tmp_path: Path, keys: Keys) -> RotationPlan:
    write_kms_workspace(tmp_path / "ws", keys.old, encrypt_all(keys.encrypt_old, PLAINTEXTS))
    return make_plan(tmp_path / "ws")


def rotation_for(
    plan: RotationPlan, keys: Keys, registry: ProviderRegistry, **options: Any
) -> Rotation:
    return Rotation(plan, KmsTarget(keys.new, keys.new), registry.context, **options)


def hook(rotation: Rotation, event: str, handler: Any) -> None:
    rotation.rotator.client().meta.events.register(event, handler)  # type: ignore[attr-defined]


def client_error(code: str) -> tuple[AWSResponse, dict[str, Any]]:
    response = AWSResponse("https://kms", 400, {}, None)  # type: ignore[arg-type]
    return response, {"Error": {"Code": code, "Message": ""}, "ResponseMetadata": {}}


def test_reencrypts_and_verifies_every_value(
    plan: RotationPlan, keys: Keys, registry: ProviderRegistry
) -> None:
    rotation = rotation_for(plan, keys, registry, concurrency=4)
    summary = rotation.run()

    assert summary.complete and not summary.cancelled
    assert (summary.done, summary.failed, summary.total) == (5, 0, 5)
    assert summary.kms_requests == 10
    assert registry.stats.count("kms", "ReEncrypt") == 5
    assert registry.stats.count("kms", "Decrypt") == 5  # the verifications, nothing else
    assert {r.route for r in rotation.results.values()} == {Route.REENCRYPT}
    assert all(r.verified for r in rotation.results.values())

    output = rotation.output()
    assert output.provider == plan.provider
    assert output.provider_fields == {"key_id": keys.new}
    assert output.files == plan.files
    assert output.value_count == 5
    old = {row.name: row.ciphertext for row in plan.rows}
    for entry, slots in output.values.items():
        assert set(slots) == {Slot.VALUE}
        assert slots[Slot.VALUE] != old[entry.name]
        assert keys.decrypt(slots[Slot.VALUE], keys.new) == PLAINTEXTS[entry.name]


def test_progress_and_row_callbacks(
    plan: RotationPlan, keys: Keys, registry: ProviderRegistry
) -> None:
    progress: list[tuple[int, int, int]] = []
    statuses: dict[str, list[RowStatus]] = {}
    lock = threading.Lock()

    def on_row(result: RowResult) -> None:
        with lock:
            statuses.setdefault(result.key.entry.name, []).append(result.status)

    rotation = rotation_for(plan, keys, registry, concurrency=3)
    rotation.run(progress=lambda *counts: progress.append(counts), on_row=on_row)

    assert sorted(progress) == [(n, 0, 5) for n in range(1, 6)]
    assert statuses == {name: [RowStatus.WORKING, RowStatus.DONE] for name in PLAINTEXTS}


def test_results_never_hold_plaintext(
    plan: RotationPlan, keys: Keys, registry: ProviderRegistry
) -> None:
    rotation = rotation_for(plan, keys, registry)
    rotation.run()
    text = repr(rotation.results) + repr(rotation.output())
    assert not any(value in text for value in PLAINTEXTS.values())


def test_cancel_midway_keeps_the_rest_pending_and_continues(
    plan: RotationPlan, keys: Keys, registry: ProviderRegistry
) -> None:
    rotation = rotation_for(plan, keys, registry, concurrency=1)
    cancel = threading.Event()
    calls = []

    def count(**_: Any) -> None:
        calls.append(1)
        if len(calls) == 3:
            cancel.set()  # during the third ReEncrypt

    hook(rotation, "after-call.kms.ReEncrypt", count)
    summary = rotation.run(cancel=cancel)

    assert summary.cancelled
    assert (summary.done, summary.failed, summary.pending) == (2, 0, 3)
    assert len(calls) == 3  # nothing started after the cancel
    with pytest.raises(RotationIncomplete, match="3 of 5 values are not re-encrypted"):
        rotation.output()

    resumed = rotation.run()
    assert resumed.complete and len(calls) == 6  # only the three left, the cancelled one again
    assert rotation.output().value_count == 5


def test_failed_rows_are_retried_alone(
    plan: RotationPlan, keys: Keys, registry: ProviderRegistry
) -> None:
    rotation = rotation_for(plan, keys, registry, concurrency=2)
    bad = base64.b64decode(plan.rows[1].ciphertext)
    failing = threading.Event()
    failing.set()
    calls: list[bytes] = []

    def maybe_fail(params: dict[str, Any], **_: Any) -> Any:
        calls.append(params["body"])
        blob = base64.b64encode(bad).decode()
        if failing.is_set() and blob in params["body"].decode():
            return client_error("KMSInternalException")
        return None

    hook(rotation, "before-call.kms.ReEncrypt", maybe_fail)
    first = rotation.run()
    assert (first.done, first.failed) == (4, 1)
    [failed] = rotation.failed()
    assert failed.key == plan.rows[1].key
    assert failed.error is not None and failed.error.code == ErrorCode.AWS
    assert "temporarily unavailable" in failed.error.message

    failing.clear()
    calls.clear()
    second = rotation.retry_failed()
    assert second.complete and len(calls) == 1
    assert rotation.results[plan.rows[1].key].done


def test_throttling_halves_concurrency_and_retries(
    plan: RotationPlan, keys: Keys, registry: ProviderRegistry
) -> None:
    slept: list[float] = []
    rotation = rotation_for(
        plan, keys, registry, concurrency=4, sleep=lambda seconds, _cancelled: slept.append(seconds)
    )
    lock = threading.Lock()
    throttles = [3]

    def throttle(**_: Any) -> Any:
        with lock:
            if throttles[0]:
                throttles[0] -= 1
                return client_error("ThrottlingException")
        return None

    hook(rotation, "before-call.kms.ReEncrypt", throttle)
    summary = rotation.run()

    assert summary.complete
    assert len(slept) == 3 and all(0 < seconds <= 5 for seconds in slept)
    assert rotation.limiter.limit < 4
    assert sum(r.attempts for r in rotation.results.values()) == 5 + 3


def test_corrupt_value_fails_its_row(
    tmp_path: Path, keys: Keys, registry: ProviderRegistry
) -> None:
    values = encrypt_all(keys.encrypt_old, {"GOOD": "fine"})
    write_kms_workspace(tmp_path / "ws", keys.old, {**values, "BROKEN": "not base64 !"})
    plan = make_plan(tmp_path / "ws")
    rotation = rotation_for(plan, keys, registry)
    summary = rotation.run()
    assert (summary.done, summary.failed) == (1, 1)
    [failed] = rotation.failed()
    assert failed.key.entry.name == "BROKEN"
    assert failed.error is not None and failed.error.code == ErrorCode.CORRUPT_VALUE


def test_value_of_another_key_fails_verification_or_reencrypt(
    tmp_path: Path, keys: Keys, registry: ProviderRegistry
) -> None:
    """A value that is not under the old key is reported, never rewritten silently."""
    stranger = keys.client.create_key(Description="x")["KeyMetadata"]["Arn"]
    blob = keys.client.encrypt(KeyId=stranger, Plaintext=b"v")["CiphertextBlob"]
    write_kms_workspace(tmp_path / "ws", keys.old, {"S": base64.b64encode(blob).decode()})
    plan = make_plan(tmp_path / "ws", route=Route.DECRYPT_ENCRYPT)
    rotation = rotation_for(plan, keys, registry)
    rotation.run()
    [failed] = rotation.failed()
    assert failed.error is not None and failed.error.code == ErrorCode.ACCESS_DENIED  # moto's way
    assert "Decrypt with key" in failed.error.message


def test_decrypt_encrypt_route_compares_values(
    plan: RotationPlan, keys: Keys, registry: ProviderRegistry, tmp_path: Path
) -> None:
    decrypting = make_plan(plan.provider.path.parent, route=Route.DECRYPT_ENCRYPT)
    rotation = rotation_for(decrypting, keys, registry)
    summary = rotation.run()
    assert summary.complete and summary.kms_requests == 15
    assert {r.route for r in rotation.results.values()} == {Route.DECRYPT_ENCRYPT}
    for entry, slots in rotation.output().values.items():
        assert keys.decrypt(slots[Slot.VALUE], keys.new) == PLAINTEXTS[entry.name]


def test_wrong_target_type(plan: RotationPlan, registry: ProviderRegistry) -> None:
    from fnox_tui.core.rotation.targets import AgeTarget

    with pytest.raises(TypeError):
        Rotation(plan, AgeTarget(("age1x",)), registry.context)


def test_network_lost_midway_fails_rows_and_files_stay_as_they_were(
    plan: RotationPlan, keys: Keys, registry: ProviderRegistry
) -> None:
    config = plan.provider.path
    before = config.read_bytes()
    rotation = rotation_for(plan, keys, registry, concurrency=1)
    sent: list[int] = []
    down = threading.Event()
    lost_after = [4]

    def network(request: Any, **_: Any) -> None:
        sent.append(1)
        if len(sent) > lost_after[0]:
            down.set()
        if down.is_set():
            raise EndpointConnectionError(endpoint_url=request.url)

    hook(rotation, "before-send.kms", network)
    summary = rotation.run()
    assert (summary.done, summary.failed) == (2, 3)
    error = rotation.failed()[0].error
    assert error is not None and error.code == ErrorCode.UNREACHABLE
    assert error.message.startswith("Cannot reach AWS KMS at ")
    assert config.read_bytes() == before  # the engine never writes a configuration file

    lost_after[0] = 10**6  # the network is back
    down.clear()
    assert rotation.retry_failed().complete
    assert rotation.output().value_count == 5


def test_sync_cache_is_rotated_and_the_main_value_left(
    tmp_path: Path, keys: Keys, registry: ProviderRegistry
) -> None:
    root = tmp_path / "sync"
    root.mkdir()
    cached = base64.b64encode(keys.encrypt_old(b"from the cache")).decode()
    (root / "fnox.toml").write_text(
        "root = true\n[providers]\n"
        f'kms = {{ type = "aws-kms", key_id = "{keys.old}", region = "us-east-1" }}\n'
        'sm = { type = "aws-sm", region = "us-east-1" }\n'
        "[secrets]\n"
        f'S = {{ provider = "sm", value = "app/s", sync = {{ provider = "kms", value = "{cached}" }} }}\n'
    )
    plan = make_plan(root)
    rotation = rotation_for(plan, keys, registry)
    assert rotation.run().complete
    [(entry, slots)] = rotation.output().values.items()
    assert entry.name == "S" and set(slots) == {Slot.SYNC}
    assert keys.decrypt(slots[Slot.SYNC], keys.new) == "from the cache"


def test_no_full_collection_while_rows_run(
    plan: RotationPlan, keys: Keys, registry: ProviderRegistry
) -> None:
    """A full collection walks the whole heap with every thread stopped (the screen too):
    during the run only young generations are collected; afterwards as before."""
    import gc

    from fnox_tui.core.rotation.results import Rotated
    from fnox_tui.core.rotation.verify import Verification

    seen: list[int] = []

    class Recording:
        def rotate(self, row: Any, route: Any, cancelled: Any) -> Rotated:
            seen.append(gc.get_threshold()[2])
            return Rotated("bmV3", route, Verification(True))

        def close(self) -> None:
            pass

    before = gc.get_threshold()
    rotation = rotation_for(plan, keys, registry, rotator=Recording())
    assert rotation.run().complete
    assert len(seen) == len(plan.rows) and min(seen) >= 1_000_000
    assert gc.get_threshold() == before
