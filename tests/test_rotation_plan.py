"""The rotation plan: which values of which files and profiles a provider definition owns."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fnox_tui.core.identity import EntryId
from fnox_tui.core.loader import FileCache, load_workspace
from fnox_tui.core.rotation.plan import (
    PlanError,
    RotationPlan,
    Route,
    RowKey,
    Slot,
    plan_rotation,
    text_sha256,
)

TOP_SECRETS = ("secrets",)
TOP_PROVIDERS = ("providers",)

MAIN = """\
root = true
default_provider = "kms"

[providers]
kms = { type = "aws-kms", key_id = "alias/old", region = "us-east-1" }
other = { type = "aws-kms", key_id = "alias/other", region = "us-east-1" }

[secrets]
DEFAULTED = { value = "ct-defaulted" }
EXPLICIT = { provider = "kms", value = "ct-explicit" }
OTHER = { provider = "other", value = "ct-other" }
SHADOWED = { provider = "kms", value = "ct-shadowed-base" }
CACHED = { provider = "other", value = "ct-cached-main", sync = { provider = "kms", value = "ct-sync" } }
FLIP = { value = "ct-flip" }
NOVALUE = { default = "x" }

[secrets.STANDARD]
description = "a standard table"
provider = "kms"
value = "ct-standard"

[profiles.prod]
default_provider = "other"

[profiles.prod.secrets]
DEFAULTED = { provider = "kms", value = "ct-prod-defaulted" }
PROD_OTHER = { value = "ct-prod-other" }
"""

LOCAL = """\
[secrets]
SHADOWED = { provider = "kms", value = "ct-shadowed-local" }
"""

STAGING = """\
[secrets]
STAGING_KMS = { provider = "kms", value = "ct-staging" }
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


def plan_for(root: Path, provider: EntryId, **options: object) -> RotationPlan:
    cache = FileCache()
    workspace = load_workspace(root, environ={"HOME": str(root)}, cache=cache)
    return plan_rotation(workspace, provider, cache.files, **options)  # type: ignore[arg-type]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    write(root, "fnox.toml", MAIN)
    write(root, "fnox.local.toml", LOCAL)
    write(root, "fnox.staging.toml", STAGING)
    return root


def rows_by_name(plan: RotationPlan) -> dict[tuple[str, str, Slot], tuple[str, ...]]:
    """(file, [profiles.P.]NAME, slot) -> profiles."""
    rows = {}
    for row in plan.rows:
        table = row.entry.table
        name = f"{table[0]}.{table[1]}.{row.name}" if table[0] == "profiles" else row.name
        rows[(row.file.name, name, row.key.slot)] = row.profiles
    assert len(rows) == len(plan.rows)
    return rows


def test_plan_over_files_and_profiles(workspace: Path) -> None:
    main = workspace / "fnox.toml"
    plan = plan_for(workspace, EntryId(main, TOP_PROVIDERS, "kms"))

    assert rows_by_name(plan) == {
        # through default_provider; prod has its own DEFAULTED, so only default and staging
        ("fnox.toml", "DEFAULTED", Slot.VALUE): ("default", "staging"),
        ("fnox.toml", "EXPLICIT", Slot.VALUE): ("default", "prod", "staging"),
        # shadowed by fnox.local.toml everywhere: still re-encrypted
        ("fnox.toml", "SHADOWED", Slot.VALUE): ("default", "prod", "staging"),
        # the sync cache is kms's, the main value is other's
        ("fnox.toml", "CACHED", Slot.SYNC): ("default", "prod", "staging"),
        ("fnox.toml", "STANDARD", Slot.VALUE): ("default", "prod", "staging"),
        ("fnox.toml", "profiles.prod.DEFAULTED", Slot.VALUE): ("prod",),
        ("fnox.local.toml", "SHADOWED", Slot.VALUE): ("default", "prod", "staging"),
        ("fnox.staging.toml", "STAGING_KMS", Slot.VALUE): ("staging",),
    }


