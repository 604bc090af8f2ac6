"""What a rotation points the provider at: a new KMS key, or a new set of age recipients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class KmsTarget:
    """The new KMS key. ``key_id`` is the text written into the provider's ``key_id`` (an ARN
    is recommended: an alias can later be pointed elsewhere); ``arn`` is the key's ARN as
    DescribeKey gave it, used for every call and for comparisons."""

    key_id: str
    arn: str

    def provider_fields(self) -> dict[str, Any]:
        return {"key_id": self.key_id}

    def to_json(self) -> dict[str, Any]:
        return {"key_id": self.key_id, "arn": self.arn}


@dataclass(frozen=True, slots=True)
class AgeTarget:
    """The new recipient set (public keys only), in the order written to ``recipients``."""

    recipients: tuple[str, ...]

    def provider_fields(self) -> dict[str, Any]:
        return {"recipients": list(self.recipients)}

    def to_json(self) -> dict[str, Any]:
        return {"recipients": list(self.recipients)}


Target = KmsTarget | AgeTarget


def target_from_json(data: Any) -> Target:
    """The inverse of ``to_json``; raises ValueError on anything else."""
    if isinstance(data, dict):
        if isinstance(data.get("key_id"), str) and isinstance(data.get("arn"), str):
            return KmsTarget(data["key_id"], data["arn"])
        recipients = data.get("recipients")
        if isinstance(recipients, list) and all(isinstance(r, str) for r in recipients):
            return AgeTarget(tuple(recipients))
    raise ValueError("not a rotation target")
