"""tomledit: staged changes applied to a file's text, every other byte kept."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from fnox_tui.core.changes import AddSecret, DeleteSecret, UpdateProvider, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.core.tomledit import EditError, apply_changes, check_edit, expected_data
from fnox_tui.core.tomlinline import InlineEditError, edit_inline_statement

PATH = Path("/project/fnox.toml")


def secret(name: str, profile: str | None = None, path: Path = PATH) -> EntryId:
    return EntryId.secret(path, name, profile)


def edit(text: str, *changes: object) -> str:
    result = apply_changes(text, changes)  # type: ignore[arg-type]
    assert not result.full_parse, result.reason
    check_edit(text, result.text, changes)  # type: ignore[arg-type]
    return result.text


BASE = """\
# Team secrets
root = true

[providers]
plain = { type = "plain" }

[secrets]
# about A
A = { provider = "plain", value = "a", description = "first" } # keep me

# group two

# directly above B
B = { provider = "plain", value = "b" }
C = { provider = "plain", value = "c" }

# about T
[secrets.T]
provider = "plain" # provider comment
value = "t" # value comment
description = "tee"

[profiles.prod.secrets]
X = { provider = "plain", value = "x" }
"""


# --- updates --------------------------------------------------------------------------------


def test_inline_update_keeps_fields_order_and_trailing_comment() -> None:
    new = edit(BASE, UpdateSecret(secret("A"), {"value": "NEW"}))
    assert new == BASE.replace('value = "a", description', 'value = "NEW", description')


def test_inline_update_adds_and_removes_fields_in_place() -> None:
    new = edit(BASE, UpdateSecret(secret("A"), {"if_missing": "warn"}, ("description",)))
    assert new == BASE.replace(
        'value = "a", description = "first" }', 'value = "a", if_missing = "warn" }'
    )


def test_table_style_update_is_field_by_field_with_comments_kept() -> None:
    new = edit(
        BASE,
        UpdateSecret(secret("T"), {"value": "NEW", "if_missing": "warn"}, ("description",)),
    )
    assert new == BASE.replace(
        'value = "t" # value comment\ndescription = "tee"\n',
        'value = "NEW" # value comment\nif_missing = "warn"\n',
    )


def test_replace_after_delete_and_add_keeps_the_place() -> None:
    new = edit(
        BASE,
        DeleteSecret(secret("A")),
        AddSecret(secret("A"), {"default": "d"}),
    )
    assert new == BASE.replace(
        'A = { provider = "plain", value = "a", description = "first" } # keep me',
        'A = { default = "d" } # keep me',
    )


def test_provider_update_inline_and_table_style_and_multiline_array() -> None:
    text = (
        "[providers]\n"
        'kms = { type = "aws-kms", key_id = "alias/old", region = "eu-west-1" } # main key\n'
        "\n"
        "[providers.age]\n"
        'type = "age"\n'
        "recipients = [\n"
        '    "age1aaa", # first\n'
        "]\n"
    )
    new = edit(
        text,
        UpdateProvider(EntryId.provider(PATH, "kms"), {"key_id": "alias/new"}),
        UpdateProvider(EntryId.provider(PATH, "age"), {"recipients": ["age1aaa", "age1bbb"]}),
    )
    assert new == (
        "[providers]\n"
        'kms = { type = "aws-kms", key_id = "alias/new", region = "eu-west-1" } # main key\n'
        "\n"
        "[providers.age]\n"
        'type = "age"\n'
        "recipients = [\n"
        '    "age1aaa", # first\n'
        '    "age1bbb",\n'
        "]\n"
    )


def test_recipients_that_stay_keep_their_lines_and_comments() -> None:
    text = (
        "[profiles.production.providers.age]\n"
        'type = "age"\n'
        "recipients = [\n"
        '    "age1you",  # you: age.txt\n'
        '    "age1team",  # the operations team\n'
        '    "age1old",  # left the company\n'
        "]\n"
        'key_file = "age.txt"\n'
    )
    provider = EntryId.provider(PATH, "age", "production")
    new = edit(text, UpdateProvider(provider, {"recipients": ["age1you", "age1team", "age1new"]}))
    assert new == text.replace('    "age1old",  # left the company\n', '    "age1new",\n')
    # An order the kept lines cannot give: the array is written anew, as the user asked.
    new = edit(text, UpdateProvider(provider, {"recipients": ["age1new", "age1you"]}))
    assert tomllib.loads(new)["profiles"]["production"]["providers"]["age"]["recipients"] == [
        "age1new",
        "age1you",
    ]


def test_provider_in_a_profile() -> None:
    text = '[profiles.prod.providers]\nkms = { type = "aws-kms", key_id = "k1", region = "r" }\n'
    new = edit(text, UpdateProvider(EntryId.provider(PATH, "kms", "prod"), {"key_id": "k2"}))
    assert new == text.replace('"k1"', '"k2"')


# --- additions ------------------------------------------------------------------------------


def test_new_entry_goes_after_the_last_entry_of_its_table() -> None:
    new = edit(BASE, AddSecret(secret("NEW"), {"provider": "plain", "value": "n"}))
    assert new == BASE.replace(
        'C = { provider = "plain", value = "c" }\n',
        'C = { provider = "plain", value = "c" }\nNEW = { provider = "plain", value = "n" }\n',
    )


def test_new_entries_keep_their_order_and_the_indent_of_the_table() -> None:
    text = '[secrets]\n  A = { default = "a" }\n'
    new = edit(
        text, AddSecret(secret("Z"), {"default": "z"}), AddSecret(secret("B"), {"default": "b"})
    )
    assert new == text + '  Z = { default = "z" }\n  B = { default = "b" }\n'


def test_new_profile_table_after_the_profiles_tables() -> None:
    new = edit(BASE, AddSecret(secret("Y", "dev"), {"provider": "plain", "value": "y"}))
    assert new == BASE + '\n[profiles.dev.secrets]\nY = { provider = "plain", value = "y" }\n'


def test_new_profile_table_after_the_profile_own_tables() -> None:
    text = (
        "[profiles.prod]\n"
        'default_provider = "kms"\n'
        "# FOO = commented out\n"
        "\n"
        "[secrets]\n"
        'A = { default = "a" }\n'
    )
    new = edit(text, AddSecret(secret("P", "prod"), {"default": "p"}))
    assert new == (
        "[profiles.prod]\n"
        'default_provider = "kms"\n'
        "# FOO = commented out\n"
        "\n"
        "[profiles.prod.secrets]\n"
        'P = { default = "p" }\n'
        "\n"
        "[secrets]\n"
        'A = { default = "a" }\n'
    )


def test_new_secrets_table_at_the_end_of_a_file_without_one() -> None:
    text = '# header\nroot = true\n\n[providers]\nplain = { type = "plain" }\n\n# footer\n'
    new = edit(text, AddSecret(secret("N"), {"provider": "plain", "value": "n"}))
    assert new == text + '\n[secrets]\nN = { provider = "plain", value = "n" }\n'


def test_new_secrets_header_before_the_first_table_style_secret() -> None:
    text = 'root = true\n\n# about T\n[secrets.T]\ndefault = "t"\n'
    new = edit(text, AddSecret(secret("N"), {"default": "n"}))
    assert new == (
        'root = true\n\n[secrets]\nN = { default = "n" }\n\n# about T\n[secrets.T]\ndefault = "t"\n'
    )


def test_new_entry_in_an_empty_file() -> None:
    assert (
        edit("", AddSecret(secret("N"), {"default": "n"})) == '[secrets]\nN = { default = "n" }\n'
    )


def test_fnox_profile_file_gets_top_level_secrets() -> None:
    path = Path("/project/fnox.prod.toml")
    entry = EntryId.secret(path, "N")
    assert entry.scope_profile == "prod"
    new = edit("# prod only\n", AddSecret(entry, {"default": "n"}))
    assert new == '# prod only\n\n[secrets]\nN = { default = "n" }\n'


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("my key", '"my key"'),
        ("dotted.name", '"dotted.name"'),
        ('q"uote', '"q\\"uote"'),
        ("é", '"é"'),
        ("", '""'),
        ("tab\there", '"tab\\there"'),
        ("-_09az", "-_09az"),
    ],
)
def test_keys_that_are_not_bare_are_quoted(name: str, written: str) -> None:
    new = edit("[secrets]\n", AddSecret(secret(name), {"default": "v"}))
    assert new == f'[secrets]\n{written} = {{ default = "v" }}\n'


@pytest.mark.parametrize(
    "description",
    ['say "hi"', "back\\slash", "two\nlines\r\n", "ünï 秘密 🔑", "\x00\x01\x1f\x7f", "\u2028\x85"],
)
def test_strings_are_escaped_on_one_line(description: str) -> None:
    new = edit("[secrets]\n", AddSecret(secret("D"), {"default": "v", "description": description}))
    assert new.count("\n") == 2
    assert tomllib.loads(new)["secrets"]["D"]["description"] == description


# --- deletions ------------------------------------------------------------------------------


def test_delete_takes_the_comment_lines_directly_above() -> None:
    new = edit(BASE, DeleteSecret(secret("B")))
    assert new == BASE.replace('# directly above B\nB = { provider = "plain", value = "b" }\n', "")


def test_delete_table_style_takes_its_whole_table_and_one_blank_line() -> None:
    new = edit(BASE, DeleteSecret(secret("T")))
    assert new == BASE.replace(
        '\n# about T\n[secrets.T]\nprovider = "plain" # provider comment\n'
        'value = "t" # value comment\ndescription = "tee"\n',
        "",
    )


def test_delete_does_not_leave_two_blank_lines() -> None:
    text = '[secrets]\nA = { default = "a" }\n\n# lonely\nB = { default = "b" }\n\nC = { default = "c" }\n'
    new = edit(text, DeleteSecret(secret("B")))
    assert new == '[secrets]\nA = { default = "a" }\n\nC = { default = "c" }\n'


def test_delete_table_style_with_its_sub_tables() -> None:
    text = (
        "[secrets.A]\n"
        'value = "a"\n'
        "\n"
        "# A's sync cache\n"
        "[secrets.A.sync]\n"
        'provider = "plain"\n'
        'value = "s"\n'
        "\n"
        "[secrets.B]\n"
        'value = "b"\n'
    )
    assert edit(text, DeleteSecret(secret("A"))) == '[secrets.B]\nvalue = "b"\n'


def test_delete_last_entry_keeps_the_table_header() -> None:
    text = '[secrets]\nA = { default = "a" }\n'
    assert edit(text, DeleteSecret(secret("A"))) == "[secrets]\n"


def test_add_then_delete_is_nothing() -> None:
    result = apply_changes(
        BASE, [AddSecret(secret("N"), {"default": "n"}), DeleteSecret(secret("N"))]
    )
    assert result.text == BASE


def test_delete_and_add_at_the_same_place() -> None:
    text = '[secrets]\nA = { default = "a" }\nB = { default = "b" }\n'
    new = edit(text, DeleteSecret(secret("B")), AddSecret(secret("N"), {"default": "n"}))
    assert new == '[secrets]\nA = { default = "a" }\nN = { default = "n" }\n'


# --- line endings, BOM ------------------------------------------------------------------------


def test_crlf_file_stays_crlf() -> None:
    text = BASE.replace("\n", "\r\n")
    new = edit(
        text,
        UpdateSecret(secret("A"), {"value": "NEW"}),
        UpdateSecret(secret("T"), {"if_missing": "warn"}),
        DeleteSecret(secret("C")),
        AddSecret(secret("N"), {"default": "n"}),
        AddSecret(secret("Y", "dev"), {"default": "y"}),
    )
    assert "\n" not in new.replace("\r\n", "")
    expected = edit(
        BASE,
        UpdateSecret(secret("A"), {"value": "NEW"}),
        UpdateSecret(secret("T"), {"if_missing": "warn"}),
        DeleteSecret(secret("C")),
        AddSecret(secret("N"), {"default": "n"}),
        AddSecret(secret("Y", "dev"), {"default": "y"}),
    )
    assert new == expected.replace("\n", "\r\n")


def test_no_final_newline_stays_so() -> None:
    text = '[secrets]\nA = { default = "a" }'
    assert edit(text, UpdateSecret(secret("A"), {"default": "b"})) == text.replace('"a"', '"b"')
    added = edit(text, AddSecret(secret("N"), {"default": "n"}))
    assert added == '[secrets]\nA = { default = "a" }\nN = { default = "n" }'


def test_bom_is_kept() -> None:
    text = '\ufeff[secrets]\r\nA = { default = "a" }\r\n'
    result = apply_changes(text, [UpdateSecret(secret("A"), {"default": "b"})])
    assert result.text == text.replace('"a"', '"b"')


# --- what cannot be isolated goes through tomlkit, what does not fit is refused ---------------


@pytest.mark.parametrize(
    "text",
    [
        'secrets = { A = { default = "a" } }\n',
        '[secrets]\nA.default = "a"\n',
        '[profiles]\nprod.secrets.A = { default = "a" }\n',
        '[profiles]\nprod.default_provider = "p"\n[profiles.prod.secrets]\nA = { default = "a" }\n',
        '[secrets.A]\ndefault = "a"\n[secrets.A.sync]\nprovider = "p"\nvalue = "v"\n',
    ],
)
def test_fragments_that_cannot_be_isolated_use_a_full_parse(text: str) -> None:
    profile = "prod" if "profiles" in text else None
    changes = [UpdateSecret(secret("A", profile), {"default": "b"})]
    result = apply_changes(text, changes)
    assert result.full_parse and result.reason
    assert tomllib.loads(result.text) == expected_data(tomllib.loads(text), changes)


def test_a_table_under_one_defined_by_dotted_keys_is_created_through_tomlkit() -> None:
    text = '[profiles]\nprod.default_provider = "p"\n'
    changes = [AddSecret(secret("A", "prod"), {"default": "a"})]
    result = apply_changes(text, changes)
    assert result.full_parse
    assert tomllib.loads(result.text) == expected_data(tomllib.loads(text), changes)
    assert result.text.startswith(text)


def test_check_edit_catches_a_wrong_result() -> None:
    changes = [UpdateSecret(secret("A"), {"value": "NEW"})]
    with pytest.raises(EditError, match="does not read as the changes mean"):
        check_edit(BASE, BASE, changes)
    with pytest.raises(EditError, match="does not parse"):
        check_edit(BASE, BASE + "[secrets]\n", changes)


def test_editing_a_missing_entry_is_refused() -> None:
    with pytest.raises(EditError, match="GONE is no longer in \\[secrets\\]"):
        apply_changes(BASE, [UpdateSecret(secret("GONE"), {"value": "x"})])
    with pytest.raises(EditError, match="no longer"):
        apply_changes(BASE, [DeleteSecret(secret("X"))])


def test_adding_an_existing_entry_is_refused() -> None:
    for name in ("A", "T"):
        with pytest.raises(EditError, match=f"{name} already exists"):
            apply_changes(BASE, [AddSecret(secret(name), {"default": "x"})])


def test_changes_of_several_files_are_refused() -> None:
    with pytest.raises(ValueError, match="one file"):
        apply_changes(
            BASE,
            [
                DeleteSecret(secret("A")),
                DeleteSecret(secret("B", path=Path("/project/fnox.local.toml"))),
            ],
        )


# --- the inline editor on its own -----------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "set_fields", "remove", "expected"),
    [
        ("K={a=1,b=2}", {"c": 3}, ("a",), "K={b=2,c = 3}"),
        ("K = {}", {"c": "y"}, (), 'K = { c = "y" }'),
        ("K = { a = 1 }", {}, ("a",), "K = {}"),
        ("K = { a = 1, b = 2, c = 3 }  # x", {}, ("b",), "K = { a = 1, c = 3 }  # x"),
        ("K = { a = 1, b = 2, c = 3 }", {}, ("c",), "K = { a = 1, b = 2 }"),
        (
            'K = { value = "a", sync = { provider = "p", value = "v" } }',
            {"sync": {"provider": "q", "value": "w"}},
            (),
            'K = { value = "a", sync = { provider = "q", value = "w" } }',
        ),
        ('K = { d = "a}b,c", e = [1, [2]] }', {"d": "x"}, (), 'K = { d = "x", e = [1, [2]] }'),
    ],
)
def test_inline_statement_edits(
    statement: str, set_fields: dict, remove: tuple[str, ...], expected: str
) -> None:
    assert edit_inline_statement(statement, set_fields, remove) == expected


@pytest.mark.parametrize("statement", ['K = "bare"', "K = { a.b = 1 }", "K = { a = 1"])
def test_inline_statement_refuses_what_it_cannot_edit(statement: str) -> None:
    with pytest.raises(InlineEditError):
        edit_inline_statement(statement, {"a": 2})


def test_rotation_changes_the_key_and_every_value_in_one_pass() -> None:
    names = [f"S{i}" for i in range(50)]
    text = (
        '[providers]\nkms = { type = "aws-kms", key_id = "alias/old", region = "r" }\n\n'
        "[secrets]\n"
        + "".join(f'{n} = {{ provider = "kms", value = "old{n}" }} # {n}\n' for n in names)
        + "\n[profiles.prod.secrets]\n"
        + "".join(f'{n} = {{ provider = "kms", value = "old{n}" }}\n' for n in names[:5])
    )
    changes: list[object] = [UpdateProvider(EntryId.provider(PATH, "kms"), {"key_id": "alias/new"})]
    changes += [UpdateSecret(secret(n), {"value": f"new{n}"}) for n in names]
    changes += [UpdateSecret(secret(n, "prod"), {"value": f"new{n}"}) for n in names[:5]]
    new = edit(text, *changes)
    assert new == text.replace("alias/old", "alias/new").replace('"old', '"new')
