"""KMS answers moto cannot give, through botocore's Stubber: denied ReEncrypt, throttling."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from fnox_tui.core.providers.base import ErrorCode
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.rotation.execute import Rotation
from fnox_tui.core.rotation.plan import Route
from fnox_tui.core.rotation.targets import KmsTarget
from fnox_tui.core.rotation.verify import VERIFY_FAILED
from tests.rotation_helpers import make_plan, write_kms_workspace

OLD = "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-1111-1111-111111111111"
NEW = "arn:aws:kms:us-east-1:111122223333:key/22222222-2222-2222-2222-222222222222"
BLOBS = {"A": b"old-ciphertext-a", "B": b"old-ciphertext-b"}
DENIED = (
    "User: arn:aws:iam::111122223333:user/dev is not authorized to perform: "
    f"kms:ReEncryptFrom on resource: {OLD} because no identity-based policy allows it"
)


def make_rotation(tmp_path: Path, registry: ProviderRegistry, **plan_options: Any) -> Rotation:
    values = {name: base64.b64encode(blob).decode() for name, blob in BLOBS.items()}
    write_kms_workspace(tmp_path / "ws", OLD, values)
    plan = make_plan(tmp_path / "ws", **plan_options)
    slept: list[float] = []
    rotation = Rotation(
        plan,
        KmsTarget(NEW, NEW),
        registry.context,
        concurrency=1,
        sleep=lambda seconds, _cancelled: slept.append(seconds),
    )
    rotation.slept = slept  # type: ignore[attr-defined]
    return rotation


@pytest.fixture
def registry(aws_env: dict[str, str]) -> Iterator[ProviderRegistry]:
    with ProviderRegistry(environ={}) as registry:
        yield registry


def stub_for(rotation: Rotation) -> Stubber:
    return Stubber(rotation.rotator.client())  # type: ignore[attr-defined]


def reencrypt_ok(stub: Stubber, blob: bytes) -> None:
    stub.add_response(
        "re_encrypt",
        {"CiphertextBlob": b"new-" + blob, "KeyId": NEW, "SourceKeyId": OLD},
        {
            "CiphertextBlob": blob,
            "SourceKeyId": OLD,
            "DestinationKeyId": NEW,
        },
    )


def verify_ok(stub: Stubber, blob: bytes, plaintext: bytes = b"p") -> None:
    stub.add_response(
        "decrypt",
        {"Plaintext": plaintext, "KeyId": NEW},
        {"KeyId": NEW, "CiphertextBlob": blob},
    )


def test_denied_reencrypt_names_the_iam_actions(tmp_path: Path, registry: ProviderRegistry) -> None:
    rotation = make_rotation(tmp_path, registry)
    with stub_for(rotation) as stub:
        for _ in BLOBS:
            stub.add_client_error(
                "re_encrypt", "AccessDeniedException", DENIED, http_status_code=400
            )
        summary = rotation.run()
        stub.assert_no_pending_responses()  # and no Decrypt/Encrypt was tried: no consent

    assert (summary.done, summary.failed) == (0, 2)
    error = rotation.failed()[0].error
    assert error is not None and error.code == ErrorCode.ACCESS_DENIED
    assert error.message == (
        f"AWS denied re-encrypting from key {OLD} to key {NEW} (missing kms:ReEncryptFrom)."
    )
    assert "kms:ReEncryptFrom on the old key" in error.hint
    assert "kms:ReEncryptTo on the new key" in error.hint
    assert "kms:Decrypt on the new key" in error.hint
    assert "allow fnox-tui to decrypt and encrypt" in error.hint
    policy = json.loads(error.detail)
    by_sid = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert by_sid["RotateFromOldKey"]["Resource"] == OLD
    assert by_sid["RotateFromOldKey"]["Action"] == ["kms:ReEncryptFrom", "kms:DescribeKey"]
    assert by_sid["RotateToNewKey"]["Resource"] == NEW
    assert {"kms:ReEncryptTo", "kms:Decrypt"} <= set(by_sid["RotateToNewKey"]["Action"])


def test_denied_reencrypt_falls_back_only_with_consent(
    tmp_path: Path, registry: ProviderRegistry
) -> None:
    rotation = make_rotation(tmp_path, registry, consent_decrypt=True)
    with stub_for(rotation) as stub:
        stub.add_client_error("re_encrypt", "AccessDeniedException", DENIED, http_status_code=400)
        for name, blob in BLOBS.items():
            plaintext = f"plain-{name}".encode()
            stub.add_response(
                "decrypt",
                {"Plaintext": plaintext, "KeyId": OLD},
                {"KeyId": OLD, "CiphertextBlob": blob},
            )
            stub.add_response(
                "encrypt",
                {"CiphertextBlob": b"new-" + blob, "KeyId": NEW},
                {"KeyId": NEW, "Plaintext": plaintext},
            )
            verify_ok(stub, b"new-" + blob, plaintext)
        summary = rotation.run()
        stub.assert_no_pending_responses()  # the second row skipped the denied ReEncrypt

    assert summary.complete
    assert {r.route for r in rotation.results.values()} == {Route.DECRYPT_ENCRYPT}
    assert all(r.verified for r in rotation.results.values())
    new = {entry.name: slots for entry, slots in rotation.output().values.items()}
    assert new == {
        "A": {"value": base64.b64encode(b"new-old-ciphertext-a").decode()},
        "B": {"value": base64.b64encode(b"new-old-ciphertext-b").decode()},
    }


def test_fallback_detects_a_different_plaintext(tmp_path: Path, registry: ProviderRegistry) -> None:
    rotation = make_rotation(tmp_path, registry, route=Route.DECRYPT_ENCRYPT)
    first = next(iter(rotation.plan.rows))
    with stub_for(rotation) as stub:
        stub.add_response(
            "decrypt", {"Plaintext": b"right", "KeyId": OLD}, {"KeyId": OLD, "CiphertextBlob": ANY}
        )
        stub.add_response(
            "encrypt", {"CiphertextBlob": b"n", "KeyId": NEW}, {"KeyId": NEW, "Plaintext": b"right"}
        )
        stub.add_response(
            "decrypt", {"Plaintext": b"wrong", "KeyId": NEW}, {"KeyId": NEW, "CiphertextBlob": b"n"}
        )
        rotation.run([first.key])
        stub.assert_no_pending_responses()
    result = rotation.results[first.key]
    assert result.error is not None and result.error.code == VERIFY_FAILED
    assert "decrypts to a different value" in result.error.message
    assert "right" not in str(result) and "wrong" not in str(result)


def test_verification_under_another_key_fails(tmp_path: Path, registry: ProviderRegistry) -> None:
    rotation = make_rotation(tmp_path, registry)
    first = next(iter(rotation.plan.rows))
    with stub_for(rotation) as stub:
        reencrypt_ok(stub, BLOBS["A"])
        stub.add_response(
            "decrypt", {"Plaintext": b"p", "KeyId": OLD}, {"KeyId": NEW, "CiphertextBlob": ANY}
        )
        rotation.run([first.key])
    result = rotation.results[first.key]
    assert result.error is not None and result.error.code == VERIFY_FAILED
    assert result.error.message == (
        f"The new ciphertext decrypts under {OLD}, not under the new key {NEW}."
    )


def test_denied_verification_names_kms_decrypt(tmp_path: Path, registry: ProviderRegistry) -> None:
    rotation = make_rotation(tmp_path, registry)
    first = next(iter(rotation.plan.rows))
    with stub_for(rotation) as stub:
        reencrypt_ok(stub, BLOBS["A"])
        stub.add_client_error("decrypt", "AccessDeniedException", "", http_status_code=400)
        rotation.run([first.key])
    error = rotation.results[first.key].error
    assert error is not None and error.code == ErrorCode.ACCESS_DENIED
    assert error.message == f"AWS denied decrypting with the new key {NEW} to verify the value."
    assert "kms:Decrypt on the new key" in error.hint


def test_throttled_row_backs_off_then_succeeds(tmp_path: Path, registry: ProviderRegistry) -> None:
    rotation = make_rotation(tmp_path, registry)
    first = next(iter(rotation.plan.rows))
    with stub_for(rotation) as stub:
        stub.add_client_error("re_encrypt", "ThrottlingException", "Rate exceeded", 400)
        stub.add_client_error("re_encrypt", "ThrottlingException", "Rate exceeded", 400)
        reencrypt_ok(stub, BLOBS["A"])
        verify_ok(stub, b"new-" + BLOBS["A"])
        summary = rotation.run([first.key])
        stub.assert_no_pending_responses()
    result = rotation.results[first.key]
    assert result.done and result.attempts == 3
    assert summary.done == 1
    slept = rotation.slept  # type: ignore[attr-defined]
    assert len(slept) == 2 and slept[1] > 0 and all(s <= 5 for s in slept)


def test_throttling_that_never_ends_fails_the_row(
    tmp_path: Path, registry: ProviderRegistry
) -> None:
    rotation = make_rotation(tmp_path, registry)
    first = next(iter(rotation.plan.rows))
    with stub_for(rotation) as stub:
        for _ in range(6):
            stub.add_client_error("re_encrypt", "ThrottlingException", "Rate exceeded", 400)
        rotation.run([first.key])
        stub.assert_no_pending_responses()
    result = rotation.results[first.key]
    assert result.error is not None and result.error.code == ErrorCode.THROTTLED
    assert result.attempts == 6


def test_disabled_new_key_fails_with_its_sentence(
    tmp_path: Path, registry: ProviderRegistry
) -> None:
    rotation = make_rotation(tmp_path, registry)
    first = next(iter(rotation.plan.rows))
    with stub_for(rotation) as stub:
        stub.add_client_error("re_encrypt", "DisabledException", f"{NEW} is disabled.", 400)
        rotation.run([first.key])
    error = rotation.results[first.key].error
    assert error is not None and error.code == ErrorCode.KEY_DISABLED
    assert error.message == f"The KMS key {NEW} is disabled."  # the key AWS named, not the old


@pytest.mark.parametrize("answer_lacks", ["ReEncrypt's CiphertextBlob", "verify's Plaintext"])
def test_an_answer_cut_short_names_the_endpoint_not_the_value(
    tmp_path: Path, registry: ProviderRegistry, answer_lacks: str
) -> None:
    """A success whose body was cut off on the way (botocore reads an empty body as ``{}``)
    is the network's fault or the endpoint's, not a corrupt value nor a failed check."""
    rotation = make_rotation(tmp_path, registry)
    first = next(iter(rotation.plan.rows))
    with stub_for(rotation) as stub:
        if answer_lacks.startswith("ReEncrypt"):
            stub.add_response(
                "re_encrypt",
                {},
                {"CiphertextBlob": ANY, "SourceKeyId": OLD, "DestinationKeyId": NEW},
            )
        else:
            reencrypt_ok(stub, BLOBS["A"])
            stub.add_response("decrypt", {"KeyId": NEW}, {"KeyId": NEW, "CiphertextBlob": ANY})
        rotation.run([first.key])
    error = rotation.results[first.key].error
    assert error is not None and error.code == ErrorCode.NOT_THE_SERVICE
    field = answer_lacks.split("'s ")[1]
    assert f"(the answer holds no {field})" in error.message
    assert error.message.startswith("The endpoint https://kms.us-east-1.amazonaws.com answered")
