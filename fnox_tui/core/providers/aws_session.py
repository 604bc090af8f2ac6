"""Building one boto3 client for an AWS provider: region, profile, assumed role, endpoint.

The endpoint environment variables (``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_KMS``, ...) and
the credential chain are left to botocore, which reads them from the process environment;
only an explicit ``endpoint`` field overrides the endpoint, as in fnox.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import (
    AssumeRoleCredentialFetcher,
    CredentialProvider,
    Credentials,
    DeferredRefreshableCredentials,
)
from botocore.exceptions import NoCredentialsError

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.aws_answers import check_json_answer
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.core.providers.field_value import EMPTY, FieldValue
from fnox_tui.core.providers.fields import config_error, provider_table, text_field

ROLE_SESSION_NAME = "fnox"
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 5
_ROLE_ARN_RE = re.compile(r"^arn:[^:]+:iam::\d{12}:role/.+$")


@dataclass(frozen=True, slots=True)
class AwsSettings:
    """The fields every AWS provider type shares (strings are taken as written in the file)."""

    region: FieldValue | None
    profile: FieldValue | None = None
    role_arn: FieldValue | None = None
    endpoint: FieldValue | None = None
    prefix: FieldValue = EMPTY

    def __post_init__(self) -> None:
        for name in ("region", "profile", "role_arn", "endpoint"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, FieldValue.literal(value) if value else None)
        object.__setattr__(self, "prefix", FieldValue.of(self.prefix))

    @classmethod
    def from_definition(cls, definition: ProviderDef, context: ProviderContext) -> AwsSettings:
        role_arn = text_field(definition, "role_arn", context) or None
        if role_arn is not None and not _ROLE_ARN_RE.match(role_arn.value):
            raise config_error(
                definition,
                f"role_arn {role_arn.quoted} of provider {definition.name} is not an IAM role ARN.",
                hint="Expected arn:aws:iam::123456789012:role/NAME in "
                f"{provider_table(definition)}.",
            )
        return cls(
            region=text_field(definition, "region", context) or None,
            profile=text_field(definition, "profile", context) or None,
            role_arn=role_arn,
            endpoint=text_field(definition, "endpoint", context) or None,
            prefix=text_field(definition, "prefix", context) or EMPTY,
        )

    def referenced(self) -> list[FieldValue]:
        """The settings whose values came from secrets."""
        values = (self.region, self.profile, self.role_arn, self.endpoint, self.prefix)
        return [value for value in values if value is not None and value.referenced]


def _raw(value: FieldValue | None) -> str | None:
    return value.value if value is not None else None


def client_config(max_workers: int) -> Config:
    return Config(
        max_pool_connections=max(10, max_workers),
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard"},
        user_agent_extra="fnox-tui",
        # Our calls are few and fixed; skipping botocore's client-side validation saves CPU
        # (and GIL time) on every request when hundreds of values resolve at once.
        parameter_validation=False,
    )


def make_client(service: str, settings: AwsSettings, context: ProviderContext) -> Any:
    """A client for ``service``; call with ``context.lock`` held. Raises botocore errors."""
    config = client_config(context.max_workers)
    session = boto3.Session(profile_name=_raw(settings.profile), region_name=_raw(settings.region))
    if settings.role_arn:
        session = _assumed_role_session(session, settings, config, context)
    kwargs: dict[str, Any] = {"config": config}
    if settings.endpoint:
        kwargs["endpoint_url"] = settings.endpoint.value
    client = session.client(service, **kwargs)
    service_id = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register(f"before-send.{service_id}", _request_counter(context))
    client.meta.events.register(f"before-parse.{service_id}", check_json_answer)
    client.meta.events.register(f"needs-retry.{service_id}", _throttle_counter(context))
    return client


def _request_counter(context: ProviderContext) -> Callable[..., None]:
    def count(event_name: str = "", **_: Any) -> None:
        parts = event_name.split(".")
        if len(parts) >= 3:
            context.stats.record(parts[1], parts[2])

    return count


# Error codes by which AWS services say they throttle (aws_errors explains them).
THROTTLED = {
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
}


def _throttle_counter(context: ProviderContext) -> Callable[..., None]:
    """Counts the answers that say the service throttles, also those botocore retries (and
    that end well): what tells `V` to resolve fewer values at once."""

    def count(response: Any = None, **_: Any) -> None:
        parsed = response[1] if isinstance(response, tuple) and len(response) == 2 else None
        error = parsed.get("Error") if isinstance(parsed, dict) else None
        if isinstance(error, dict) and error.get("Code") in THROTTLED:
            context.stats.record_throttle()
        # None: the decision to retry is botocore's.

    return count


class _FixedCredentialProvider(CredentialProvider):
    METHOD = "assume-role"
    CANONICAL_NAME = "fnox-tui-assume-role"

    def __init__(self, credentials: Credentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> Credentials:
        return self._credentials


def _assumed_role_session(
    base: boto3.Session, settings: AwsSettings, config: Config, context: ProviderContext
) -> boto3.Session:
    """A session whose credentials come from ``sts:AssumeRole`` and refresh when they expire."""
    source = base.get_credentials()
    if source is None:
        raise NoCredentialsError()

    def create_sts_client(service_name: str, **kwargs: Any) -> Any:
        if settings.endpoint:
            kwargs["endpoint_url"] = settings.endpoint.value
        with context.lock:
            return base.client(service_name, config=config, **kwargs)

    fetcher = AssumeRoleCredentialFetcher(
        client_creator=create_sts_client,
        source_credentials=source,
        role_arn=_raw(settings.role_arn),
        extra_args={"RoleSessionName": ROLE_SESSION_NAME},
    )
    credentials = DeferredRefreshableCredentials(
        refresh_using=fetcher.fetch_credentials, method="assume-role"
    )
    core = botocore.session.Session(profile=_raw(settings.profile))
    core.get_component("credential_provider").insert_before(
        "env", _FixedCredentialProvider(credentials)
    )
    return boto3.Session(botocore_session=core, region_name=_raw(settings.region))
