"""What the AWS providers share: settings, one lazily built client, translated errors."""

from __future__ import annotations

from typing import Any, ClassVar

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.aws_answers import UnexpectedAnswer, field
from fnox_tui.core.providers.aws_errors import AwsTarget, translate
from fnox_tui.core.providers.aws_session import AwsSettings, make_client
from fnox_tui.core.providers.base import UnsupportedProviderError
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.core.providers.field_value import FieldValue
from fnox_tui.core.providers.fields import provider_table


class AwsProvider:
    """Base class: subclasses set the boto3 ``service`` name, a ``label`` and a resource kind."""

    service: ClassVar[str]
    label: ClassVar[str]
    resource_kind: ClassVar[str]

    def __init__(self, definition: ProviderDef, context: ProviderContext) -> None:
        self.definition = definition
        self._context = context
        self._settings: AwsSettings | None = None
        self._client: Any = None

    @property
    def settings(self) -> AwsSettings:
        if self._settings is None:
            self._settings = AwsSettings.from_definition(self.definition, self._context)
        return self._settings

    def client(self) -> Any:
        """The provider's one client, built on first use under the shared lock."""
        if self._client is None:
            settings = self.settings
            with self._context.lock:
                if self._client is None:
                    try:
                        self._client = make_client(self.service, settings, self._context)
                    except Exception as error:
                        raise translate(error, self.target()) from None
        return self._client

    def target(self, resource: FieldValue | str = "") -> AwsTarget:
        settings = self._settings or AwsSettings(region=None)
        resource = FieldValue.of(resource)
        return AwsTarget(
            service=self.label,
            provider=self.definition.name,
            table=provider_table(self.definition),
            settings=settings,
            resource_kind=self.resource_kind,
            resource=resource,
            endpoint_url=self.endpoint_text(),
            login_profile=settings.profile or self._context.environ.get("AWS_PROFILE"),
            policy=lambda denied: self.policy(resource, denied),
        )

    def endpoint_text(self) -> str:
        """The endpoint the client talks to, named by its secret when it came from one."""
        settings = self._settings
        endpoint = settings.endpoint if settings is not None else None
        if endpoint is not None and (endpoint.referenced or self._client is None):
            return endpoint.token
        client = self._client
        return str(client.meta.endpoint_url) if client is not None else ""

    def policy(self, resource: FieldValue, denied: str | None) -> str:
        """The IAM policy to show when access is denied to ``resource``."""
        return ""

    def call(self, operation: str, resource: FieldValue | str = "", **params: Any) -> Any:
        """``client.operation(**params)``; any failure becomes a ProviderError."""
        client = self.client()
        try:
            return getattr(client, operation)(**params)
        except Exception as error:
            raise translate(error, self.target(resource)) from None

    def answer(self, response: Any, name: str, kind: type, resource: FieldValue | str = "") -> Any:
        """``response[name]``, a non-empty ``kind``; if missing the endpoint is not the service."""
        try:
            return field(response, name, kind)
        except UnexpectedAnswer as error:
            raise translate(error, self.target(resource)) from None

    def region(self) -> str:
        """The region, as shown: named by its secret when it came from one."""
        region = self.settings.region
        if region is not None and region.referenced:
            return region.display
        client = self._client
        if client is not None and client.meta.region_name:
            return str(client.meta.region_name)
        return region.value if region is not None else "?"

    def base_facts(self) -> list[tuple[str, str]]:
        settings = self._settings
        if settings is None:
            return []
        facts = [("Region", self.region())]
        if settings.profile:
            facts.append(("AWS profile", settings.profile.display))
        if settings.role_arn:
            facts.append(("Role", settings.role_arn.display))
        if self._client is not None and (
            settings.endpoint or not self._client.meta.endpoint_url.endswith(".amazonaws.com")
        ):
            facts.append(("Endpoint", self.endpoint_text()))
        return facts

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()


def remote_encrypt_unsupported(definition: ProviderDef, label: str) -> UnsupportedProviderError:
    return UnsupportedProviderError(
        f"fnox-tui does not write {definition.type} values: they are names of secrets kept in "
        f"{label}.",
        hint=f"Set the remote value with `fnox set NAME --provider {definition.name}` or the "
        "AWS console.",
    )
