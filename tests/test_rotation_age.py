"""Age rotation: recipients added or removed, verified with the user's identity (pyrage)."""

from __future__ import annotations

import base64
import textwrap
from pathlib import Path

import pyrage
import pytest
from pyrage import x25519

from fnox_tui.core.providers.age_identity import IdentitySource, parse_identities
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.rotation.age import check_recipients, generate_identity, identity_locations
from fnox_tui.core.rotation.execute import Rotation
from fnox_tui.core.rotation.plan import RotationPlan, Route, Slot
from fnox_tui.core.rotation.targets import AgeTarget
from tests.age_people import VALUES, People, decrypt, write_alice_workspace
from tests.rotation_helpers import make_plan


@pytest.fixture
def people() -> People:
    return People()


@pytest.fixture
def root(tmp_path: Path, people: People) -> Path:
    return write_alice_workspace(tmp_path / "ws", people)


@pytest.fixture
def registry(root: Path) -> ProviderRegistry:
    return ProviderRegistry(environ={"HOME": str(root)}, cwd=root)


def run(plan: RotationPlan, registry: ProviderRegistry, recipients: list[str]) -> Rotation:
    rotation = Rotation(plan, AgeTarget(tuple(recipients)), registry.context, concurrency=2)
    summary = rotation.run()
    assert summary.complete, rotation.failed()
    return rotation


def test_add_a_recipient(root: Path, registry: ProviderRegistry, people: People) -> None:
    plan = make_plan(root, "age")
    recipients = [people.public(people.alice), people.public(people.bob)]
    rotation = run(plan, registry, recipients)

    assert all(r.verified and r.route is Route.DECRYPT_ENCRYPT for r in rotation.results.values())
    output = rotation.output()
    assert output.provider_fields == {"recipients": recipients}
    for entry, slots in output.values.items():
        assert decrypt(slots[Slot.VALUE], people.bob) == VALUES[entry.name]
        assert decrypt(slots[Slot.VALUE], people.alice) == VALUES[entry.name]
    assert registry.stats.kms_requests == 0


def test_remove_own_recipient_is_done_but_unverified(
    root: Path, registry: ProviderRegistry, people: People
) -> None:
    plan = make_plan(root, "age")
    rotation = run(plan, registry, [people.public(people.bob)])

    assert [r.verified for r in rotation.results.values()] == [False, False]
    assert len(rotation.unverified()) == 2
    assert "needs an identity among the new recipients" in rotation.unverified()[0].note
    for entry, slots in rotation.output().values.items():
        assert decrypt(slots[Slot.VALUE], people.bob) == VALUES[entry.name]
        with pytest.raises(pyrage.DecryptError):
            decrypt(slots[Slot.VALUE], people.alice)


def test_remove_another_recipient(tmp_path: Path, people: People) -> None:
    carol = x25519.Identity.generate()
    root = tmp_path / "two"
    root.mkdir()
    both = [people.alice.to_public(), carol.to_public()]
    blob = base64.b64encode(pyrage.encrypt(b"shared", both)).decode()
    recipients = ", ".join(f'"{r}"' for r in both)
    (root / "fnox.toml").write_text(
        textwrap.dedent(
            f"""\
            root = true
            [providers]
            age = {{ type = "age", recipients = [{recipients}] }}
            [secrets]
            S = {{ provider = "age", value = "{blob}" }}
            """
        )
    )
    registry = ProviderRegistry(environ={"HOME": str(root), "FNOX_AGE_KEY": str(people.alice)})
    rotation = run(make_plan(root, "age"), registry, [people.public(people.alice)])
    [value] = [slots[Slot.VALUE] for slots in rotation.output().values.values()]
    assert rotation.results[next(iter(rotation.results))].verified
    assert decrypt(value, people.alice) == "shared"
    with pytest.raises(pyrage.DecryptError):
        decrypt(value, carol)


def test_without_an_identity_rows_fail_with_where_it_looked(root: Path, people: People) -> None:
    (root / "keys" / "alice.txt").unlink()
    registry = ProviderRegistry(environ={"HOME": str(root)}, cwd=root)
    plan = make_plan(root, "age")
    rotation = Rotation(plan, AgeTarget((people.public(people.bob),)), registry.context)
    summary = rotation.run()
    assert summary.failed == 2
    error = rotation.failed()[0].error
    assert error is not None and error.code == ErrorCode.AGE_NO_IDENTITY


def test_bad_new_recipient_is_refused(root: Path, registry: ProviderRegistry) -> None:
    plan = make_plan(root, "age")
    with pytest.raises(ProviderError, match="is not an age"):
        Rotation(plan, AgeTarget(("not-a-key",)), registry.context)


def test_check_recipients(people: People, root: Path) -> None:
    plan = make_plan(root, "age")
    alice, bob = people.public(people.alice), people.public(people.bob)
    mine = parse_identities(str(people.alice), IdentitySource("test"))

    added = check_recipients(plan.definition, [alice, f"  {bob} ", bob], mine)
    assert added.ok and added.can_verify
    assert added.recipients == (alice, bob)
    assert added.added == (bob,) and added.removed == ()
    assert added.warnings == ["Repeated recipients are written once."]
    assert added.target() == AgeTarget((alice, bob))

    removed = check_recipients(plan.definition, [bob], mine)
    assert removed.ok and not removed.can_verify
    assert removed.removed == (alice,)
    assert "you will not be able to decrypt" in removed.warnings[0]

    same = check_recipients(plan.definition, [alice], mine)
    assert same.problems == ["The recipients are the same as now: there is nothing to rotate."]

    bad = check_recipients(
        plan.definition, ["age1plugin1xyz", str(people.bob), "nope", "ssh-ed25519 AAAA"], mine
    )
    assert [problem.split(") ", 1)[1] for problem in bad.problems] == [
        "is an age plugin recipient, which fnox-tui cannot encrypt to.",
        "is a secret key: paste its public key (age1...) instead.",
        "is not an age (age1...) or SSH (ssh-ed25519, ssh-rsa) public key.",
        "is not an age (age1...) or SSH (ssh-ed25519, ssh-rsa) public key.",
    ]
    shown = " ".join(bad.problems)
    secret = str(people.bob)
    assert "(a secret key)" in shown  # a pasted secret key is never echoed, not even in part
    assert secret[16:28] not in shown and secret[-11:] not in shown
    assert check_recipients(plan.definition, [], mine).problems == [
        "At least one recipient is needed."
    ]


def test_generate_identity(root: Path, registry: ProviderRegistry) -> None:
    before = sorted(root.rglob("*"))
    generated = generate_identity()
    assert generated.public_key.startswith("age1")
    assert generated.secret_key.startswith("AGE-SECRET-KEY-1")
    assert generated.secret_key not in repr(generated)
    identity = x25519.Identity.from_str(generated.secret_key)
    assert str(identity.to_public()) == generated.public_key
    text = generated.file_text()
    assert (
        text.endswith(generated.secret_key + "\n")
        and f"# public key: {generated.public_key}" in text
    )
    assert sorted(root.rglob("*")) == before  # nothing written anywhere
    places = identity_locations(make_plan(root, "age").definition, registry.context)
    assert any(str(root / "keys" / "alice.txt") in place for place in places)
