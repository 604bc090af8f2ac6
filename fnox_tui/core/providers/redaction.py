"""Providers whose configuration holds values taken from secrets, and what they may report.

A provider with ``key_id = { secret = "KEYREF" }`` is built from KEYREF's plaintext. Its
messages are written with the field's display form ("the KMS key from secret KEYREF"); as a
second line of defence, everything it reports (errors, check badges and facts, including text
that AWS or botocore wrote, such as an ARN or an endpoint URL) has each referenced value
replaced by ``<secret NAME>`` before it leaves, and its check results say which secrets they
were derived from, so that they are forgotten with the plaintext.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.base import CheckResult, Provider, ProviderError
from fnox_tui.core.providers.field_value import FieldValue


class Redactor:
    """Replaces referenced values in text with the name of their secret."""

    def __init__(self, values: Iterable[FieldValue]) -> None:
        referenced = [value for value in values if value.secret is not None]
        pairs: dict[str, str] = {}
        for value in referenced:
            if not value.value:
                continue
            pairs[value.value] = f"<secret {value.secret}>"
            escaped = json.dumps(value.value)[1:-1]  # as it appears inside a JSON policy
            pairs.setdefault(escaped, pairs[value.value])
        self._pairs = sorted(pairs.items(), key=lambda pair: -len(pair[0]))
        self.secrets: tuple[str, ...] = tuple(sorted({str(v.secret) for v in referenced}))

    def text(self, text: str) -> str:
        for value, token in self._pairs:
            text = text.replace(value, token)
        return text

    def error(self, error: ProviderError) -> ProviderError:
        clean = copy.copy(error)
        clean.message = self.text(error.message)
        clean.hint = self.text(error.hint)
        clean.detail = self.text(error.detail)
        clean.args = (clean.message,)
        return clean

    def check(self, result: CheckResult) -> CheckResult:
        return CheckResult(
            ok=result.ok,
            badge=self.text(result.badge),
            facts=[(self.text(label), self.text(fact)) for label, fact in result.facts],
            error=self.error(result.error) if result.error is not None else None,
            derived_from=tuple(sorted({*result.derived_from, *self.secrets})),
        )


class ReferencedProvider:
    """A provider built from referenced values: nothing it reports holds one of them."""

    def __init__(self, inner: Provider, redactor: Redactor) -> None:
        self.inner = inner
        self.definition: ProviderDef = inner.definition
        self.redactor = redactor

    def resolve(self, value: str) -> str:
        try:
            return self.inner.resolve(value)
        except ProviderError as error:
            raise self.redactor.error(error) from None

    def encrypt(self, plaintext: str) -> str:
        try:
            return self.inner.encrypt(plaintext)
        except ProviderError as error:
            raise self.redactor.error(error) from None

    def put_value(self, value: str, plaintext: str) -> Any:
        """A remote provider's write (``aws-sm``/``aws-ps``), its errors redacted."""
        try:
            return self.inner.put_value(value, plaintext)  # type: ignore[attr-defined]
        except ProviderError as error:
            raise self.redactor.error(error) from None

    def check(self) -> CheckResult:
        try:
            return self.redactor.check(self.inner.check())
        except ProviderError as error:
            raise self.redactor.error(error) from None

    def close(self) -> None:
        close: Any = getattr(self.inner, "close", None)
        if close is not None:
            close()

    def __getattr__(self, name: str) -> Any:
        """Anything else (``client``, ``key_arn``...) is the wrapped provider's."""
        return getattr(self.inner, name)
