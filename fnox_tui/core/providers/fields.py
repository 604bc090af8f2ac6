"""Reading a provider's configuration fields, including ``{ secret = "NAME" }`` references.

A field written ``{ secret = "NAME" }`` takes the value of secret NAME, resolved as fnox does
when it builds the provider (the secret as defined in the profile, else the environment variable
NAME). That value is a plaintext, so it travels as a :class:`FieldValue` that names its secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.context import ProviderContext, ReferenceResolver
from fnox_tui.core.providers.field_value import FieldValue


def provider_table(definition: ProviderDef) -> str:
    """``[providers.kms]`` or ``[profiles.prod.providers.kms]``, for hints."""
    return f"[{definition.table}.{definition.name}]"


def config_error(definition: ProviderDef, message: str, hint: str = "") -> ProviderError:
    return ProviderError(message, hint=hint, code=ErrorCode.CONFIG)


def secret_reference(value: Any) -> str | None:
    """NAME when ``value`` is written ``{ secret = "NAME" }``."""
    if isinstance(value, dict) and set(value) == {"secret"} and isinstance(value["secret"], str):
        return value["secret"]
    return None


def referenced_fields(definition: ProviderDef) -> dict[str, str]:
    """Each field written ``{ secret = "NAME" }``, with NAME."""
    found = {}
    for name, value in definition.fields.items():
        secret = secret_reference(value)
        if secret is not None:
            found[name] = secret
    return found


def uses_references(definition: ProviderDef) -> bool:
    """Whether the provider's configuration takes anything from a secret or another provider:
    a ``{ secret = "NAME" }`` field, or an age ``identity = { provider, value }``."""
    return bool(referenced_fields(definition)) or isinstance(
        definition.fields.get("identity"), dict
    )


def resolve_references(
    definition: ProviderDef,
    references: ReferenceResolver | None,
    environ: Mapping[str, str],
) -> dict[str, FieldValue]:
    """Every ``{ secret = "NAME" }`` field of ``definition``, resolved (as fnox does when it
    builds the provider). Raises ProviderError naming the field and the secret."""
    return {
        name: resolve_reference(definition, name, secret, references, environ)
        for name, secret in referenced_fields(definition).items()
    }


def resolve_reference(
    definition: ProviderDef,
    field_name: str,
    secret: str,
    references: ReferenceResolver | None,
    environ: Mapping[str, str],
) -> FieldValue:
    if references is not None:
        return FieldValue.from_secret(references.secret_value(definition, secret), secret)
    value = environ.get(secret)
    if value is None:
        raise config_error(
            definition,
            f"`{field_name}` of provider {definition.name} comes from secret {secret}, which "
            "can only be resolved with the workspace loaded, and the environment has no "
            f"variable {secret}.",
            hint=f"Resolve it through a SecretResolver, or export {secret}.",
        )
    return FieldValue.from_secret(value, secret)


def text_field(
    definition: ProviderDef, name: str, context: ProviderContext, required: bool = False
) -> FieldValue | None:
    """A string field; a ``{ secret = "X" }`` reference gives X's value, marked as such."""
    resolved = context.resolved.get(name)
    if resolved is not None:
        return resolved
    value: Any = definition.fields.get(name)
    if value is None:
        if required:
            raise config_error(
                definition,
                f"Provider {definition.name} has no `{name}`.",
                hint=f'Add {name} = "..." to {provider_table(definition)}.',
            )
        return None
    if isinstance(value, str):
        return FieldValue.literal(value)
    secret = secret_reference(value)
    if secret is not None:
        return resolve_reference(definition, name, secret, context.references, context.environ)
    raise config_error(
        definition,
        f'`{name}` of provider {definition.name} must be a string or {{ secret = "NAME" }}.',
        hint=f"Fix `{name}` in {provider_table(definition)}.",
    )


def list_field(definition: ProviderDef, name: str) -> list[str]:
    value: Any = definition.fields.get(name)
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise config_error(
        definition,
        f"`{name}` of provider {definition.name} must be a list of strings.",
        hint=f"Fix `{name}` in {provider_table(definition)}.",
    )
