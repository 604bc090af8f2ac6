"""Files written by the editor, read by the real fnox (KMS on moto_server, age, plain).

A file written by ``fnox set`` and then edited here keeps its formatting: the diff is exactly the
lines meant. ``fnox get`` returns the new plaintexts and ``fnox list`` the expected set, for
inline and table-style entries, in ``fnox.toml``, ``fnox.P.toml`` and ``fnox.local.toml``, and in
tables the editor created.
"""

from __future__ import annotations

import difflib
import json
import textwrap
from pathlib import Path

import pytest

from fnox_tui.core.changes import AddSecret, ChangeSet, DeleteSecret, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.core.save import plan_save, save_plan
from tests.fnox_binary import Fnox
from tests.interop_project import Project

pytestmark = pytest.mark.fnox


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    removed: list[str] = []
    added: list[str] = []
    diff = list(difflib.unified_diff(old.split("\n"), new.split("\n"), n=0, lineterm=""))
    for line in diff[2:]:
        if not line.startswith("@@"):
            (removed if line[0] == "-" else added).append(line[1:])
    return sorted(removed), sorted(added)


def line_of(text: str, name: str) -> str:
    return next(line for line in text.split("\n") if line.startswith((f"{name}=", f"{name} =")))


def value_in(line: str) -> str:
    return line.split('value = "', 1)[1].split('"', 1)[0]


def save(changes: ChangeSet, *paths: Path) -> None:
    loaded = {path: path.read_bytes().decode("utf-8") for path in paths if path.exists()}
    plan = plan_save(changes, loaded)
    assert not any(file.full_parse for file in plan.files)
    save_plan(plan)


@pytest.mark.moto_server
@pytest.mark.parametrize("provider", ["kms", "age"])
def test_a_file_written_by_fnox_set_edited_here(fnox_project: Project, provider: str) -> None:
    project = fnox_project
    project.set("ALPHA", "alpha one", provider)
    project.set("BRAVO", "bravo one", provider)
    project.fnox.run(
        "set", "CHARLIE", "charlie one", "--provider", provider, "--description", "old note",
        cwd=project.root, env=project.env,
    )  # fmt: skip
    project.set("DELTA", "delta one", provider)
    path = project.config
    before = path.read_text(encoding="utf-8")
    resolver = project.resolver()
    encrypter = resolver.registry.get(resolver.workspace.profiles["default"].providers[provider])

    alpha = encrypter.encrypt("alpha two ✓")
    echo = encrypter.encrypt("echo\nwith a second line")
    delta = encrypter.encrypt("delta promoted to staging")
    changes = (
        ChangeSet()
        .stage(UpdateSecret(EntryId.secret(path, "ALPHA"), {"value": alpha}))
        .stage(AddSecret(EntryId.secret(path, "ECHO"), {"provider": provider, "value": echo}))
        .stage(DeleteSecret(EntryId.secret(path, "BRAVO")))
        .stage(UpdateSecret(EntryId.secret(path, "CHARLIE"), {"description": 'says "hi" \\o/'}))
        .stage(
            AddSecret(
                EntryId.secret(path, "DELTA", "staging"), {"provider": provider, "value": delta}
            )
        )
    )
    save(changes, path)
    after = path.read_text(encoding="utf-8")

    old_alpha, old_charlie = line_of(before, "ALPHA"), line_of(before, "CHARLIE")
    assert old_alpha.startswith("ALPHA= {")  # fnox's own style, which the edit keeps
    assert changed_lines(before, after) == (
        sorted([old_alpha, line_of(before, "BRAVO"), old_charlie]),
        sorted(
            [
                old_alpha.replace(value_in(old_alpha), alpha),
                old_charlie.replace('"old note"', '"says \\"hi\\" \\\\o/"'),
                f'ECHO = {{ provider = "{provider}", value = "{echo}" }}',
                "",
                "[profiles.staging.secrets]",
                f'DELTA = {{ provider = "{provider}", value = "{delta}" }}',
            ]
        ),
    )

    assert project.get("ALPHA").stdout == "alpha two ✓\n"
    assert project.get("ECHO").stdout == "echo\nwith a second line\n"
    assert project.get("CHARLIE").stdout == "charlie one\n"
    assert project.get("BRAVO").returncode != 0
    staged = project.fnox.run("-P", "staging", "get", "DELTA", cwd=project.root, env=project.env)
    assert staged.stdout == "delta promoted to staging\n"
    listed = project.fnox.run("list", "--complete", cwd=project.root, env=project.env)
    assert sorted(listed.stdout.split()) == ["ALPHA", "CHARLIE", "DELTA", "ECHO"]
    described = project.fnox.run("list", "--full", cwd=project.root, env=project.env).stdout
    assert 'says "hi" \\o/' in described


MAIN = """\
root = true
# The only provider
[providers]
plain = { type = "plain" }

[secrets]
INLINE = { provider = "plain", value = "inline one" } # keep this comment
SHADOWED = { provider = "plain", value = "from main" }
GONE = { provider = "plain", value = "gone" }

# A table-style secret
[secrets.TABLE]
provider = "plain" # plain on purpose
value = "table one"
description = "table-style"

[profiles.prod]
default_provider = "plain"
"""

LOCAL = """\
# Local overrides, not committed
[secrets]
SHADOWED = { provider = "plain", value = "from local" }
"""

PROD = """\
# Only with -P prod
[secrets]
PROD_ONE = { provider = "plain", value = "p1" }
PROD_TWO = { provider = "plain", value = "p2" }
"""


