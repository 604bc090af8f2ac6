"""A corpus of fnox files: after one change, the file's diff is exactly the intended lines."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from fnox_tui.core.changes import AddSecret, Change, DeleteSecret, UpdateProvider, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.core.tomledit import apply_changes, expected_data

KMS_VALUE = "AQICAHhX8Yq0mzLqBv0l3cRkq6gkMxDkU2Xh4jWmYoN2s1vQwAG0n8zJ1cY9kF3mQ7bR5tU2dA=="
NEW_VALUE = "AQICAHhNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEA=="

INLINE = f"""\
# fnox configuration for the api service
root = true
default_provider = "kms"

[providers]
kms = {{ type = "aws-kms", key_id = "alias/api", region = "eu-west-1" }}
plain = {{ type = "plain" }}

[secrets]
DATABASE_URL = {{ provider = "kms", value = "{KMS_VALUE}", description = "primary" }} # rotated 2024-05
# The Stripe key used by checkout
STRIPE_KEY = {{ value = "{KMS_VALUE}" }}
LOG_LEVEL = {{ default = "info" }}
"""

TABLE_STYLE = f"""\
[providers.kms]
type = "aws-kms"
key_id = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
region = "eu-west-1"

[secrets.DATABASE_URL]
provider = "kms" # the only key
value = "{KMS_VALUE}"
description = "primary database"

# Third-party token
[secrets.TOKEN]
value = "{KMS_VALUE}"
"""

PROFILES = f"""\
[providers]
kms = {{ type = "aws-kms", key_id = "alias/app", region = "us-east-1" }}

[secrets]
SHARED = {{ provider = "kms", value = "{KMS_VALUE}" }}

[profiles.staging]
default_provider = "kms"

[profiles.staging.secrets]
SHARED = {{ value = "{KMS_VALUE}" }}

[profiles.production.providers]
kms_prod = {{ type = "aws-kms", key_id = "alias/prod", region = "eu-west-1" }}

