"""After a save: every written value decrypts back to what the user entered.

A form encrypts what the user typed and drops the plaintext at once; what stays in memory is a
keyed digest of it (HMAC-SHA256 under a key drawn when the process starts, so a digest cannot
be looked up or compared with anything outside this process), with the profile and provider
that encrypted it: an :class:`ExpectedValue`. Once the files are saved and loaded again, each
written value is decrypted through the provider the reloaded configuration names for it and
its digest compared with the expected one; the plaintext is dropped as soon as it is hashed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fnox_tui.core.changes import NetChange, thaw_fields
from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.identity import EntryId
from fnox_tui.core.model import DEFAULT_PROFILE, ProviderDef, SecretDef

if TYPE_CHECKING:
    from fnox_tui.core.model import Workspace
    from fnox_tui.core.resolver import SecretResolver

_KEY = secrets.token_bytes(32)


def plaintext_digest(plaintext: str) -> bytes:
    """The keyed digest of a plaintext (valid in this process only)."""
    return hmac.new(_KEY, plaintext.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()


@dataclass(frozen=True, slots=True, repr=False)
class ExpectedValue:
    """What the value written to ``entry`` must decrypt to (as a digest), and through what:
    ``provider`` as profile ``profile`` defines it (None: as the reloaded entry says)."""

    entry: EntryId
    digest: bytes
    profile: str | None = None
    provider: str | None = None

    @classmethod
    def of(
        cls,
        entry: EntryId,
        plaintext: str,
        *,
        profile: str | None = None,
        provider: str | None = None,
    ) -> ExpectedValue:
        return cls(entry, plaintext_digest(plaintext), profile, provider)

    def matches(self, plaintext: str) -> bool:
        return hmac.compare_digest(plaintext_digest(plaintext), self.digest)

    def __repr__(self) -> str:
        return f"ExpectedValue({self.entry}, profile={self.profile}, provider={self.provider})"


class NotWrittenError(FnoxTuiError):
    """The entry is not in the reloaded file, or has no value there."""


@dataclass(frozen=True, slots=True)
class Failure:
    entry: EntryId
    reason: str

    def __str__(self) -> str:
        return f"{self.entry.name} in {self.entry.path.name}: {self.reason}"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """``verified``: values that decrypt to what was entered; ``entries``: how many entries
    read back as staged; ``failures``: what did not (either way)."""

    verified: tuple[EntryId, ...] = ()
    failures: tuple[Failure, ...] = ()
    entries: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        parts = []
        count = len(self.verified)
        if count:
            parts.append(f"verified {count} value{'' if count == 1 else 's'}")
        if self.entries:
            noun = "entry" if self.entries == 1 else "entries"
            parts.append(f"{self.entries} {noun} read back as staged")
        good = ", ".join(parts) or "nothing was checked"
        if self.ok:
            return good
        bad = "; ".join(str(failure) for failure in self.failures)
        return f"{good}; {len(self.failures)} did NOT check out: {bad}"

    def __add__(self, other: VerifyReport) -> VerifyReport:
        return VerifyReport(
            self.verified + other.verified,
            self.failures + other.failures,
            self.entries + other.entries,
        )


MISMATCH = "decrypts to a different value than the one entered"
NOT_AS_STAGED = "the file does not hold what was staged"


def check_entries(workspace: Workspace, nets: Mapping[EntryId, NetChange]) -> VerifyReport:
    """Each changed entry, read back from the reloaded files, holds what was staged: a deleted
    one is gone, the others have the fields set (values compared as stored: ciphertexts) and
    not those removed."""
    failures: list[Failure] = []
    for entry, net in nets.items():
        found = workspace.secret_def(entry) if entry.is_secret else workspace.provider_def(entry)
        if net.op == "delete":
            if found is not None:
                failures.append(Failure(entry, "it is still in the file after saving"))
            continue
        fields = _fields_of(found) if found is not None else None
        if fields is None:
            failures.append(Failure(entry, "it is not in the file after saving"))
            continue
        wanted = thaw_fields(net.fields)
        removed = net.remove if net.op == "update" else ()
        if any(fields.get(k) != v for k, v in wanted.items()) or any(
            name in fields for name in removed
        ):
            failures.append(Failure(entry, NOT_AS_STAGED))
    return VerifyReport(failures=tuple(failures), entries=len(nets) - len(failures))


def _fields_of(definition: SecretDef | ProviderDef) -> dict[str, object]:
    if isinstance(definition, ProviderDef):
        return {"type": definition.type, **definition.fields}
    return dict(definition.fields)


def verify_values(
    expected: Iterable[ExpectedValue], decrypt: Callable[[ExpectedValue], str]
) -> VerifyReport:
    """Decrypt each written value with ``decrypt`` and compare it with what was entered.

    ``decrypt`` raises a FnoxTuiError (its message is shown: it must hold no value) when it
    cannot; any other exception is reported by its type only.
    """
    verified: list[EntryId] = []
    failures: list[Failure] = []
    for item in expected:
        try:
            ok = item.matches(decrypt(item))
        except FnoxTuiError as error:
            failures.append(Failure(item.entry, _first_line(str(error))))
            continue
        except Exception as error:  # a bug: its text could hold anything
            failures.append(Failure(item.entry, f"could not be checked ({type(error).__name__})"))
            continue
        if ok:
            verified.append(item.entry)
        else:
            failures.append(Failure(item.entry, MISMATCH))
    return VerifyReport(tuple(verified), tuple(failures))


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "could not be decrypted"


def decrypt_written(workspace: Workspace, resolver: SecretResolver, item: ExpectedValue) -> str:
    """The plaintext of the value now written to ``item.entry`` in the reloaded ``workspace``,
    decrypted by the provider that encrypted it (as ``item.profile`` defines it)."""
    definition = workspace.secret_def(item.entry)
    if definition is None:
        raise NotWrittenError("the entry is not in the file after saving")
    value = definition.value
    if value is None:
        raise NotWrittenError("the entry has no value in the file after saving")
    profile = item.profile or item.entry.scope_profile or DEFAULT_PROFILE
    view = workspace.profiles.get(profile)
    if view is None:
        raise NotWrittenError(f"profile {profile} is no longer loaded")
    name = item.provider or definition.provider or view.default_provider
    if name is None and len(view.providers) == 1:
        name = next(iter(view.providers))
    provider = view.providers.get(name) if name is not None else None
    if provider is None:
        raise NotWrittenError(f"profile {profile} has no provider {name or '(none)'}")
    return resolver.registry.get(provider, resolver.references(profile)).resolve(value)
