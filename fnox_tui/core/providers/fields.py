"""Reading a provider's configuration fields, including ``{ secret = "NAME" }`` references."""

from __future__ import annotations

from typing import Any

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.context import ProviderContext


def provider_table(definition: ProviderDef) -> str:
    """``[providers.kms]`` or ``[profiles.prod.providers.kms]``, for hints."""
    return f"[{definition.table}.{definition.name}]"


def config_error(definition: ProviderDef, message: str, hint: str = "") -> ProviderError:
    return ProviderError(message, hint=hint, code=ErrorCode.CONFIG)


def text_field(
    definition: ProviderDef, name: str, context: ProviderContext, required: bool = False
) -> str | None:
    """A string field; a ``{ secret = "X" }`` reference is resolved to X's value."""
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
        return value
    if isinstance(value, dict) and set(value) == {"secret"} and isinstance(value["secret"], str):
        return _secret_reference(definition, name, value["secret"], context)
    raise config_error(
        definition,
        f'`{name}` of provider {definition.name} must be a string or {{ secret = "NAME" }}.',
        hint=f"Fix `{name}` in {provider_table(definition)}.",
    )


def _secret_reference(
    definition: ProviderDef, field_name: str, secret: str, context: ProviderContext
) -> str:
    if context.references is not None:
        return context.references.secret_value(definition, secret)
    value = context.environ.get(secret)
    if value is None:
        raise config_error(
            definition,
            f"`{field_name}` of provider {definition.name} refers to secret {secret}, "
            "which has no value.",
            hint=f"Define secret {secret} or export {secret}.",
        )
    return value


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
