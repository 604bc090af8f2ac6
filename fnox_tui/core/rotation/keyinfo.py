"""KMS keys for the walkthrough: the current key's details, a pasted new key resolved and
checked, and a new key created.

Every call goes through the rotated provider's client (its region, profile, role and
endpoint). Calls that only add detail (ListAliases, GetKeyRotationStatus) may be denied: the
detail then says so and the rest stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from botocore.exceptions import ClientError

from fnox_tui.core.providers.aws_errors import ACCESS_DENIED, translate
from fnox_tui.core.providers.aws_kms import ROTATION_DENIED, AwsKmsProvider
from fnox_tui.core.providers.base import ErrorCode, ProviderError

KEY_DESCRIPTION = "fnox secrets encryption"
_PROBE = b"fnox-tui key check"
_ALIAS_RE = re.compile(r"^alias/[a-zA-Z0-9/_-]{1,250}$")


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What DescribeKey (and friends) told about one key."""

    key_id: str  # the key's id (UUID or mrk-...)
    arn: str
    state: str  # Enabled, Disabled, PendingDeletion, ...
    key_usage: str
    key_spec: str
    region: str  # from the ARN
    aliases: tuple[str, ...] = ()
    created: datetime | None = None
    description: str = ""
    rotation: str = ""  # "on (every 365 days)", "off", "unknown (access denied)", ...
    manager: str = ""  # CUSTOMER or AWS
    notes: tuple[str, ...] = ()  # details that could not be read, and why

    @property
    def enabled(self) -> bool:
        return self.state == "Enabled"

    def facts(self) -> list[tuple[str, str]]:
        """Labelled lines for the walkthrough's first step."""
        facts = [("Key ARN", self.arn)]
        facts.append(("Aliases", ", ".join(self.aliases) if self.aliases else "none"))
        facts += [("State", self.state), ("Region", self.region)]
        if self.created is not None:
            created = self.created
            zone = ""
            if created.tzinfo is not None:  # botocore's answers are in local time: shown in UTC
                created, zone = created.astimezone(UTC), " UTC"
            facts.append(("Created", created.isoformat(sep=" ", timespec="seconds")[:19] + zone))
        if self.rotation:
            facts.append(("Automatic rotation", self.rotation))
        if self.description:
            facts.append(("Description", self.description))
        return facts


@dataclass(frozen=True, slots=True)
class Check:
    name: str  # "enabled", "usage", "spec", "region", "round trip", "not current"
    ok: bool
    message: str


@dataclass(slots=True)
class KeyValidation:
    """The outcome of checking a new key; ``error`` when it could not even be described."""

    text: str
    key: KeyInfo | None = None
    checks: list[Check] = field(default_factory=list)
    error: ProviderError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.key is not None and all(c.ok for c in self.checks)

    @property
    def problems(self) -> list[str]:
        if self.error is not None:
            return [self.error.message]
        return [check.message for check in self.checks if not check.ok]


def region_of(arn: str) -> str:
    parts = arn.split(":", 5)
    return parts[3] if len(parts) == 6 and parts[0] == "arn" else ""


