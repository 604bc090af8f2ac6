"""Property: random adds, edits, deletes and copies, saved, give a file that parses, that the
loader reads back as the expected state, and whose untouched entries are byte-identical."""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnox_tui.core.atomic_save import text_sha256
from fnox_tui.core.changes import AddSecret, ChangeSet, DeleteSecret, UpdateSecret
from fnox_tui.core.configfile import read_config_file
from fnox_tui.core.identity import EntryId
from fnox_tui.core.save import plan_save, save_plan
from fnox_tui.core.tomlspans import scan_layout

Table = tuple[str, ...]
TOP: Table = ("secrets",)
PROFILES = ("staging", "prod", "dev")  # dev has no table at first

_TEXT = st.text(
    st.sampled_from("ab Z09._-=[]{}#,'\"\\é日🔑\n\t\u2028") | st.characters(codec="utf-8"),
    max_size=16,
)
_NAMES = st.sampled_from(
    ["API_KEY", "DB_URL", "TOKEN", "X", "my key", "dotted.name", "é", 'Q"uote', "a-b_c"]
)


def _key(name: str) -> str:
    return (
        name
        if name.replace("_", "").replace("-", "").isalnum() and name.isascii()
        else (json.dumps(name, ensure_ascii=False))
    )


def _str(text: str) -> str:
    escaped = json.dumps(text, ensure_ascii=False)
    for char in map(chr, [*range(0x20), 0x7F]):
        escaped = escaped.replace(char, f"\\u{ord(char):04x}")
    return escaped


def _fields(value: str, description: str | None) -> dict[str, str]:
    fields = {"provider": "plain", "value": value}
    if description is not None:
        fields["description"] = description
    return fields


@st.composite
def _files(draw: st.DrawFn) -> tuple[str, dict[Table, dict[str, dict[str, str]]]]:
    """A fnox.toml and the secrets of each table in it."""
    state: dict[Table, dict[str, dict[str, str]]] = {}
    out = ["# generated", "root = true", "", "[providers]", 'plain = { type = "plain" }', ""]
    tables: list[Table] = [TOP, ("profiles", "staging", "secrets"), ("profiles", "prod", "secrets")]
    for table in tables:
        names = draw(st.lists(_NAMES, max_size=4, unique=True))
        state[table] = {}
        if table[0] == "profiles" and draw(st.booleans()):
            out += [f"[profiles.{table[1]}]", 'default_provider = "plain"', ""]
        split = draw(st.integers(0, len(names)))
        if split or draw(st.booleans()):
            out.append(f"[{'.'.join(table)}]")
        for name in names[:split]:
            fields = _fields(draw(_TEXT), draw(st.none() | _TEXT))
            state[table][name] = fields
            if draw(st.booleans()):
                out.append(f"# about {name}".replace("\n", " "))
            inline = ", ".join(f"{k} = {_str(v)}" for k, v in fields.items())
            comment = draw(st.sampled_from(["", "  # trailing", " #"]))
            out.append(f"{_key(name)} = {{ {inline} }}{comment}")
            if draw(st.booleans()):
                out.append("")
        for name in names[split:]:
            fields = _fields(draw(_TEXT), draw(st.none() | _TEXT))
            state[table][name] = fields
            out += ["", f"[{'.'.join(table)}.{_key(name)}]"]
            out += [f"{k} = {_str(v)}" for k, v in fields.items()]
        out.append("")
    text = "\n".join(out)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text, state


class _NoSync:
    """The real ``os`` calls except fsync (the fault tests cover it; here it only costs time)."""

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    def fsync(self, fd: int) -> None:
        pass


def _table(profile: str | None) -> Table:
    return TOP if profile is None else ("profiles", profile, "secrets")


