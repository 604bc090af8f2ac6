"""``aws-sm`` and ``aws-ps``: the value is the name of a secret kept in AWS (after ``prefix``).

``put_value`` writes a new remote value as ``fnox set`` does (crates/fnox-core/src/providers):
Secrets Manager ``PutSecretValue``, creating the secret when it does not exist yet; Parameter
Store ``PutParameter`` as a ``SecureString``, overwriting.
"""

from __future__ import annotations

from fnox_tui.core.providers.aws_base import AwsProvider, remote_encrypt_unsupported
from fnox_tui.core.providers.aws_policy import parameter_store_policy, secrets_manager_policy
from fnox_tui.core.providers.base import CheckResult, ErrorCode, ProviderError
from fnox_tui.core.providers.checks import failure, ok_badge
from fnox_tui.core.providers.field_value import FieldValue


class _RemoteAwsProvider(AwsProvider):
    def name_for(self, value: str) -> FieldValue:
        """The remote name: ``prefix`` (perhaps from a secret) followed by the stored value."""
        return self.settings.prefix.then(value)

    def encrypt(self, plaintext: str) -> str:
        raise remote_encrypt_unsupported(self.definition, self.label)

    def put_value(self, value: str, plaintext: str) -> FieldValue:
        """Store ``plaintext`` as the remote secret that ``value`` names; returns its name."""
        raise NotImplementedError

    def _probe(self) -> None:
        raise NotImplementedError

    def check(self) -> CheckResult:
        try:
            self._probe()
        except ProviderError as error:
            return failure(error, self._facts())
        return CheckResult(ok=True, badge=ok_badge("Reachable"), facts=self._facts())

    def _facts(self) -> list[tuple[str, str]]:
        facts = self.base_facts()
        if self._settings is not None and self._settings.prefix:
            facts.append(("Prefix", self._settings.prefix.display))
        return facts


class AwsSecretsManagerProvider(_RemoteAwsProvider):
    service = "secretsmanager"
    label = "AWS Secrets Manager"
    resource_kind = "secret"

    def policy(self, resource: FieldValue, denied: str | None) -> str:
        settings = self.settings
        region = _token(settings.region)
        return secrets_manager_policy(region, resource.token, settings.prefix.token)

    def resolve(self, value: str) -> str:
        name = self.name_for(value)
        response = self.call("get_secret_value", name, SecretId=name.value)
        text = response.get("SecretString") if isinstance(response, dict) else None
        if text is None and "SecretBinary" not in response:
            self.answer(response, "SecretString", str, name)  # raises: not Secrets Manager
        if not isinstance(text, str):
            raise ProviderError(
                f"The secret {name} in AWS Secrets Manager holds binary data, not a string.",
                hint="fnox reads SecretString only: store the value as text.",
                code=ErrorCode.NOT_UTF8,
            )
        return text

    def put_value(self, value: str, plaintext: str) -> FieldValue:
        name = self.name_for(value)
        try:
            self.call("put_secret_value", name, SecretId=name.value, SecretString=plaintext)
        except ProviderError as error:
            if error.code != ErrorCode.SECRET_NOT_FOUND:
                raise
            self.call("create_secret", name, Name=name.value, SecretString=plaintext)
        return name

    def _probe(self) -> None:
        self.call("list_secrets", MaxResults=1)


class AwsParameterStoreProvider(_RemoteAwsProvider):
    service = "ssm"
    label = "AWS Systems Manager Parameter Store"
    resource_kind = "parameter"

    def policy(self, resource: FieldValue, denied: str | None) -> str:
        settings = self.settings
        region = _token(settings.region)
        return parameter_store_policy(region, resource.token, settings.prefix.token)

    def resolve(self, value: str) -> str:
        name = self.name_for(value)
        response = self.call("get_parameter", name, Name=name.value, WithDecryption=True)
        parameter = self.answer(response, "Parameter", dict, name)
        return str(self.answer(parameter, "Value", str, name))

    def put_value(self, value: str, plaintext: str) -> FieldValue:
        name = self.name_for(value)
        self.call(
            "put_parameter",
            name,
            Name=name.value,
            Value=plaintext,
            Type="SecureString",
            Overwrite=True,
        )
        return name

    def _probe(self) -> None:
        self.call("describe_parameters", MaxResults=1)


def _token(value: FieldValue | None) -> str | None:
    return value.token if value is not None else None
