"""What a rotation produced: a result per value, and the output the commit step writes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fnox_tui.core.identity import EntryId
from fnox_tui.core.providers.base import ProviderError
from fnox_tui.core.rotation.plan import Route, RowKey, Slot
from fnox_tui.core.rotation.verify import Verification


class RowStatus(enum.StrEnum):
    PENDING = "pending"  # not started, or given back by a cancel
    WORKING = "working"
    DONE = "done"  # re-encrypted and verified (or unverifiable, see RowResult.note)
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Rotated:
    """What a rotator returns for a row: the new ciphertext, the route taken, the check."""

    ciphertext: str
    route: Route
    verification: Verification


@dataclass(frozen=True, slots=True)
class RowResult:
    """One value's outcome. ``error`` explains a failure in a sentence (never a value);
    ``new_ciphertext`` is set once DONE. ``verified`` is False only for an age value that no
    identity at hand can decrypt (``note`` says so)."""

    key: RowKey
    status: RowStatus
    route: Route | None = None
    new_ciphertext: str | None = None
    verified: bool = False
    note: str = ""
    error: ProviderError | None = None
    attempts: int = 0

    @property
    def done(self) -> bool:
        return self.status is RowStatus.DONE


@dataclass(frozen=True, slots=True)
class RunSummary:
    """The counts after ``Rotation.run``: what the progress bar ends on."""

    done: int
    failed: int
    pending: int
    total: int
    cancelled: bool
    seconds: float
    kms_requests: int = 0

    @property
    def complete(self) -> bool:
        return self.done == self.total


@dataclass(frozen=True, slots=True)
class RotationOutput:
    """Everything the commit step writes, in one atomic save.

    - ``provider``: the provider definition to change, and ``provider_fields`` the fields to
      set in it: ``{"key_id": "..."}`` (aws-kms) or ``{"recipients": [...]}`` (age).
    - ``values``: for each entry, the new ciphertext of each slot: ``Slot.VALUE`` is the
      secret's ``value``, ``Slot.SYNC`` the ``value`` inside its ``sync = { ... }``, and
      ``Slot.IDENTITY`` the ``value`` inside an age provider's ``identity = { ... }``
      (the entry is then a provider). Every other field stays as it is.
    - ``files``: the SHA-256 (hex, of the UTF-8 text) of every involved file as the plan
      read it; the commit must refuse to write a file whose text changed since.
    """

    provider: EntryId
    provider_fields: dict[str, Any]
    values: dict[EntryId, dict[Slot, str]] = field(default_factory=dict)
    files: dict[Path, str] = field(default_factory=dict)

    @property
    def value_count(self) -> int:
        return sum(len(slots) for slots in self.values.values())