[profiles.production.secrets]
SHARED = {{ provider = "kms_prod", value = "{KMS_VALUE}" }}
"""

PROFILE_FILE = f"""\
# Only loaded with -P prod
[secrets]
DB = {{ provider = "kms", value = "{KMS_VALUE}" }}
"""

WEIRD_QUOTING = f"""\
[profiles."eu.west".secrets]
"dotted.name" = {{ default = "a" }}
'literal name' = {{ default = 'b' }}
"quote\\"d" = {{ value = "{KMS_VALUE}", description = "say \\"hi\\"\\n" }}
"""

MULTILINE = f"""\
[secrets]
CERT = {{ default = \"\"\"
-----BEGIN CERTIFICATE-----
[secrets.NOT_A_TABLE]
FAKE = {{ default = "no" }}
-----END CERTIFICATE-----\"\"\", description = "pem" }}
KEY = {{ value = "{KMS_VALUE}" }}
NOTE = {{ default = '''
# not a comment
''' }}
"""

ARRAYS_OF_TABLES = f"""\
import = [
  "shared.toml", # ] not the end
  "[weird].toml",
]

[[proxy.rules]]
secret = "A"

[[proxy.rules]]
secret = "B"

[secrets]
A = {{ value = "{KMS_VALUE}" }}
"""

CRLF = INLINE.replace("\n", "\r\n")


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    text: str
    change: Change
    removed: tuple[str, ...]
    added: tuple[str, ...]


def _secret(file: str, name: str, profile: str | None = None) -> EntryId:
    return EntryId.secret(Path("/p") / file, name, profile)


CASES = [
    Case(
        "inline value, comment after it kept",
        "fnox.toml",
        INLINE,
        UpdateSecret(_secret("fnox.toml", "DATABASE_URL"), {"value": NEW_VALUE}),
        (
            f'DATABASE_URL = {{ provider = "kms", value = "{KMS_VALUE}", description = "primary" }} # rotated 2024-05',
        ),
        (
            f'DATABASE_URL = {{ provider = "kms", value = "{NEW_VALUE}", description = "primary" }} # rotated 2024-05',
        ),
    ),
    Case(
        "inline description added",
        "fnox.toml",
        INLINE,
        UpdateSecret(_secret("fnox.toml", "STRIPE_KEY"), {"description": "checkout"}),
        (f'STRIPE_KEY = {{ value = "{KMS_VALUE}" }}',),
        (f'STRIPE_KEY = {{ value = "{KMS_VALUE}", description = "checkout" }}',),
    ),
    Case(
        "inline add at the end of [secrets]",
        "fnox.toml",
        INLINE,
        AddSecret(_secret("fnox.toml", "NEW"), {"provider": "kms", "value": NEW_VALUE}),
        (),
        (f'NEW = {{ provider = "kms", value = "{NEW_VALUE}" }}',),
    ),
    Case(
        "inline delete with its comment",
        "fnox.toml",
        INLINE,
        DeleteSecret(_secret("fnox.toml", "STRIPE_KEY")),
        ("# The Stripe key used by checkout", f'STRIPE_KEY = {{ value = "{KMS_VALUE}" }}'),
        (),
    ),
    Case(
        "provider key_id inline",
        "fnox.toml",
        INLINE,
        UpdateProvider(EntryId.provider(Path("/p/fnox.toml"), "kms"), {"key_id": "alias/new"}),
        ('kms = { type = "aws-kms", key_id = "alias/api", region = "eu-west-1" }',),
        ('kms = { type = "aws-kms", key_id = "alias/new", region = "eu-west-1" }',),
    ),
    Case(
        "crlf inline value",
        "fnox.toml",
        CRLF,
        UpdateSecret(_secret("fnox.toml", "LOG_LEVEL"), {"default": "debug"}),
        ('LOG_LEVEL = { default = "info" }\r',),
        ('LOG_LEVEL = { default = "debug" }\r',),
    ),
    Case(
        "crlf add",
        "fnox.toml",
        CRLF,
        AddSecret(_secret("fnox.toml", "NEW"), {"default": "x"}),
        (),
        ('NEW = { default = "x" }\r',),
    ),
    Case(
        "table-style value",
        "fnox.toml",
        TABLE_STYLE,
        UpdateSecret(_secret("fnox.toml", "DATABASE_URL"), {"value": NEW_VALUE}),
        (f'value = "{KMS_VALUE}"',),
        (f'value = "{NEW_VALUE}"',),
    ),
    Case(
        "table-style field removed",
        "fnox.toml",
        TABLE_STYLE,
        UpdateSecret(_secret("fnox.toml", "DATABASE_URL"), {}, ("description",)),
        ('description = "primary database"',),
        (),
    ),
    Case(
        "table-style delete",
        "fnox.toml",
        TABLE_STYLE,
        DeleteSecret(_secret("fnox.toml", "TOKEN")),
        ("# Third-party token", "[secrets.TOKEN]", f'value = "{KMS_VALUE}"', ""),
        (),
    ),
    Case(
        "table-style provider key_id",
        "fnox.toml",
        TABLE_STYLE,
        UpdateProvider(EntryId.provider(Path("/p/fnox.toml"), "kms"), {"key_id": "alias/rotated"}),
        ('key_id = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"',),
        ('key_id = "alias/rotated"',),
    ),
    Case(
        "table-style file gets a [secrets] table before its first secret table",
        "fnox.toml",
        TABLE_STYLE,
        AddSecret(_secret("fnox.toml", "NEW"), {"default": "n"}),
        (),
        ("", "[secrets]", 'NEW = { default = "n" }'),
    ),
    Case(
        "profile override edited",
        "fnox.toml",
        PROFILES,
        UpdateSecret(_secret("fnox.toml", "SHARED", "staging"), {"value": NEW_VALUE}),
        (f'SHARED = {{ value = "{KMS_VALUE}" }}',),
        (f'SHARED = {{ value = "{NEW_VALUE}" }}',),
    ),
    Case(
        "copy to a profile with a table",
        "fnox.toml",
        PROFILES,
        AddSecret(
            _secret("fnox.toml", "COPY", "production"), {"provider": "kms_prod", "value": NEW_VALUE}
        ),
        (),
        (f'COPY = {{ provider = "kms_prod", value = "{NEW_VALUE}" }}',),
    ),
    Case(
        "new profile table",
        "fnox.toml",
        PROFILES,
        AddSecret(_secret("fnox.toml", "DEV_ONLY", "dev"), {"default": "d"}),
        (),
        ("[profiles.dev.secrets]", 'DEV_ONLY = { default = "d" }', ""),
    ),
    Case(
        "profile without a secrets table",
        "fnox.toml",
        PROFILES,
        AddSecret(_secret("fnox.toml", "ORDERS", "staging"), {"value": NEW_VALUE}),
        (),
        (f'ORDERS = {{ value = "{NEW_VALUE}" }}',),
    ),
    Case(
        "profile-level provider",
        "fnox.toml",
        PROFILES,
        UpdateProvider(
            EntryId.provider(Path("/p/fnox.toml"), "kms_prod", "production"),
            {"key_id": "alias/prod2"},
        ),
        ('kms_prod = { type = "aws-kms", key_id = "alias/prod", region = "eu-west-1" }',),
        ('kms_prod = { type = "aws-kms", key_id = "alias/prod2", region = "eu-west-1" }',),
    ),
    Case(
        "fnox.P.toml edit",
        "fnox.prod.toml",
        PROFILE_FILE,
        UpdateSecret(_secret("fnox.prod.toml", "DB"), {"value": NEW_VALUE}),
        (f'DB = {{ provider = "kms", value = "{KMS_VALUE}" }}',),
        (f'DB = {{ provider = "kms", value = "{NEW_VALUE}" }}',),
    ),
    Case(
        "fnox.P.toml add",
        "fnox.prod.toml",
        PROFILE_FILE,
        AddSecret(_secret("fnox.prod.toml", "API"), {"provider": "kms", "value": NEW_VALUE}),
        (),
        (f'API = {{ provider = "kms", value = "{NEW_VALUE}" }}',),
    ),
    Case(
        "quoted names",
        "fnox.toml",
        WEIRD_QUOTING,
        UpdateSecret(_secret("fnox.toml", 'quote"d', "eu.west"), {"value": NEW_VALUE}),
        (f'"quote\\"d" = {{ value = "{KMS_VALUE}", description = "say \\"hi\\"\\n" }}',),
        (f'"quote\\"d" = {{ value = "{NEW_VALUE}", description = "say \\"hi\\"\\n" }}',),
    ),
    Case(
        "literal-quoted name deleted",
        "fnox.toml",
        WEIRD_QUOTING,
        DeleteSecret(_secret("fnox.toml", "literal name", "eu.west")),
        ("'literal name' = { default = 'b' }",),
        (),
    ),
    Case(
        "quoted new name",
        "fnox.toml",
        WEIRD_QUOTING,
        AddSecret(_secret("fnox.toml", "new name", "eu.west"), {"default": 'it\'s \\ "x"'}),
        (),
        ('"new name" = { default = "it\'s \\\\ \\"x\\"" }',),
    ),
    Case(
        "multi-line neighbours untouched",
        "fnox.toml",
        MULTILINE,
        UpdateSecret(_secret("fnox.toml", "KEY"), {"value": NEW_VALUE}),
        (f'KEY = {{ value = "{KMS_VALUE}" }}',),
        (f'KEY = {{ value = "{NEW_VALUE}" }}',),
    ),
    Case(
        "multi-line entry edited",
        "fnox.toml",
        MULTILINE,
        UpdateSecret(_secret("fnox.toml", "CERT"), {"description": "pem cert"}),
        ('-----END CERTIFICATE-----""", description = "pem" }',),
        ('-----END CERTIFICATE-----""", description = "pem cert" }',),
    ),
    Case(
        "multi-line entry deleted",
        "fnox.toml",
        MULTILINE,
        DeleteSecret(_secret("fnox.toml", "NOTE")),
        ("NOTE = { default = '''", "# not a comment", "''' }"),
        (),
    ),
    Case(
        "add after a multi-line entry",
        "fnox.toml",
        MULTILINE,
        AddSecret(_secret("fnox.toml", "LAST"), {"default": "l"}),
        (),
        ('LAST = { default = "l" }',),
    ),
    Case(
        "arrays of tables elsewhere",
        "fnox.toml",
        ARRAYS_OF_TABLES,
        UpdateSecret(_secret("fnox.toml", "A"), {"value": NEW_VALUE}),
        (f'A = {{ value = "{KMS_VALUE}" }}',),
        (f'A = {{ value = "{NEW_VALUE}" }}',),
    ),
    Case(
        "new profile after arrays of tables",
        "fnox.toml",
        ARRAYS_OF_TABLES,
        AddSecret(_secret("fnox.toml", "B", "ci"), {"default": "b"}),
        (),
        ("[profiles.ci.secrets]", 'B = { default = "b" }', ""),
    ),
]


def changed_lines(old: str, new: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The removed and added lines of the diff (line endings other than CRLF's \\r dropped)."""
    removed: list[str] = []
    added: list[str] = []
    diff = list(difflib.unified_diff(old.split("\n"), new.split("\n"), n=0, lineterm=""))
    for line in diff[2:]:  # after the --- and +++ lines
        if line.startswith("@@"):
            continue
        (removed if line.startswith("-") else added).append(line[1:])
    return tuple(removed), tuple(added)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_one_change_changes_exactly_the_intended_lines(case: Case) -> None:
    result = apply_changes(case.text, [case.change])
    assert not result.full_parse, result.reason
    assert changed_lines(case.text, result.text) == (case.removed, case.added)
    assert tomllib.loads(result.text) == expected_data(tomllib.loads(case.text), [case.change])
