"""The profile matrix (fnox_tui.core.matrix): cells by name and profile, and value comparison."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.core.matrix import (
    CellState,
    ProfileMatrix,
    RowComparison,
    build_matrix,
    compare_row,
    value_digest,
)
from fnox_tui.core.model import Workspace
from tests.tree import isolated_environ, write_tree
from tests.ui_fixtures import SAMPLE

QA = """
    [providers]
    plain = { type = "plain" }

    [secrets]
    DATABASE_URL = { provider = "plain", value = "postgres://db/app" }

    [profiles.staging.secrets]
    DATABASE_URL = { provider = "plain", value = "postgres://staging/app" }
    STRIPE_KEY = { provider = "plain", value = "sk-staging" }

    [profiles.production.secrets]
    DATABASE_URL = { provider = "plain", value = "postgres://prod/app" }
    STRIPE_KEY = { provider = "plain", value = "sk-prod" }

    [profiles.qa.secrets]
    QA_ONLY = { default = "1" }
"""


def load(tmp_path: Path, text: str) -> Workspace:
    write_tree(tmp_path / "project", {"fnox.toml": text})
    return WorkspaceSource(
        cwd=tmp_path / "project", environ=isolated_environ(tmp_path / "home")
    ).load()


@pytest.fixture
def sample(tmp_path: Path) -> ProfileMatrix:
    return build_matrix(load(tmp_path, SAMPLE))


@pytest.fixture
def qa(tmp_path: Path) -> ProfileMatrix:
    return build_matrix(load(tmp_path, QA))


def lookup(values: dict[tuple[str, str], str]):  # type: ignore[no-untyped-def]
    return lambda profile, name: values.get((profile, name))


def test_rows_are_sorted_names_and_columns_the_profiles_in_workspace_order(
    sample: ProfileMatrix,
) -> None:
    assert sample.names == (
        "API_TOKEN",
        "DATABASE_URL",
        "HOME_DIR",
        "LOG_LEVEL",
        "PROD_FLAG",
        "STAGING_ONLY",
    )
    assert sample.profiles == ("default", "staging", "production")


def test_cells_say_defined_inherited_overriding_or_missing_with_the_provider(
    sample: ProfileMatrix,
) -> None:
    def states(name: str) -> list[tuple[str, str | None]]:
        return [(cell.state.value, cell.provider_name) for cell in sample.row(name)]

    assert states("API_TOKEN") == [
        ("defined", "plain"),
        ("inherited", "plain"),
        ("inherited", "plain"),
    ]
    assert states("DATABASE_URL") == [
        ("defined", "plain"),
        ("overrides", "plain"),
        ("overrides", "plain"),  # production's default_provider
    ]
    assert states("STAGING_ONLY") == [("missing", None), ("defined", None), ("missing", None)]
    cell = sample.cell("DATABASE_URL", "production")
    assert cell.secret is not None and (cell.secret.profile, cell.secret.name) == (
        "production",
        "DATABASE_URL",
    )
    missing = sample.cell("PROD_FLAG", "staging")
    assert missing.state is CellState.MISSING and missing.secret is None
    assert [cell.state for cell in sample.column("staging")][:2] == [
        CellState.INHERITED,
        CellState.OVERRIDES,
    ]


def test_a_filter_keeps_matching_names_best_first_and_can_be_cleared(
    sample: ProfileMatrix,
) -> None:
    narrowed = sample.filtered("tok")
    assert narrowed.names == ("API_TOKEN",)
    assert narrowed.highlights["API_TOKEN"] == (4, 5, 6)
    assert narrowed.query == "tok"
    fuzzy = sample.filtered("dbrl")
    assert fuzzy.names == ("DATABASE_URL",)
    best_first = sample.filtered("_o")
    assert best_first.names[0] == "API_TOKEN"  # "_O" is contiguous there, at index 3
    assert set(best_first.names) == {"API_TOKEN", "STAGING_ONLY"}
    assert narrowed.filtered("").names == sample.names
    assert sample.filtered("zzz").names == ()
    assert sample.filtered("  database ").names == ("DATABASE_URL",)


def test_build_matrix_takes_the_filter(tmp_path: Path) -> None:
    matrix = build_matrix(load(tmp_path, SAMPLE), "flag")
    assert matrix.names == ("PROD_FLAG",) and matrix.query == "flag"
    assert matrix.row("PROD_FLAG")[2].state is CellState.DEFINED


def test_equal_and_different_values_become_sentences(qa: ProfileMatrix) -> None:
    values = {
        ("default", "DATABASE_URL"): "postgres://db/app",
        ("staging", "DATABASE_URL"): "postgres://staging/app",
        ("production", "DATABASE_URL"): "postgres://db/app",
        ("qa", "DATABASE_URL"): "postgres://db/app",
    }
    comparison = compare_row(qa, "DATABASE_URL", lookup(values))
    assert comparison.groups == (("default", "production", "qa"), ("staging",))
    assert comparison.equal_to("production") == ("default", "qa")
    assert comparison.equal_to("staging") == ()
    assert comparison.differs("staging") and not comparison.differs("default")
    assert comparison.sentences() == [
        "DATABASE_URL is the same in default, production and qa",
        "staging's DATABASE_URL differs from default's, production's and qa's",
    ]


def test_the_issue_examples(qa: ProfileMatrix) -> None:
    values = {("staging", "STRIPE_KEY"): "sk-staging", ("production", "STRIPE_KEY"): "sk-prod"}
    comparison = compare_row(qa, "STRIPE_KEY", lookup(values))
    assert comparison.sentences() == [
        "production's STRIPE_KEY differs from staging's",
        "default is missing STRIPE_KEY",
        "qa is missing STRIPE_KEY",
    ]
    assert comparison.missing == ("default", "qa")


def test_every_value_different_names_each_against_the_ones_before(qa: ProfileMatrix) -> None:
    values = {
        ("default", "DATABASE_URL"): "a",
        ("staging", "DATABASE_URL"): "b",
        ("production", "DATABASE_URL"): "c",
    }
    comparison = compare_row(qa, "DATABASE_URL", lookup(values))
    assert comparison.groups == (("default",), ("staging",), ("production",))
    assert comparison.hidden == ("qa",)
    assert comparison.sentences() == [
        "staging's DATABASE_URL differs from default's",
        "production's DATABASE_URL differs from default's and staging's",
        "qa's DATABASE_URL is not revealed, so not compared",
    ]


def test_groups_of_equal_values_differ_in_the_plural(qa: ProfileMatrix) -> None:
    values = {
        ("default", "DATABASE_URL"): "a",
        ("staging", "DATABASE_URL"): "b",
        ("production", "DATABASE_URL"): "b",
        ("qa", "DATABASE_URL"): "a",
    }
    comparison = compare_row(qa, "DATABASE_URL", lookup(values))
    # A tie in size: the group reaching furthest left is the reference.
    assert comparison.groups == (("default", "qa"), ("staging", "production"))
    assert "staging's and production's DATABASE_URL differ from default's and qa's" in (
        comparison.sentences()
    )


def test_nothing_is_compared_until_two_values_are_revealed(qa: ProfileMatrix) -> None:
    nothing = compare_row(qa, "STRIPE_KEY", lookup({}))
    assert not nothing.compared
    assert nothing.hidden == ("staging", "production")
    assert nothing.sentences() == ["default is missing STRIPE_KEY", "qa is missing STRIPE_KEY"]
    one = compare_row(qa, "STRIPE_KEY", lookup({("staging", "STRIPE_KEY"): "sk-staging"}))
    assert not one.compared and one.revealed == ("staging",)
    assert not one.differs("staging")
    assert one.sentences() == nothing.sentences()


def test_the_profiles_left_out_of_a_comparison_are_named(qa: ProfileMatrix) -> None:
    values = {("default", "DATABASE_URL"): "a", ("staging", "DATABASE_URL"): "a"}
    comparison = compare_row(qa, "DATABASE_URL", lookup(values))
    assert comparison.hidden == ("production", "qa")
    assert comparison.sentences()[-1] == (
        "production's and qa's DATABASE_URL are not revealed, so not compared"
    )


def test_a_comparison_holds_neither_values_nor_digests(qa: ProfileMatrix) -> None:
    values = {
        ("default", "DATABASE_URL"): "postgres://db/app",
        ("staging", "DATABASE_URL"): "postgres://staging/app",
    }
    comparison = compare_row(qa, "DATABASE_URL", lookup(values))
    everything = repr(comparison) + "".join(comparison.sentences())
    for value in values.values():
        assert value not in everything
        assert value_digest(value).hex() not in everything
        assert hashlib.sha256(value.encode()).hexdigest() not in everything
    for slot in RowComparison.__slots__:
        held = getattr(comparison, slot)
        flat = held if isinstance(held, str) else repr(held)
        assert not any(value in flat for value in values.values())


def test_digests_are_keyed_and_tell_equal_values_from_different_ones() -> None:
    assert value_digest("same") == value_digest("same")
    assert value_digest("same") != value_digest("Same")
    assert value_digest("same") != hashlib.sha256(b"same").digest()
    assert value_digest("\udc80 surrogate") != value_digest("? surrogate")