@settings(
    max_examples=int(os.environ.get("FNOX_TUI_PROPERTY_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(_files(), st.data())
def test_random_changes_save_to_the_expected_file(
    file: tuple[str, dict[Table, dict[str, dict[str, str]]]], data: st.DataObject
) -> None:
    text, initial = file
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fnox.toml"
        path.write_bytes(text.encode("utf-8"))
        state = {table: dict(entries) for table, entries in initial.items()}
        touched: set[tuple[Table, str]] = set()
        changes = ChangeSet()
        for _step in range(data.draw(st.integers(1, 6))):
            existing = [(t, n) for t, entries in state.items() for n in entries]
            kinds = ["add", "copy", "edit", "delete"] if existing else ["add"]
            kind = data.draw(st.sampled_from(kinds))
            if kind in ("add", "copy"):
                profile = data.draw(st.sampled_from([None, *PROFILES]))
                table = _table(profile)
                name = data.draw(_NAMES)
                if name in state.get(table, {}):
                    continue
                if kind == "copy":
                    source_table, source = data.draw(st.sampled_from(existing))
                    fields = dict(state[source_table][source])
                else:
                    fields = _fields(data.draw(_TEXT), data.draw(st.none() | _TEXT))
                change = AddSecret(EntryId.secret(path, name, profile), fields)
                state.setdefault(table, {})[name] = fields
            else:
                table, name = data.draw(st.sampled_from(existing))
                entry = EntryId(path, table, name)
                if kind == "delete":
                    change = DeleteSecret(entry)
                    del state[table][name]
                else:
                    new = {"value": data.draw(_TEXT)}
                    remove = ()
                    if data.draw(st.booleans()):
                        if "description" in state[table][name]:
                            remove = ("description",)
                        else:
                            new["description"] = data.draw(_TEXT)
                    change = UpdateSecret(entry, new, remove)
                    fields = {k: v for k, v in state[table][name].items() if k not in remove}
                    state[table][name] = {**fields, **new}
            touched.add((table, name))
            changes = changes.stage(change)

        plan = plan_save(changes, {path: text})
        assert all(not file.full_parse for file in plan.files)
        save_plan(plan, ops=_NoSync())
        new_text = path.read_bytes().decode("utf-8")
        if plan.files:
            assert plan.files[0].old_sha256 == text_sha256(text)

        tomllib.loads(new_text)
        loaded = read_config_file(path)
        assert {n: s.fields for n, s in loaded.top.secrets.items()} == state[TOP]
        for profile in PROFILES:
            scope = loaded.profiles.get(profile)
            found = {n: s.fields for n, s in scope.secrets.items()} if scope else {}
            assert found == state.get(_table(profile), {})
        if "\r\n" in text:
            assert "\n" not in new_text.replace("\r\n", "")

        old_spans, new_spans = _entry_texts(text), _entry_texts(new_text)
        for key, lines in old_spans.items():
            if key not in touched:
                assert new_spans[key] == lines


def _entry_texts(text: str) -> dict[tuple[Table, str], list[str]]:
    """Each secret's lines as written (an inline line, or a table's header and body)."""
    layout = scan_layout(text)
    result: dict[tuple[Table, str], list[str]] = {}
    for section in layout.sections:
        path = section.path
        if path and path[-1] == "secrets":
            for statement in section.keyvals:
                lines = layout.lines[statement.start : statement.end + 1]
                result[(path, statement.key[0])] = lines
        elif len(path) >= 2 and path[-2] == "secrets" and section.header is not None:
            lines = layout.lines[section.header.start : section.end + 1]
            result[(path[:-1], path[-1])] = lines
    return result


_UNUSUAL = [
    'secrets = { A = { provider = "plain", value = "a" } }\n',
    '[secrets]\nA.provider = "plain"\nA.value = "a"\n',
    '[profiles]\nstaging.secrets.A = { provider = "plain", value = "a" }\n',
    '[profiles]\nprod.default_provider = "plain"\n',
    'profiles = { dev = { secrets = { A = { value = "a" } } } }\n',
    '[secrets.A]\nvalue = "a"\n[secrets.A.sync]\nprovider = "plain"\nvalue = "s"\n',
]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(_UNUSUAL), st.data())
def test_unusual_layouts_read_back_as_expected(text: str, data: st.DataObject) -> None:
    """Tables written inline or with dotted keys go through tomlkit; the result still reads
    back exactly as the changes mean (or the change is refused, never half applied)."""
    from fnox_tui.core.tomledit import EditError, apply_changes, expected_data

    path = Path("/p/fnox.toml")
    old = tomllib.loads(text)
    changes = ChangeSet()
    for _step in range(data.draw(st.integers(1, 4))):
        profile = data.draw(st.sampled_from([None, *PROFILES]))
        name = data.draw(st.sampled_from(["A", "B", "my key"]))
        entry = EntryId.secret(path, name, profile)
        exists = (
            name in old.get("secrets", {})
            if profile is None
            else name in (old.get("profiles", {}).get(profile, {}).get("secrets", {}))
        )
        net = changes.net().get(entry)
        present = (exists and net is None) or (net is not None and net.op != "delete")
        if present:
            change = data.draw(
                st.sampled_from(
                    [UpdateSecret(entry, {"value": data.draw(_TEXT)}), DeleteSecret(entry)]
                )
            )
        else:
            change = AddSecret(entry, {"provider": "plain", "value": data.draw(_TEXT)})
        changes = changes.stage(change)
    try:
        result = apply_changes(text, changes)
    except EditError:
        return  # refused as a whole: nothing to check beyond not crashing
    assert _without_empty_secrets(tomllib.loads(result.text)) == _without_empty_secrets(
        expected_data(old, changes)
    )


def _without_empty_secrets(data: dict) -> dict:
    """Deleting the last ``[secrets.K]`` table also removes the ``secrets`` table it implied:
    for fnox an absent and an empty ``secrets`` table mean the same."""
    data = dict(data)
    if data.get("secrets") == {}:
        del data["secrets"]
    profiles = data.get("profiles")
    if isinstance(profiles, dict):
        data["profiles"] = {
            name: {k: v for k, v in table.items() if not (k == "secrets" and v == {})}
            for name, table in profiles.items()
        }
    return data
