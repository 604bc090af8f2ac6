"""How fnox merges the loaded files into each profile's view."""

from __future__ import annotations

from pathlib import Path

from fnox_tui.core.loader import load_workspace
from fnox_tui.core.model import EffectiveSecret, Origin, ProfileView, Severity, Workspace
from tests.tree import isolated_environ, write_tree


def load(tmp_path: Path, files: dict[str, str], cwd: str = ".") -> Workspace:
    write_tree(tmp_path / "work", files)
    environ = isolated_environ(tmp_path / "home")
    return load_workspace(tmp_path / "work" / cwd, environ=environ)


def secret(view: ProfileView, name: str) -> EffectiveSecret:
    found = view.secret(name)
    assert found is not None, f"{name} is not in profile {view.name}"
    return found


def table(view: ProfileView) -> list[tuple[str, str, str | None]]:
    return [(secret.name, secret.kind, secret.provider_name) for secret in view.secrets]


# --- replacement rules --------------------------------------------------------------------


def test_provider_is_replaced_whole_by_name(tmp_path: Path) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": """
                [providers.kms]
                type = "aws-kms"
                key_id = "alias/parent"
                region = "eu-west-1"
                endpoint = "http://parent"
                """,
            "app/fnox.toml": """
                [providers]
                kms = { type = "aws-kms", key_id = "alias/child", region = "us-east-1" }
                """,
        },
        cwd="app",
    )
    kms = workspace.profiles["default"].providers["kms"]
    assert kms.fields == {"key_id": "alias/child", "region": "us-east-1"}
    assert kms.location.path == tmp_path / "work/app/fnox.toml"
    assert [provider.name for provider in workspace.providers] == ["kms"]


def test_secret_is_replaced_whole_by_key(tmp_path: Path) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": """
                [secrets]
                DB = { default = "x", description = "the database", as_file = true }
                """,
            "fnox.local.toml": """
                [secrets]
                DB = { env = false }
                """,
        },
    )
    db = secret(workspace.profiles["default"], "DB")
    assert db.definition.fields == {"env": False}
    assert db.definition.description is None
    assert db.kind == "env var"
    assert db.definition.location.path == tmp_path / "work/fnox.local.toml"


def test_profiles_merge_per_profile_then_per_key(tmp_path: Path) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": """
                [profiles.prod]
                default_provider = "a"

                [profiles.prod.providers]
                a = { type = "plain" }
                b = { type = "plain" }

                [profiles.prod.secrets]
                KEEP = { default = "parent" }
                SWAP = { default = "parent" }
                """,
            "app/fnox.toml": """
                [profiles.prod.providers]
                b = { type = "aws-sm", region = "eu-west-1" }

                [profiles.prod.secrets]
                SWAP = { default = "child" }
                NEW = { value = "n" }
                """,
        },
        cwd="app",
    )
    prod = workspace.profiles["prod"]
    assert [(s.name, s.definition.default) for s in prod.secrets] == [
        ("KEEP", "parent"),
        ("SWAP", "child"),
        ("NEW", None),
    ]
    assert {name: p.type for name, p in prod.providers.items()} == {"a": "plain", "b": "aws-sm"}
    assert prod.default_provider == "a"
    assert secret(prod, "NEW").provider_name == "a"


def test_secret_order_is_first_appearance_lowest_layer_first(tmp_path: Path) -> None:
    write_tree(
        tmp_path / "home", {".config/fnox/config.toml": '[secrets]\nG = { default = "g" }\n'}
    )
    workspace = load(
        tmp_path,
        {
            "fnox.toml": '[secrets]\nB = { default = "1" }\nA = { default = "1" }\n',
            "app/fnox.toml": '[secrets]\nC = { default = "2" }\nA = { default = "2" }\n',
            "app/fnox.local.toml": '[secrets]\nG = { default = "3" }\nD = { default = "3" }\n',
        },
        cwd="app",
    )
    view = workspace.profiles["default"]
    assert [(s.name, s.definition.default) for s in view.secrets] == [
        ("G", "3"),
        ("B", "1"),
        ("A", "2"),
        ("C", "2"),
        ("D", "3"),
    ]


# --- which provider a secret uses ---------------------------------------------------------


PROVIDERS = '[providers]\none = { type = "plain" }\ntwo = { type = "plain" }\n'


def test_default_provider_of_the_profile_beats_the_top_level(tmp_path: Path) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": 'default_provider = "one"\n'
            + PROVIDERS
            + '[secrets]\nA = { value = "a" }\n'
            + '[profiles.prod]\ndefault_provider = "two"\n'
            + '[profiles.staging.secrets]\nB = { value = "b" }\n',
        },
    )
    assert workspace.problems == []
    assert secret(workspace.profiles["default"], "A").provider_name == "one"
    assert secret(workspace.profiles["prod"], "A").provider_name == "two"
    assert workspace.profiles["prod"].default_provider == "two"
    staging = workspace.profiles["staging"]
    assert [s.provider_name for s in staging.secrets] == ["one", "one"]
    assert secret(staging, "A").provider_source == "default_provider"


def test_a_later_file_replaces_the_default_provider(tmp_path: Path) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": 'default_provider = "one"\n' + PROVIDERS,
            "fnox.local.toml": 'default_provider = "two"\n[secrets]\nA = { value = "a" }\n',
        },
    )
    view = workspace.profiles["default"]
    assert view.default_provider == "two"
    assert secret(view, "A").provider_name == "two"


def test_the_only_visible_provider_is_the_default(tmp_path: Path) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": """
                [providers]
                only = { type = "plain" }
                [secrets]
                A = { value = "a" }
                [profiles.prod.providers]
                extra = { type = "plain" }
                """,
        },
    )
    a = secret(workspace.profiles["default"], "A")
    assert (a.provider_name, a.provider_source, a.kind) == ("only", "only provider", "stored value")
    # In prod two providers are visible and none is the default: no provider at all.
    prod_a = secret(workspace.profiles["prod"], "A")
    assert (prod_a.provider_name, prod_a.provider, prod_a.kind) == (None, None, "stored value")


def test_a_profile_only_provider_is_invisible_to_other_profiles(tmp_path: Path) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": """
                [secrets]
                A = { provider = "kms", value = "a" }
                [profiles.prod.providers]
                kms = { type = "aws-kms", key_id = "alias/k", region = "eu-west-1" }
                """,
        },
    )
    prod_provider = secret(workspace.profiles["prod"], "A").provider
    assert prod_provider is not None
    assert prod_provider.type == "aws-kms"
    default_a = secret(workspace.profiles["default"], "A")
    assert (default_a.provider_name, default_a.provider) == ("kms", None)
    [warning] = workspace.problems
    assert warning.severity is Severity.WARNING
    assert warning.location.line == 2
    assert "'kms'" in warning.message
    assert [p.name for p in workspace.providers] == ["kms"]
    assert workspace.providers[0].profile == "prod"


def test_an_unknown_default_provider_is_a_problem(tmp_path: Path) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": 'default_provider = "ghost"\n'
            + PROVIDERS
            + '[secrets]\nA = { value = "a" }\n'
        },
    )
    view = workspace.profiles["default"]
    assert view.default_provider is None
    assert view.default_provider_error is not None
    [problem] = workspace.problems
    assert problem.location.line == 1
    assert "'ghost'" in problem.message


# --- kinds --------------------------------------------------------------------------------


def test_kinds_as_fnox_list_labels_them(tmp_path: Path) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": """
                [providers]
                plain = { type = "plain" }
                [secrets]
                PROVIDED = { provider = "plain", value = "p" }
                STORED = { value = "s" }
                DEFAULTED = { default = "d" }
                FROM_ENV = { description = "read from the environment" }
                FILE = { provider = "plain", value = "f", as_file = true }
                STORED_FILE = { value = "s", as_file = true }
                DEFAULT_FILE = { default = "d", as_file = true }
                ENV_FILE = { as_file = true }
                NOT_A_FILE = { default = "d", as_file = false }
                BOTH = { value = "v", default = "d" }
                """,
        },
    )
    assert table(workspace.profiles["default"]) == [
        ("PROVIDED", "provider (plain)", "plain"),
        ("STORED", "stored value", "plain"),
        ("DEFAULTED", "default value", None),
        ("FROM_ENV", "env var", None),
        ("FILE", "provider (plain) [file]", "plain"),
        ("STORED_FILE", "stored value [file]", "plain"),
        ("DEFAULT_FILE", "default value [file]", None),
        ("ENV_FILE", "env var [file]", None),
        ("NOT_A_FILE", "default value", None),
        ("BOTH", "stored value", "plain"),
    ]


def test_provider_kind_names_the_written_provider_even_without_a_value(tmp_path: Path) -> None:
    workspace = load(tmp_path, {"fnox.toml": '[secrets]\nA = { provider = "op" }\n'})
    assert table(workspace.profiles["default"]) == [("A", "provider (op)", "op")]


# --- profile files and origins ------------------------------------------------------------


def test_secrets_of_a_profile_file_belong_to_that_profile_only(tmp_path: Path) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": """
                [secrets]
                SHARED = { default = "top" }
                BASE = { default = "top" }
                [profiles.staging.secrets]
                STAGE = { default = "s" }
                """,
            "fnox.prod.toml": """
                [secrets]
                SHARED = { default = "prod-file" }
                ONLY_PROD = { default = "p" }
                """,
        },
    )
    assert [s.name for s in workspace.profiles["default"].secrets] == ["SHARED", "BASE"]
    assert [s.name for s in workspace.profiles["staging"].secrets] == ["SHARED", "BASE", "STAGE"]
    prod = workspace.profiles["prod"]
    assert [(s.name, s.definition.default, s.origin) for s in prod.secrets] == [
        ("SHARED", "prod-file", Origin.OVERRIDES),
        ("BASE", "top", Origin.INHERITED),
        ("ONLY_PROD", "p", Origin.DEFINED),
    ]
    only_prod = secret(prod, "ONLY_PROD")
    assert only_prod.definition.profile_file
    assert only_prod.definition.table == "secrets"  # written to the file's top-level [secrets]


def test_profile_table_in_fnox_toml_beats_top_level_secrets_of_the_profile_file(
    tmp_path: Path,
) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": '[profiles.prod.secrets]\nX = { default = "fnox.toml profile table" }\n',
            "fnox.prod.toml": '[secrets]\nX = { default = "fnox.prod.toml" }\n',
        },
    )
    x = secret(workspace.profiles["prod"], "X")
    assert x.definition.default == "fnox.toml profile table"


def test_origins(tmp_path: Path) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": """
                [secrets]
                A = { default = "a" }
                B = { default = "b" }
                [profiles.prod.secrets]
                B = { default = "prod b" }
                C = { default = "prod c" }
                """,
        },
    )
    assert [(s.name, s.origin) for s in workspace.profiles["default"].secrets] == [
        ("A", Origin.DEFINED),
        ("B", Origin.DEFINED),
    ]
    prod = workspace.profiles["prod"]
    assert [(s.name, s.origin) for s in prod.secrets] == [
        ("A", Origin.INHERITED),
        ("B", Origin.OVERRIDES),
        ("C", Origin.DEFINED),
    ]
    assert prod.counts() == {Origin.DEFINED: 1, Origin.INHERITED: 1, Origin.OVERRIDES: 1}
    assert secret(prod, "B").definition.table == "profiles.prod.secrets"


# --- locations ----------------------------------------------------------------------------


def test_locations_of_secrets_and_providers(tmp_path: Path) -> None:
    workspace = load(
        tmp_path,
        {
            "fnox.toml": """
                # Providers
                [providers]
                plain = { type = "plain" }

                [providers.kms]
                type = "aws-kms"
                key_id = "alias/k"
                region = "eu-west-1"

                [secrets]
                INLINE = { provider = "plain", value = "i" }
                "quoted.key" = { default = "q" }
                'literal key' = { default = "l" }

                [secrets.TABLE]
                provider = "kms"
                value = "AQ=="

                [secrets."quoted.table"]
                default = "qt"

                [profiles.prod.secrets]
                PROD = { default = "p" }
                """,
        },
    )
    path = tmp_path / "work/fnox.toml"
    prod = workspace.profiles["prod"]
    found = {s.name: (s.definition.location.line, s.definition.inline) for s in prod.secrets}
    assert found == {
        "INLINE": (11, True),
        "quoted.key": (12, True),
        "literal key": (13, True),
        "TABLE": (15, False),
        "quoted.table": (19, False),
        "PROD": (23, True),
    }
    assert {s.definition.location.path for s in prod.secrets} == {path}
    assert {p.name: p.location.line for p in workspace.providers} == {"plain": 3, "kms": 5}
    assert str(secret(prod, "INLINE").definition.location) == f"{path}:11:1"


def test_locations_point_into_the_file_that_won(tmp_path: Path) -> None:
    write_tree(
        tmp_path / "home",
        {".config/fnox/config.toml": '# global\n\n[providers]\nplain = { type = "plain" }\n'},
    )
    workspace = load(
        tmp_path,
        {
            "fnox.toml": 'import = ["lib/shared.toml"]\n',
            "lib/shared.toml": '[secrets]\n\nSHARED = { default = "s" }\n',
            "fnox.local.toml": '# local\n[secrets]\nSHARED = { default = "local" }\n',
        },
    )
    view = workspace.profiles["default"]
    shared = secret(view, "SHARED")
    assert (shared.definition.location.path, shared.definition.location.line) == (
        tmp_path / "work/fnox.local.toml",
        3,
    )
    plain = view.providers["plain"]
    assert (plain.location.path, plain.location.line) == (
        tmp_path / "home/.config/fnox/config.toml",
        4,
    )
