"""What fnox accepts in a configuration file, and checks that report what it would refuse.

fnox deserializes every table with ``deny_unknown_fields``: one unknown key makes it refuse
the whole file. fnox-tui reports each such field as a :class:`Problem` and keeps showing the
rest, so the user can see what to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fnox_tui.core.record import FrozenRecord

Check = Callable[[Any], bool]


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_table(value: Any) -> bool:
    return isinstance(value, dict)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_if_missing(value: Any) -> bool:
    return value in ("error", "warn", "ignore")


def _is_env_mode(value: Any) -> bool:
    return isinstance(value, bool) or value == "exec"


def _is_line(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _is_str_or_secret_ref(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, dict) and set(value) == {"secret"} and isinstance(value["secret"], str)


def _is_provider_ref(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    )


class FieldSpec(FrozenRecord):
    __slots__ = ("check", "expected")
    _fields = ("check", "expected")

    def __init__(self, check: Check, expected: str) -> None:
        self.check = check
        self.expected = expected


_STR = FieldSpec(_is_str, "a string")
_BOOL = FieldSpec(_is_bool, "a boolean")
_TABLE = FieldSpec(_is_table, "a table")
_STR_LIST = FieldSpec(_is_str_list, "an array of strings")
_IF_MISSING = FieldSpec(_is_if_missing, '"error", "warn" or "ignore"')
_ENV_MODE = FieldSpec(_is_env_mode, 'true, false or "exec"')
_REF = FieldSpec(_is_str_or_secret_ref, 'a string or { secret = "NAME" }')

TOP_LEVEL_FIELDS: dict[str, FieldSpec] = {
    "import": _STR_LIST,
    "root": _BOOL,
    "leases": _TABLE,
    "providers": _TABLE,
    "default_provider": _STR,
    "secrets": _TABLE,
    "profiles": _TABLE,
    "age_key_file": _STR,
    "if_missing": _IF_MISSING,
    "env": _ENV_MODE,
    "prompt_auth": _BOOL,
    "mcp": _TABLE,
    "daemon": _TABLE,
    "proxy": _TABLE,
}

PROFILE_FIELDS: dict[str, FieldSpec] = {
    "leases": _TABLE,
    "providers": _TABLE,
    "default_provider": _STR,
    "secrets": _TABLE,
}

SECRET_FIELDS: dict[str, FieldSpec] = {
    "description": _STR,
    "if_missing": _IF_MISSING,
    "default": _STR,
    "provider": _STR,
    "value": _STR,
    "env": _ENV_MODE,
    "as_file": _BOOL,
    "json_path": _STR,
    "line": FieldSpec(_is_line, "a positive integer"),
    "sync": FieldSpec(
        lambda v: (
            isinstance(v, dict)
            and isinstance(v.get("provider"), str)
            and isinstance(v.get("value"), str)
        ),
        '{ provider = "...", value = "..." }',
    ),
    "daemon_cache": _BOOL,
}

# Provider types: name -> (required fields, optional fields). Every type also accepts
# ``auth_command`` and ``daemon_cache``.
_R, _O, _L, _P = "required", "optional", "list", "provider_ref"
PROVIDER_TYPES: dict[str, dict[str, str]] = {
    "age": {"recipients": _L, "key_file": _O, "identity": _P},
    "aws-kms": {"key_id": _R, "region": _R, "profile": _O, "role_arn": _O, "endpoint": _O},
    "aws-sm": {"region": _R, "profile": _O, "role_arn": _O, "prefix": _O, "endpoint": _O},
    "aws-ps": {"region": _R, "profile": _O, "role_arn": _O, "prefix": _O, "endpoint": _O},
    "azure-kms": {"vault_url": _R, "key_name": _R},
    "azure-sm": {"vault_url": _R, "prefix": _O},
    "azure-ac": {"endpoint": _R, "label": _O, "prefix": _O},
    "gcp-kms": {"project": _R, "location": _R, "keyring": _R, "key": _R},
    "gcp-sm": {"project": _R, "prefix": _O},
    "fido2": {"credential_id": _R, "salt": _R, "rp_id": _R, "pin": _O},
    "yubikey": {"challenge": _R, "slot": _R},
    "plain": {},
    "vault": {
        "address": _O,
        "path": _O,
        "token": _O,
        "namespace": _O,
        "credential_command": _O,
    },
    "keychain": {"service": _R, "prefix": _O},
    "keepass": {"database": _R, "keyfile": _O, "password": _O},
    "password-store": {"prefix": _O, "store_dir": _O, "gpg_opts": _O},
    "bitwarden-sm": {"project_id": _O, "profile": _O},
    "foks": {"prefix": _O, "team": _O, "home": _O, "host": _O, "bot_token": _O},
    "1password": {"vault": _O, "account": _O, "token": _O},
    "bitwarden": {
        "collection": _O,
        "organization_id": _O,
        "profile": _O,
        "backend": _O,
    },
    "doppler": {"project": _O, "config": _O, "token": _O},
    "infisical": {"project_id": _O, "environment": _O, "path": _O},
    "proton-pass": {"vault": _O, "agent_reason": _O},
    "passwordstate": {
        "base_url": _R,
        "api_key": _O,
        "password_list_id": _R,
        "verify_ssl": _O,
    },
    "keeper-sm": {"config_file": _O, "token": _O},
}
PROVIDER_COMMON_FIELDS: dict[str, FieldSpec] = {"auth_command": _STR, "daemon_cache": _BOOL}

# Types whose ``value`` is ciphertext (or the plaintext itself) kept in the file.
LOCAL_TYPES = frozenset({"age", "aws-kms", "azure-kms", "gcp-kms", "fido2", "yubikey", "plain"})
# Types whose ``value`` is the name of a secret kept elsewhere.
REMOTE_TYPES = frozenset(PROVIDER_TYPES) - LOCAL_TYPES

_KIND_SPECS = {_R: _REF, _O: _REF, _L: _STR_LIST, _P: FieldSpec(_is_provider_ref, "a reference")}


class FieldIssue(FrozenRecord):
    """A problem at ``path`` (relative to the table checked)."""

    __slots__ = ("message", "path")
    _fields = ("path", "message")

    def __init__(self, path: tuple[str, ...], message: str) -> None:
        self.path = path
        self.message = message


def fields_ok(table: dict[str, Any], specs: dict[str, FieldSpec]) -> bool:
    """True when every field of ``table`` is known and well typed: check_fields has nothing.

    The quick test for the usual case, made once per secret of a file that may hold many.
    """
    for key, value in table.items():
        spec = specs.get(key)
        if spec is _STR:  # most fields: checked here, without a call
            if not isinstance(value, str):
                return False
        elif spec is None or not spec.check(value):
            return False
    return True


def check_fields(
    table: dict[str, Any], specs: dict[str, FieldSpec], what: str
) -> Iterator[FieldIssue]:
    for key, value in table.items():
        spec = specs.get(key)
        if spec is None:
            yield FieldIssue((key,), f"unknown field `{key}` in {what}; {_expected(specs)}")
        elif not spec.check(value):
            yield FieldIssue((key,), f"`{key}` in {what} must be {spec.expected}")


def _expected(specs: dict[str, FieldSpec]) -> str:
    names = ", ".join(f"`{name}`" for name in specs)
    return f"expected one of {names}" if len(specs) > 1 else f"expected {names}"


def check_provider(name: str, table: dict[str, Any]) -> Iterator[FieldIssue]:
    what = f"provider `{name}`"
    provider_type = table.get("type")
    if provider_type is None:
        yield FieldIssue((), f"{what} has no `type`")
        return
    fields = PROVIDER_TYPES.get(provider_type) if isinstance(provider_type, str) else None
    if fields is None:
        known = ", ".join(sorted(PROVIDER_TYPES))
        yield FieldIssue(("type",), f"{what} has unknown type {provider_type!r}; known: {known}")
        return
    specs = {name: _KIND_SPECS[kind] for name, kind in fields.items()}
    specs.update(PROVIDER_COMMON_FIELDS)
    rest = {key: value for key, value in table.items() if key != "type"}
    yield from check_fields(rest, specs, f"{what} ({provider_type})")
    for field_name, kind in fields.items():
        if kind in (_R, _L) and field_name not in table:
            yield FieldIssue((), f"{what} ({provider_type}) is missing `{field_name}`")