def test_plan_rows_carry_entry_line_and_ciphertext(workspace: Path) -> None:
    main = workspace / "fnox.toml"
    plan = plan_for(workspace, EntryId(main, TOP_PROVIDERS, "kms"))
    lines = MAIN.splitlines()

    prod_defaulted = plan.row(
        RowKey(EntryId(main, ("profiles", "prod", "secrets"), "DEFAULTED"), Slot.VALUE)
    )
    assert prod_defaulted.ciphertext == "ct-prod-defaulted"
    assert "ct-prod-defaulted" in lines[prod_defaulted.line - 1]
    standard = plan.row(RowKey(EntryId(main, TOP_SECRETS, "STANDARD"), Slot.VALUE))
    assert lines[standard.line - 1] == 'value = "ct-standard"'
    sync = plan.row(RowKey(EntryId(main, TOP_SECRETS, "CACHED"), Slot.SYNC))
    assert sync.ciphertext == "ct-sync"
    assert lines[sync.line - 1].startswith("CACHED = ")

    base = plan.row(RowKey(EntryId(main, TOP_SECRETS, "SHADOWED"), Slot.VALUE))
    local = plan.row(
        RowKey(EntryId(workspace / "fnox.local.toml", TOP_SECRETS, "SHADOWED"), Slot.VALUE)
    )
    assert base.shadowed and base.visible_in == ()
    assert not local.shadowed and local.visible_in == ("default", "prod", "staging")
    # rows follow the files' order, then lines
    assert [row.file.name for row in plan.rows][-2:] == ["fnox.local.toml", "fnox.staging.toml"]


def test_conflict_is_listed_not_guessed(workspace: Path) -> None:
    main = workspace / "fnox.toml"
    plan = plan_for(workspace, EntryId(main, TOP_PROVIDERS, "kms"))

    assert [conflict.name for conflict in plan.conflicts] == ["FLIP"]
    described = dict(plan.conflicts[0].providers)
    assert described["default"].startswith("kms in ")
    assert described["prod"].startswith("other in ")
    assert "FLIP" not in {row.name for row in plan.rows}


def test_counts_and_cost(workspace: Path) -> None:
    main = workspace / "fnox.toml"
    plan = plan_for(workspace, EntryId(main, TOP_PROVIDERS, "kms"))
    assert plan.entries == 8
    assert plan.kms_requests == 16  # ReEncrypt + verifying Decrypt each
    assert plan.cost_usd == pytest.approx(16 * 0.03 / 10_000)
    assert plan.kms_requests_at_most == 16  # no consent: no fallback

    consenting = plan_for(workspace, EntryId(main, TOP_PROVIDERS, "kms"), consent_decrypt=True)
    assert consenting.kms_requests_at_most == 8 * 4  # a denied ReEncrypt, then 3 calls
    decrypting = plan_for(
        workspace, EntryId(main, TOP_PROVIDERS, "kms"), route=Route.DECRYPT_ENCRYPT
    )
    assert decrypting.kms_requests == 24
    assert {row.route for row in decrypting.rows} == {Route.DECRYPT_ENCRYPT}


def test_file_hashes_of_involved_files(workspace: Path) -> None:
    main = workspace / "fnox.toml"
    plan = plan_for(workspace, EntryId(main, TOP_PROVIDERS, "kms"))
    assert plan.files == {
        path: text_sha256(path.read_text())
        for path in (main, workspace / "fnox.local.toml", workspace / "fnox.staging.toml")
    }


def test_other_provider_plan(workspace: Path) -> None:
    main = workspace / "fnox.toml"
    plan = plan_for(workspace, EntryId(main, TOP_PROVIDERS, "other"))
    assert rows_by_name(plan) == {
        ("fnox.toml", "OTHER", Slot.VALUE): ("default", "prod", "staging"),
        ("fnox.toml", "CACHED", Slot.VALUE): ("default", "prod", "staging"),
        ("fnox.toml", "profiles.prod.PROD_OTHER", Slot.VALUE): ("prod",),
    }
    assert [conflict.name for conflict in plan.conflicts] == ["FLIP"]


