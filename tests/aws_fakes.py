"""In-process AWS for unit tests: fake credentials, moto's ``mock_aws`` and a KMS key.

``aws_env`` removes every AWS_* variable (so no ``AWS_ENDPOINT_URL`` sends clients past
``mock_aws``, and no real profile or credentials are used) and sets fake credentials and a
region.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from fnox_tui.core.rotation import process_runner

FAKE_REGION = "us-east-1"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": FAKE_REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def mocked_aws(aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A worker process cannot see moto's in-process mock: the walkthrough rotates in process.
    monkeypatch.setattr(process_runner, "WALKTHROUGH_ISOLATES", False)
    with mock_aws():
        yield


@pytest.fixture
def kms_client(mocked_aws: None) -> Any:
    return boto3.client("kms", region_name=FAKE_REGION)


@pytest.fixture
def kms_key(kms_client: Any) -> dict[str, Any]:
    """A fresh symmetric key's metadata (``KeyId``, ``Arn``...)."""
    return dict(kms_client.create_key(Description="fnox-tui test")["KeyMetadata"])
