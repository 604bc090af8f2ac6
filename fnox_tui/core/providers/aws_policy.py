"""Copyable IAM policies that grant what each AWS provider needs, as the fnox docs give them."""

from __future__ import annotations

import json
import re

ACCOUNT = "ACCOUNT"
_RESOURCE_IN_MESSAGE = re.compile(r"on resource: (arn:[^\s]+?)[.,;]?(?:\s|$)")
_KEY_ID = re.compile(
    r"^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


def resource_from_message(message: str) -> str | None:
    """The ARN in AWS's "not authorized to perform: X on resource: ARN" message, if any."""
    match = _RESOURCE_IN_MESSAGE.search(message or "")
    return match.group(1) if match else None


def kms_key_arn(key_id: str, region: str | None, known_arn: str | None = None) -> str:
    """The key's ARN, with ACCOUNT/KEY-ID placeholders for what ``key_id`` does not say."""
    if known_arn and ":key/" in known_arn:
        return known_arn
    if key_id.startswith("arn:"):
        parts = key_id.split(":", 5)
        if len(parts) == 6 and parts[5].startswith("key/"):
            return key_id
        if len(parts) == 6:  # an alias ARN names region and account, not the key
            return f"arn:{parts[1]}:kms:{parts[3]}:{parts[4]}:key/KEY-ID"
    region_text = region or "REGION"
    if _KEY_ID.match(key_id):
        return f"arn:aws:kms:{region_text}:{ACCOUNT}:key/{key_id}"
    return f"arn:aws:kms:{region_text}:{ACCOUNT}:key/KEY-ID"


def kms_policy(key_arn: str) -> str:
    """kms:Decrypt, kms:Encrypt and kms:DescribeKey on one key (the fnox docs' policy)."""
    return (
        "{\n"
        '  "Version": "2012-10-17",\n'
        '  "Statement": [\n'
        "    {\n"
        '      "Effect": "Allow",\n'
        '      "Action": ["kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"],\n'
        f'      "Resource": {json.dumps(key_arn)}\n'
        "    }\n"
        "  ]\n"
        "}"
    )


def secrets_manager_policy(region: str | None, name: str, prefix: str) -> str:
    pattern = f"{prefix}*" if prefix else f"{name}-*"
    resource = f"arn:aws:secretsmanager:{region or 'REGION'}:{ACCOUNT}:secret:{pattern}"
    return _policy(
        [
            {
                "Sid": "ListSecrets",
                "Effect": "Allow",
                "Action": ["secretsmanager:ListSecrets", "secretsmanager:BatchGetSecretValue"],
                "Resource": "*",
            },
            {
                "Sid": "ReadSecrets",
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": resource,
            },
        ]
    )


def parameter_store_policy(region: str | None, name: str, prefix: str) -> str:
    pattern = f"{prefix.lstrip('/')}*" if prefix else name.lstrip("/")
    resource = f"arn:aws:ssm:{region or 'REGION'}:{ACCOUNT}:parameter/{pattern}"
    return _policy(
        [
            {
                "Sid": "DescribeParameters",
                "Effect": "Allow",
                "Action": "ssm:DescribeParameters",
                "Resource": "*",
            },
            {
                "Sid": "ReadParameters",
                "Effect": "Allow",
                "Action": ["ssm:GetParameter", "ssm:GetParameters"],
                "Resource": resource,
            },
        ]
    )


def _policy(statements: list[dict[str, object]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)