PROFILE_PROVIDER = """\
root = true

[providers]
kms = { type = "aws-kms", key_id = "alias/top", region = "us-east-1" }

[secrets]
ONLY = { value = "ct-only" }
SHARED = { value = "ct-shared" }

[profiles.prod.providers]
kms = { type = "aws-kms", key_id = "alias/prod", region = "us-east-1" }

[profiles.prod.secrets]
ONLY = { value = "ct-only-prod" }
PROD_SECRET = { provider = "kms", value = "ct-prod" }
"""


def test_profile_level_provider_of_the_same_name_is_separate(tmp_path: Path) -> None:
    main = write(tmp_path, "fnox.toml", PROFILE_PROVIDER)
    top = plan_for(tmp_path, EntryId(main, TOP_PROVIDERS, "kms"))
    prod = plan_for(tmp_path, EntryId(main, ("profiles", "prod", "providers"), "kms"))

    # ONLY uses "the only provider": the top-level kms in default; prod has its own entry
    assert rows_by_name(top) == {("fnox.toml", "ONLY", Slot.VALUE): ("default",)}
    # SHARED is seen by both profiles, each resolving kms to another definition
    assert [conflict.name for conflict in top.conflicts] == ["SHARED"]
    assert top.notes == [
        "In profile prod, provider kms is the one in fnox.toml [profiles.prod.providers]; its "
        "values are not part of this rotation."
    ]  # the file named as the screens name it, relative to the workspace

    assert rows_by_name(prod) == {
        ("fnox.toml", "profiles.prod.ONLY", Slot.VALUE): ("prod",),
        ("fnox.toml", "profiles.prod.PROD_SECRET", Slot.VALUE): ("prod",),
    }
    assert [conflict.name for conflict in prod.conflicts] == ["SHARED"]


def test_age_identity_kept_by_the_provider_is_a_row(tmp_path: Path) -> None:
    main = write(
        tmp_path,
        "fnox.toml",
        """\
        root = true
        [providers]
        kms = { type = "aws-kms", key_id = "alias/k", region = "us-east-1" }
        age = { type = "age", recipients = ["age1x"], identity = { provider = "kms", value = "ct-identity" } }

        [secrets]
        A = { provider = "age", value = "ct-age" }
        """,
    )
    plan = plan_for(tmp_path, EntryId(main, TOP_PROVIDERS, "kms"))
    assert [(row.key.entry, row.key.slot, row.ciphertext) for row in plan.rows] == [
        (EntryId(main, TOP_PROVIDERS, "age"), Slot.IDENTITY, "ct-identity")
    ]
    age_plan = plan_for(tmp_path, EntryId(main, TOP_PROVIDERS, "age"))
    assert [row.name for row in age_plan.rows] == ["A"]
    assert age_plan.kms_requests == 0
    assert age_plan.rows[0].route is Route.DECRYPT_ENCRYPT


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('p = { type = "plain" }', "rotates aws-kms keys and age recipients"),
        (
            'p = { type = "aws-kms", key_id = { secret = "K" }, region = "us-east-1" }',
            "refers to a secret",
        ),
    ],
)
def test_unrotatable_provider(tmp_path: Path, body: str, message: str) -> None:
    main = write(tmp_path, "fnox.toml", f"root = true\n[providers]\n{body}\n")
    with pytest.raises(PlanError, match=message):
        plan_for(tmp_path, EntryId(main, TOP_PROVIDERS, "p"))


def test_unknown_provider(workspace: Path) -> None:
    with pytest.raises(PlanError, match="There is no provider nope"):
        plan_for(workspace, EntryId(workspace / "fnox.toml", TOP_PROVIDERS, "nope"))