def describe_key(provider: AwsKmsProvider, key: str | None = None) -> KeyInfo:
    """DescribeKey of ``key`` (default: the provider's ``key_id``), with its aliases and
    rotation status when allowed. Raises ProviderError when DescribeKey itself fails."""
    text = (key if key is not None else provider.key_id.value).strip()
    if not text:
        raise ProviderError(
            "Enter a key id, an alias (alias/NAME) or a key ARN.", code=ErrorCode.CONFIG
        )
    metadata = provider.call("describe_key", text, KeyId=text)["KeyMetadata"]
    arn = str(metadata.get("Arn") or "")
    notes: list[str] = []
    aliases = _aliases(provider, str(metadata.get("KeyId") or text), notes)
    spec = str(metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec") or "")
    created = metadata.get("CreationDate")
    return KeyInfo(
        key_id=str(metadata.get("KeyId") or ""),
        arn=arn,
        state=str(metadata.get("KeyState") or ("Enabled" if metadata.get("Enabled") else "?")),
        key_usage=str(metadata.get("KeyUsage") or ""),
        key_spec=spec,
        region=region_of(arn),
        aliases=aliases,
        created=created if isinstance(created, datetime) else None,
        description=str(metadata.get("Description") or ""),
        rotation=_rotation(provider, arn, spec, notes),
        manager=str(metadata.get("KeyManager") or ""),
        notes=tuple(notes),
    )


def _aliases(provider: AwsKmsProvider, key_id: str, notes: list[str]) -> tuple[str, ...]:
    try:
        pages = provider.client().get_paginator("list_aliases").paginate(KeyId=key_id)
        return tuple(
            str(alias["AliasName"])
            for page in pages
            for alias in page.get("Aliases", [])
            if alias.get("AliasName")
        )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        reason = "access denied" if code in ACCESS_DENIED else code or "failed"
        notes.append(f"Aliases unknown ({reason}: kms:ListAliases).")
    except Exception as error:
        notes.append(f"Aliases unknown ({translate(error, provider.target(key_id)).message})")
    return ()


def _rotation(provider: AwsKmsProvider, arn: str, spec: str, notes: list[str]) -> str:
    rotation = provider.rotation_status(arn, spec)
    if rotation == ROTATION_DENIED:
        notes.append("Automatic rotation unknown (access denied: kms:GetKeyRotationStatus).")
    return rotation


def validate_new_key(
    provider: AwsKmsProvider, text: str, current: KeyInfo | None = None
) -> KeyValidation:
    """Resolve a pasted key id, alias or ARN and check it can replace the current key:
    enabled, ENCRYPT_DECRYPT, SYMMETRIC_DEFAULT, in the provider's region, a test Encrypt and
    Decrypt succeed, and it is not the current key (ARNs compared)."""
    validation = KeyValidation(text.strip())
    try:
        key = describe_key(provider, text)
    except ProviderError as error:
        validation.error = _pasted_key_error(error, validation.text)
        return validation
    validation.key = key
    add = validation.checks.append
    region = provider.region()
    add(
        Check(
            "enabled",
            key.enabled,
            "Enabled" if key.enabled else f"The key is {key.state}, not Enabled.",
        )
    )
    add(
        Check(
            "usage",
            key.key_usage in ("ENCRYPT_DECRYPT", ""),
            f"Key usage {key.key_usage or 'ENCRYPT_DECRYPT'}"
            if key.key_usage in ("ENCRYPT_DECRYPT", "")
            else f"The key's usage is {key.key_usage}; fnox needs ENCRYPT_DECRYPT.",
        )
    )
    add(
        Check(
            "spec",
            key.key_spec in ("SYMMETRIC_DEFAULT", ""),
            f"Key spec {key.key_spec or 'SYMMETRIC_DEFAULT'}"
            if key.key_spec in ("SYMMETRIC_DEFAULT", "")
            else f"The key's spec is {key.key_spec}; fnox needs SYMMETRIC_DEFAULT.",
        )
    )
    same_region = not key.region or key.region == region
    add(
        Check(
            "region",
            same_region,
            f"In region {region}, the provider's region"
            if same_region
            else f"The key is in region {key.region}; provider {provider.definition.name} "
            f"calls KMS in {region}. Use a key (or a multi-Region replica) in {region}.",
        )
    )
    is_current = current is not None and bool(current.arn) and current.arn == key.arn
    add(
        Check(
            "not current",
            not is_current,
            "Not the current key"
            if not is_current
            else "This is the key the provider uses now; choose or create another.",
        )
    )
    if same_region:
        add(_round_trip(provider, key))
    return validation


def _round_trip(provider: AwsKmsProvider, key: KeyInfo) -> Check:
    """A test Encrypt then Decrypt with the key (a fixed probe, not a secret)."""
    try:
        blob = provider.call("encrypt", key.arn, KeyId=key.arn, Plaintext=_PROBE)["CiphertextBlob"]
        back = provider.call("decrypt", key.arn, KeyId=key.arn, CiphertextBlob=blob)["Plaintext"]
    except ProviderError as error:
        return Check("round trip", False, f"A test encryption failed: {error.message}")
    if back != _PROBE:
        return Check("round trip", False, "A test encryption did not decrypt to the same bytes.")
    return Check("round trip", True, "A test Encrypt and Decrypt succeeded")


def _pasted_key_error(error: ProviderError, text: str) -> ProviderError:
    if error.code == ErrorCode.KEY_NOT_FOUND and not text.startswith(("alias/", "arn:")):
        looks_like_id = re.fullmatch(r"(mrk-)?[0-9a-f-]{32,36}", text) is not None
        if not looks_like_id:
            return ProviderError(
                error.message,
                hint=f"An alias is written alias/NAME (alias/{text}?); a key id is a UUID.",
                code=error.code,
            )
    return error


def create_key(provider: AwsKmsProvider, alias: str | None = None) -> tuple[KeyInfo, str]:
    """CreateKey (symmetric, ENCRYPT_DECRYPT, description "fnox secrets encryption") and
    optionally CreateAlias. Returns the key and a note ("" or why the alias was not made: the
    key exists either way). Raises ProviderError when the key could not be created."""
    name = None
    if alias:
        name = alias if alias.startswith("alias/") else f"alias/{alias}"
        problem = alias_problem(name)
        if problem:
            raise ProviderError(problem, code=ErrorCode.CONFIG)
    metadata = provider.call(
        "create_key",
        "",
        Description=KEY_DESCRIPTION,
        KeyUsage="ENCRYPT_DECRYPT",
        KeySpec="SYMMETRIC_DEFAULT",
    )["KeyMetadata"]
    key_id = str(metadata["KeyId"])
    note = ""
    if name:
        try:
            provider.call("create_alias", name, AliasName=name, TargetKeyId=key_id)
        except ProviderError as error:
            note = f"The key was created, but not the alias {name}: {error.message}"
    return describe_key(provider, str(metadata.get("Arn") or key_id)), note


def alias_problem(name: str) -> str:
    """Why ``name`` cannot be a new alias, or ""."""
    if name.startswith("alias/aws/"):
        return "Aliases beginning with alias/aws/ are reserved for AWS managed keys."
    if not _ALIAS_RE.match(name):
        return "An alias is alias/ followed by letters, digits, /, _ or - (at most 256 in all)."
    return ""