def _export(fnox: Fnox, root: Path, profile: str) -> dict[str, str]:
    output = fnox.run("-P", profile, "export", "-f", "json", cwd=root).stdout
    return json.loads(output)["secrets"]


def _names(fnox: Fnox, root: Path, profile: str) -> list[str]:
    return sorted(fnox.run("-P", profile, "list", "--complete", cwd=root).stdout.split())


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_edits_across_fnox_toml_profile_and_local_files(
    fnox: Fnox, tmp_path: Path, newline: str
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    main, local, prod = root / "fnox.toml", root / "fnox.local.toml", root / "fnox.prod.toml"
    for path, text in ((main, MAIN), (local, LOCAL), (prod, PROD)):
        path.write_bytes(text.replace("\n", newline).encode())
    assert _export(fnox, root, "prod")["SHADOWED"] == "from local"

    def plain(value: str) -> dict[str, str]:
        return {"provider": "plain", "value": value}

    changes = ChangeSet()
    for change in [
        UpdateSecret(EntryId.secret(main, "INLINE"), {"value": "inline two"}),
        UpdateSecret(EntryId.secret(main, "TABLE"), {"value": "table two"}),
        DeleteSecret(EntryId.secret(main, "GONE")),
        AddSecret(EntryId.secret(main, "PROD_MAIN", "prod"), plain("from the main file")),
        AddSecret(EntryId.secret(main, "DEV", "dev"), plain("dev only")),
        UpdateSecret(EntryId.secret(local, "SHADOWED"), {"value": "local two"}),
        DeleteSecret(EntryId.secret(prod, "PROD_TWO")),
        AddSecret(EntryId.secret(prod, "PROD_THREE"), plain('p3 "quoted" ü')),
    ]:
        changes = changes.stage(change)
    save(changes, main, local, prod)

    texts = {path: path.read_bytes().decode() for path in (main, local, prod)}
    for text in texts.values():
        if newline == "\r\n":
            assert "\n" not in text.replace("\r\n", "")
    assert "# keep this comment" in texts[main] and "# plain on purpose" in texts[main]
    assert texts[local] == LOCAL.replace("from local", "local two").replace("\n", newline)

    assert _export(fnox, root, "default") == {
        "INLINE": "inline two",
        "SHADOWED": "local two",
        "TABLE": "table two",
    }
    assert _export(fnox, root, "prod") == {
        "INLINE": "inline two",
        "SHADOWED": "local two",
        "TABLE": "table two",
        "PROD_MAIN": "from the main file",
        "PROD_ONE": "p1",
        "PROD_THREE": 'p3 "quoted" ü',
    }
    assert _names(fnox, root, "prod") == [
        "INLINE", "PROD_MAIN", "PROD_ONE", "PROD_THREE", "SHADOWED", "TABLE",
    ]  # fmt: skip
    assert _export(fnox, root, "dev")["DEV"] == "dev only"


def test_tables_created_here_are_read_by_fnox_and_fnox_can_write_after_us(
    fnox: Fnox, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    main = root / "fnox.toml"
    main.write_text(
        textwrap.dedent(
            """\
            # no [secrets] table yet
            root = true

            [providers]
            plain = { type = "plain" }

            [secrets.ONLY_TABLE]
            provider = "plain"
            value = "t"
            """
        )
    )
    local = root / "fnox.local.toml"  # does not exist: created by the save
    changes = (
        ChangeSet()
        .stage(AddSecret(EntryId.secret(main, "FIRST_INLINE"), {"provider": "plain", "value": "i"}))
        .stage(AddSecret(EntryId.secret(local, "LOCAL_ONLY"), {"provider": "plain", "value": "l"}))
        .stage(AddSecret(EntryId.secret(main, "P", "qa"), {"provider": "plain", "value": "q"}))
    )
    save(changes, main, local)
    assert local.read_text() == '[secrets]\nLOCAL_ONLY = { provider = "plain", value = "l" }\n'
    assert _export(fnox, root, "qa") == {
        "FIRST_INLINE": "i", "LOCAL_ONLY": "l", "ONLY_TABLE": "t", "P": "q",
    }  # fmt: skip

    fnox.run("set", "AFTER_US", "fnox wrote this", "--provider", "plain", cwd=root)
    assert _export(fnox, root, "default")["AFTER_US"] == "fnox wrote this"
    assert _export(fnox, root, "default")["FIRST_INLINE"] == "i"


REMOVAL = """\
root = true
[providers]
plain = { type = "plain" }

[secrets]
KEEP = { provider = "plain", value = "k" }
# about GONE_INLINE
# (two lines)
GONE_INLINE = { provider = "plain", value = "g" }
ALSO_KEEP = { provider = "plain", value = "a" }

# about GONE_TABLE
[secrets.GONE_TABLE]
provider = "plain"
value = "t"

[secrets.LAST]
provider = "plain"
value = "l"
"""


@pytest.mark.parametrize("name", ["GONE_INLINE", "GONE_TABLE"])
def test_delete_matches_fnox_remove(fnox: Fnox, tmp_path: Path, name: str) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    for root in (ours, theirs):
        root.mkdir()
        (root / "fnox.toml").write_text(REMOVAL)
    fnox.run("remove", name, cwd=theirs)
    save(
        ChangeSet().stage(DeleteSecret(EntryId.secret(ours / "fnox.toml", name))),
        ours / "fnox.toml",
    )
    assert (ours / "fnox.toml").read_text() == (theirs / "fnox.toml").read_text()
    assert name not in _names(fnox, ours, "default")
