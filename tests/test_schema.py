"""What fnox refuses in a file: each problem is reported with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnox_tui.core import schema
from fnox_tui.core.configfile import ConfigFile, profile_of_file, read_config_file
from fnox_tui.core.errors import ConfigSyntaxError
from fnox_tui.core.loader import load_workspace
from fnox_tui.core.model import Problem
from tests.tree import isolated_environ, write_tree


def read(tmp_path: Path, text: str, name: str = "fnox.toml") -> ConfigFile:
    write_tree(tmp_path, {name: text})
    return read_config_file(tmp_path / name)


def where(problems: list[Problem]) -> list[tuple[int, str]]:
    return [(problem.location.line, problem.message) for problem in problems]


VALID = """
    import = ["shared.toml"]
    root = true
    default_provider = "plain"
    if_missing = "warn"
    env = "exec"
    prompt_auth = false
    age_key_file = "~/.config/fnox/age.txt"

    [providers]
    plain = { type = "plain" }
    age = { type = "age", recipients = ["age1xyz"], key_file = "k.txt" }
    kms = { type = "aws-kms", key_id = "alias/app", region = "eu-west-1", endpoint = "http://x" }
    vault = { type = "vault", address = "http://v", token = { secret = "VAULT_TOKEN" } }
    op = { type = "1password", vault = "Dev", auth_command = "op signin", daemon_cache = true }

    [secrets]
    A = { provider = "plain", value = "a", description = "d", if_missing = "ignore" }
    B = { default = "b", env = false, as_file = true, json_path = "x.y", daemon_cache = false }
    C = { provider = "age", value = "QQ==", line = 2, sync = { provider = "plain", value = "c" } }

    [profiles.prod]
    default_provider = "kms"

    [profiles.prod.providers]
    kms2 = { type = "aws-sm", region = "us-east-1", prefix = "app/" }

    [profiles.prod.secrets]
    A = { provider = "kms2", value = "a" }
