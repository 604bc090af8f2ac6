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
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.identity import EntryId

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
    verified: tuple[EntryId, ...] = ()
    failures: tuple[Failure, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        count = len(self.verified)
        good = f"verified {count} value{'' if count == 1 else 's'}"
        if self.ok:
            return good
        bad = "; ".join(str(failure) for failure in self.failures)
        return f"{good}; {len(self.failures)} did NOT decrypt to what you entered: {bad}"


MISMATCH = "decrypts to a different value than the one entered"


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
