"""Re-encrypting age values to a new recipient set, checking recipients, new identities.

Each value is decrypted with the user's identity (found as fnox finds it), encrypted to the new
recipients and, when the user's identity is among them, decrypted again and compared (SHA-256
digests in memory; the plaintext is dropped at once). A generated identity is returned to the
caller, never written anywhere.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyrage
from pyrage import ssh, x25519

from fnox_tui.core.discovery import global_config_dir, resolve_relative
from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.age import AgeProvider
from fnox_tui.core.providers.age_identity import Identities
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.core.providers.encoding import b64encode, utf8_plaintext
from fnox_tui.core.rotation.cancel import CancelCheck, raise_if
from fnox_tui.core.rotation.plan import PlanRow, Route
from fnox_tui.core.rotation.results import Rotated
from fnox_tui.core.rotation.targets import AgeTarget
from fnox_tui.core.rotation.verify import digest, verify_age


@dataclass(frozen=True, slots=True)
class GeneratedIdentity:
    """A new X25519 identity. ``secret_key`` is shown to the user once, never stored here."""

    public_key: str
    secret_key: str = field(repr=False)
    created: datetime = field(default_factory=lambda: datetime.now(UTC))

    def file_text(self) -> str:
        """The identity file as ``age-keygen`` writes it."""
        stamp = self.created.replace(microsecond=0).isoformat()
        return f"# created: {stamp}\n# public key: {self.public_key}\n{self.secret_key}\n"


def generate_identity() -> GeneratedIdentity:
    identity = x25519.Identity.generate()
    return GeneratedIdentity(str(identity.to_public()), str(identity))


def identity_locations(definition: ProviderDef, context: ProviderContext) -> list[str]:
    """Where fnox would find an identity for this provider, first found wins (for the UI to
    say where to store a generated one)."""
    environ = context.environ
    places = ["the environment variable FNOX_AGE_KEY (the key text)"]
    key_file = definition.fields.get("key_file")
    if isinstance(key_file, str):
        places.append(
            f"{resolve_relative(key_file, definition.location.path.parent, environ)} "
            "(key_file of the provider)"
        )
    places.append("the file named by FNOX_AGE_KEY_FILE")
    places.append(f"{global_config_dir(environ) / 'age.txt'} (the default identity file)")
    return places


def parse_recipient(text: str) -> Any | None:
    """An age X25519 or SSH (ed25519, RSA) recipient, or None."""
    stripped = text.strip()
    for parser in (ssh.Recipient.from_str, x25519.Recipient.from_str):
        try:
            return parser(stripped)
        except pyrage.RecipientError:
            continue
    return None


@dataclass(slots=True)
class RecipientCheck:
    """The new recipient set, checked. ``problems`` make it unusable; ``warnings`` do not."""

    recipients: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    can_verify: bool = False  # the user's identity is among the new recipients

    @property
    def ok(self) -> bool:
        return not self.problems

    def target(self) -> AgeTarget:
        return AgeTarget(self.recipients)


def check_recipients(
    definition: ProviderDef,
    recipients: Sequence[str],
    identities: Identities | None = None,
) -> RecipientCheck:
    """Check a new recipient set for ``definition``; ``identities`` are the user's (for the
    warning that they could no longer decrypt, and for verification)."""
    cleaned = tuple(dict.fromkeys(text.strip() for text in recipients if text.strip()))
    current = definition.fields.get("recipients") or []
    current = [str(text).strip() for text in current] if isinstance(current, list) else []
    check = RecipientCheck(
        recipients=cleaned,
        added=tuple(text for text in cleaned if text not in current),
        removed=tuple(text for text in current if text not in cleaned),
    )
    if not cleaned:
        check.problems.append("At least one recipient is needed.")
    if len(cleaned) < len([text for text in recipients if text.strip()]):
        check.warnings.append("Repeated recipients are written once.")
    parsed = []
    for number, text in enumerate(cleaned, 1):
        recipient = parse_recipient(text)
        if recipient is None:
            shown = "a secret key" if _is_secret_key(text) else _short(text)
            check.problems.append(f"Recipient {number} ({shown}) {_why_not(text)}.")
        else:
            parsed.append(recipient)
    if not check.added and not check.removed and cleaned:
        check.problems.append("The recipients are the same as now: there is nothing to rotate.")
    if identities is not None and parsed:
        check.can_verify = bool(_matching(identities, parsed))
    if not check.can_verify and not check.problems:
        check.warnings.append(
            "None of your identities is among the new recipients: you will not be able to "
            "decrypt these values afterwards, and fnox-tui cannot verify them."
        )
    return check


def _is_secret_key(text: str) -> bool:
    """An identity pasted where a public key belongs: never echo it."""
    return text.strip().upper().startswith(("AGE-SECRET-KEY-", "AGE-PLUGIN-", "-----BEGIN"))


def _why_not(text: str) -> str:
    stripped = text.strip()
    if stripped.startswith("age1") and "1" in stripped[4:]:
        return "is an age plugin recipient, which fnox-tui cannot encrypt to"
    if _is_secret_key(stripped):
        return "is a secret key: paste its public key (age1...) instead"
    return "is not an age (age1...) or SSH (ssh-ed25519, ssh-rsa) public key"


def _matching(identities: Identities, recipients: list[Any]) -> list[Any]:
    """The identities that can decrypt for one of ``recipients``."""
    probe = b"fnox-tui recipient probe"
    found = []
    for identity in identities.identities:
        for recipient in recipients:
            try:
                if pyrage.decrypt(pyrage.encrypt(probe, [recipient]), [identity]) == probe:
                    found.append(identity)
                    break
            except (pyrage.EncryptError, pyrage.DecryptError):
                continue
    return found


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 12] + "…" + text[-11:]


class AgeRotator:
    """Re-encrypts values of one age provider definition to ``target``'s recipients."""

    def __init__(
        self, definition: ProviderDef, target: AgeTarget, context: ProviderContext
    ) -> None:
        self.old = AgeProvider(definition, context)
        fields = {**definition.fields, "recipients": list(target.recipients)}
        new = ProviderDef(
            definition.name, definition.type, fields, definition.location, definition.profile
        )
        self.new = AgeProvider(new, context)
        self.recipients = self.new.parsed_recipients()  # raises ProviderError when one is bad
        self._lock = threading.Lock()
        self._verifiers: list[Any] | None = None

    def verifiers(self) -> list[Any]:
        """The user's identities that are among the new recipients (found once)."""
        with self._lock:
            if self._verifiers is None:
                self._verifiers = _matching(self.old.identities(), self.recipients)
            return self._verifiers

    def rotate(self, row: PlanRow, route: Route, cancelled: CancelCheck) -> Rotated:
        data = utf8_plaintext(self.old.resolve(row.ciphertext))
        expected = digest(data)
        try:
            raise_if(cancelled)
            try:
                blob = pyrage.encrypt(data, self.recipients)
            except pyrage.EncryptError:
                raise ProviderError(
                    f"age could not encrypt to the new recipients of provider "
                    f"{self.old.definition.name}.",
                    hint="Check the recipients.",
                    code=ErrorCode.AGE_BAD_RECIPIENT,
                ) from None
        finally:
            del data
        verification = verify_age(blob, self.verifiers(), expected)
        return Rotated(b64encode(blob), Route.DECRYPT_ENCRYPT, verification)

    def close(self) -> None:
        return None