"""


def test_a_file_fnox_accepts_has_no_problems(tmp_path: Path) -> None:
    config = read(tmp_path, VALID)
    assert config.problems == []
    assert config.imports == ["shared.toml"]
    assert config.root is True
    assert list(config.top.providers) == ["plain", "age", "kms", "vault", "op"]
    assert config.top.providers["kms"].type == "aws-kms"
    assert list(config.top.secrets) == ["A", "B", "C"]
    assert config.top.default_provider == "plain"
    assert config.profiles["prod"].default_provider == "kms"
    assert list(config.profiles["prod"].providers) == ["kms2"]


def test_unknown_top_level_field(tmp_path: Path) -> None:
    config = read(tmp_path, '[secrets]\nA = { default = "a" }\n\n[settings]\ncolor = true\n')
    [(line, message)] = where(config.problems)
    assert line == 4
    assert "unknown field `settings`" in message
    assert "the top level" in message


def test_unknown_profile_field(tmp_path: Path) -> None:
    # The fnox docs show if_missing in a profile, but fnox 1.31 refuses it.
    config = read(tmp_path, '[profiles.prod]\nif_missing = "error"\n')
    assert where(config.problems) == [
        (
            2,
            "unknown field `if_missing` in profile `prod`; expected one of "
            "`leases`, `providers`, `default_provider`, `secrets`",
        )
    ]


def test_unknown_secret_field_inline_and_table_style(tmp_path: Path) -> None:
    config = read(
        tmp_path,
        """
        [secrets]
        A = { default = "a", colour = "red" }

        [secrets.B]
        default = "b"
        colour = "blue"
        """,
    )
    assert [line for line, _ in where(config.problems)] == [2, 6]
    assert all("unknown field `colour`" in message for _, message in where(config.problems))
    assert "secret `A`" in config.problems[0].message
    assert "secret `B`" in config.problems[1].message
    # The secret is still loaded, so the UI can show it next to the problem.
    assert set(config.top.secrets) == {"A", "B"}


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('root = "yes"\n', 1, "`root` in the top level must be a boolean"),
        ('import = "x.toml"\n', 1, "`import` in the top level must be an array of strings"),
        ('if_missing = "sometimes"\n', 1, '"error", "warn" or "ignore"'),
        ('env = "shell"\n', 1, '`env` in the top level must be true, false or "exec"'),
        ("[secrets]\nA = { default = 1 }\n", 2, "`default` in secret `A` must be a string"),
        ('[secrets]\nA = { as_file = "yes" }\n', 2, "`as_file` in secret `A` must be a boolean"),
        ("[secrets]\nA = { line = 0 }\n", 2, "`line` in secret `A` must be a positive integer"),
        ('[secrets]\nA = { sync = { provider = "p" } }\n', 2, "`sync` in secret `A`"),
        ("[profiles.p]\nsecrets = []\n", 2, "`secrets` in profile `p` must be a table"),
        ('[providers]\nk = { type = "plain", auth_command = 1 }\n', 2, "`auth_command`"),
    ],
)
def test_wrong_types(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    config = read(tmp_path, text)
    [(found_line, message)] = where(config.problems)
    assert found_line == line
    assert fragment in message


def test_bare_string_secret(tmp_path: Path) -> None:
    config = read(tmp_path, '[secrets]\nOK = { default = "x" }\nAPI_KEY = "hunter2"\n')
    [(line, message)] = where(config.problems)
    assert line == 3
    assert "secret `API_KEY` must be a table" in message
    assert "hunter2" not in message  # a problem never repeats a secret value
    assert list(config.top.secrets) == ["OK"]


def test_unknown_provider_type(tmp_path: Path) -> None:
    config = read(tmp_path, '[providers]\nplain = { type = "plain" }\nx = { type = "nope" }\n')
    [(line, message)] = where(config.problems)
    assert line == 3
    assert "provider `x` has unknown type 'nope'" in message
    # Still listed, with what we know of it.
    assert config.top.providers["x"].type == "nope"


def test_provider_without_type(tmp_path: Path) -> None:
    config = read(tmp_path, '[providers.x]\nregion = "eu-west-1"\n')
    assert where(config.problems) == [(1, "provider `x` has no `type`")]


@pytest.mark.parametrize(
    ("provider", "missing"),
    [
        ('{ type = "aws-kms", key_id = "alias/k" }', ["region"]),
        ('{ type = "aws-kms" }', ["key_id", "region"]),
        ('{ type = "aws-sm" }', ["region"]),
        ('{ type = "age" }', ["recipients"]),
        ('{ type = "gcp-kms", project = "p", location = "l" }', ["keyring", "key"]),
    ],
)
def test_missing_required_provider_fields(
    tmp_path: Path, provider: str, missing: list[str]
) -> None:
    config = read(tmp_path, f"[providers]\n\nk = {provider}\n")
    assert [line for line, _ in where(config.problems)] == [3] * len(missing)
    assert [message.rsplit(" ", 1)[-1] for _, message in where(config.problems)] == [
        f"`{name}`" for name in missing
    ]


def test_unknown_provider_field_in_table_style_provider(tmp_path: Path) -> None:
    config = read(
        tmp_path,
        """
        [providers.kms]
        type = "aws-kms"
        key_id = "alias/k"
        region = "eu-west-1"
        colour = "red"
        """,
    )
    [(line, message)] = where(config.problems)
    assert line == 5
    assert "unknown field `colour` in provider `kms` (aws-kms)" in message


def test_problems_in_profile_tables_point_into_the_profile(tmp_path: Path) -> None:
    config = read(
        tmp_path,
        """
        [profiles.prod.providers]
        k = { type = "aws-sm" }

        [profiles.prod.secrets]
        A = "bare"
        B = { provider = "k", value = "b", extra = 1 }
        """,
    )
    assert [line for line, _ in where(config.problems)] == [2, 5, 6]


def test_every_provider_type_fnox_knows_is_accepted() -> None:
    expected = {
        "age", "aws-kms", "azure-kms", "gcp-kms", "fido2", "yubikey", "plain", "aws-sm",
        "aws-ps", "azure-sm", "gcp-sm", "vault", "keychain", "keepass", "password-store",
        "bitwarden-sm", "foks", "1password", "bitwarden", "doppler", "infisical",
        "proton-pass", "passwordstate", "azure-ac", "keeper-sm",
    }  # fmt: skip
    assert set(schema.PROVIDER_TYPES) == expected
    every_type = schema.LOCAL_TYPES | schema.REMOTE_TYPES
    assert every_type == expected
    assert "plain" in schema.LOCAL_TYPES
    assert "aws-sm" in schema.REMOTE_TYPES


def test_missing_import_is_a_problem_at_the_import_line(tmp_path: Path) -> None:
    write_tree(
        tmp_path / "work",
        {
            "fnox.toml": """
                [secrets]
                A = { default = "a" }
                """,
            "app/fnox.toml": """
                # shared settings
                import = ["present.toml", "absent.toml"]
                """,
            "app/present.toml": "",
        },
    )
    workspace = load_workspace(
        tmp_path / "work" / "app", environ=isolated_environ(tmp_path / "home")
    )
    [problem] = workspace.problems
    assert problem.location.path == tmp_path / "work" / "app" / "fnox.toml"
    assert problem.location.line == 2
    assert str(tmp_path / "work" / "app" / "absent.toml") in problem.message


def test_problems_of_every_loaded_file_reach_the_workspace(tmp_path: Path) -> None:
    write_tree(
        tmp_path / "work",
        {
            "fnox.toml": '[secrets]\nA = "bare"\n',
            "app/fnox.toml": '[secrets]\nB = { default = "b", nope = 1 }\n',
        },
    )
    workspace = load_workspace(
        tmp_path / "work" / "app", environ=isolated_environ(tmp_path / "home")
    )
    assert sorted((str(p.location.path), p.location.line) for p in workspace.problems) == [
        (str(tmp_path / "work" / "app" / "fnox.toml"), 2),
        (str(tmp_path / "work" / "fnox.toml"), 2),
    ]


def test_malformed_toml_raises_with_path_line_and_column(tmp_path: Path) -> None:
    write_tree(tmp_path, {"fnox.toml": '[secrets]\nA = { default = "a" }\nB = { default = "b"\n'})
    with pytest.raises(ConfigSyntaxError) as raised:
        read_config_file(tmp_path / "fnox.toml")
    error = raised.value
    assert error.path == tmp_path / "fnox.toml"
    assert (error.line, error.column) == (3, 20)
    assert error.reason
    assert str(error).startswith(f"{tmp_path / 'fnox.toml'}:3:20: ")


def test_malformed_toml_anywhere_in_the_walk_raises(tmp_path: Path) -> None:
    write_tree(
        tmp_path / "work",
        {"fnox.toml": "[secrets\n", "app/fnox.toml": '[secrets]\nA = { default = "a" }\n'},
    )
    with pytest.raises(ConfigSyntaxError) as raised:
        load_workspace(tmp_path / "work" / "app", environ=isolated_environ(tmp_path / "home"))
    assert raised.value.path == tmp_path / "work" / "fnox.toml"
    assert raised.value.line == 1


def test_duplicate_key_is_a_syntax_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"fnox.toml": '[secrets]\nA = { default = "a" }\nA = { default = "b" }\n'})
    with pytest.raises(ConfigSyntaxError) as raised:
        read_config_file(tmp_path / "fnox.toml")
    assert raised.value.line == 3


def test_invalid_utf8_is_a_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "fnox.toml").write_bytes(b'[secrets]\nA = { default = "\xff" }\n')
    with pytest.raises(ConfigSyntaxError) as raised:
        read_config_file(tmp_path / "fnox.toml")
    assert raised.value.line == 2


@pytest.mark.parametrize(
    ("name", "profile"),
    [
        ("fnox.toml", None),
        (".fnox.toml", None),
        ("fnox.local.toml", None),
        (".fnox.local.toml", None),
        ("fnox.prod.toml", "prod"),
        (".fnox.prod.toml", "prod"),
        ("fnox.eu.west.toml", "eu.west"),
        ("other.toml", None),
    ],
)
def test_profile_of_file(name: str, profile: str | None) -> None:
    assert profile_of_file(Path("/x") / name) == profile


def test_check_fields_reports_each_unknown_and_mistyped_field() -> None:
    issues = list(
        schema.check_fields(
            {"description": 1, "colour": "red", "default": "ok"}, schema.SECRET_FIELDS, "secret `A`"
        )
    )
    assert [issue.path for issue in issues] == [("description",), ("colour",)]
