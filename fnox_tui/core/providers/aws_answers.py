"""Answers from an endpoint that is not the AWS service it should be.

``AWS_ENDPOINT_URL`` or a provider's ``endpoint`` may point at a proxy, a captive portal or
another service that answers ``200`` with something else. botocore reads a body that is not
JSON as an empty answer (which would look like a corrupt value) and fails on a blob field
that is not base64 with a bare ``binascii.Error``. ``check_json_answer`` (a botocore
``before-parse`` handler) and the providers' checks of what came back raise
``UnexpectedAnswer`` instead, which ``aws_errors.translate`` explains naming the endpoint.
"""

from __future__ import annotations

import json
from typing import Any


class UnexpectedAnswer(Exception):
    """The endpoint answered, but not as the AWS service would.

    ``reason`` completes "the answer ..." and never holds any of the answer's content.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_json_answer(
    operation_model: Any = None, response_dict: dict[str, Any] | None = None, **_: Any
) -> None:
    """Refuse a successful answer that is not a JSON object, for the JSON protocols."""
    if operation_model is None or response_dict is None:
        return
    if operation_model.metadata.get("protocol") not in ("json", "rest-json"):
        return
    status = int(response_dict.get("status_code") or 0)
    body = response_dict.get("body")
    if not 200 <= status < 300 or not isinstance(body, bytes) or not body.strip():
        return
    try:
        parsed = json.loads(body)
    except ValueError:
        raise UnexpectedAnswer("is not JSON") from None
    if parsed is None:
        return  # an operation with no output (CreateAlias): moto answers `null`
    if not isinstance(parsed, dict):
        raise UnexpectedAnswer("is not a JSON object")


def field(response: Any, name: str, kind: type) -> Any:
    """``response[name]`` when it is a ``kind`` (and not empty); else UnexpectedAnswer."""
    value = response.get(name) if isinstance(response, dict) else None
    if not isinstance(value, kind) or not value:
        raise UnexpectedAnswer(f"holds no {name}")
    return value
