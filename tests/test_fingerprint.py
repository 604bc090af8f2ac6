"""What a reload compares: a secret's inputs change with what its value is derived from."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnox_tui.core.fingerprint import Fingerprints, default_references, secret_fingerprint
from fnox_tui.core.loader import load_workspace
from fnox_tui.core.model import Workspace
from tests.tree import isolated_environ, write_tree

CONFIG = """
    [providers]
    plain = { type = "plain" }
    kms = { type = "aws-kms", key_id = { secret = "KEY_REF" }, region = "eu-north-1" }

    [secrets]
    KEY_REF = { provider = "plain", value = "alias/one" }
    HOST = { provider = "plain", value = "db.internal" }
    URL = { default = "postgres://${HOST}/app" }
    TOKEN = { provider = "kms", value = "AQICAHh..." }
    LOOP_A = { default = "${LOOP_B}" }
    LOOP_B = { default = "${LOOP_A}" }
    OTHER = { provider = "plain", value = "other" }
    """


def load(root: Path) -> Workspace:
    return load_workspace(root, environ=isolated_environ(root.parent / "home"))


def inputs(workspace: Workspace, name: str, profile: str = "default") -> object:
    secret = workspace.profiles[profile].secret(name)
    assert secret is not None
    return secret_fingerprint(workspace, secret)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_tree(tmp_path / "p", {"fnox.toml": CONFIG})
    return tmp_path / "p"


def edit(root: Path, old: str, new: str) -> Workspace:
    config = root / "fnox.toml"
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new))
    return load(root)


NAMES = ("KEY_REF", "HOST", "URL", "TOKEN", "LOOP_A", "LOOP_B", "OTHER")


def test_the_same_files_give_the_same_inputs_even_with_moved_lines(root: Path) -> None:
    before = load(root)
    after = edit(root, "[providers]", "# moved down\n\n[providers]")
    for name in NAMES:
        assert inputs(before, name) == inputs(after, name), name


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        # the entry itself
        ('"db.internal"', '"db.other"', {"HOST", "URL"}),
        # a ${HOST} default follows HOST
        ('"postgres://${HOST}/app"', '"mysql://${HOST}/app"', {"URL"}),
        # a provider field written { secret = "KEY_REF" } follows KEY_REF
        ('"alias/one"', '"alias/two"', {"KEY_REF", "TOKEN"}),
        # the provider's own fields
        ('region = "eu-north-1"', 'region = "eu-west-1"', {"TOKEN"}),
        # a reference loop still compares
        ('LOOP_B = { default = "${LOOP_A}" }', 'LOOP_B = { default = "x${LOOP_A}" }', None),
    ],
)
def test_a_change_reaches_exactly_what_is_derived_from_it(
    root: Path, old: str, new: str, changed: set[str] | None
) -> None:
    before = load(root)
    after = edit(root, old, new)
    differ = {name for name in NAMES if inputs(before, name) != inputs(after, name)}
    assert differ == (changed if changed is not None else {"LOOP_A", "LOOP_B"})


def test_a_profile_default_provider_is_part_of_the_inputs(root: Path) -> None:
    write_tree(
        root,
        {
            "fnox.toml": """
                [providers]
                a = { type = "plain" }
                b = { type = "plain" }
                [secrets]
                S = { value = "x" }
                [profiles.prod]
                default_provider = "a"
                """
        },
    )
    before = load(root)
    after = edit(root, 'default_provider = "a"', 'default_provider = "b"')
    assert inputs(before, "S", "prod") != inputs(after, "S", "prod")
    assert inputs(before, "S") == inputs(after, "S")


def test_fingerprints_do_not_depend_on_the_order_asked(root: Path) -> None:
    workspace = load(root)
    secrets = workspace.profiles["default"].secrets
    forward, backward = Fingerprints(workspace), Fingerprints(workspace)
    first = [forward.secret(secret) for secret in secrets]
    last = [backward.secret(secret) for secret in reversed(secrets)]
    assert first == list(reversed(last))
    assert len(set(first)) == len(first)  # every secret has its own


def test_long_chains_and_dense_loops(tmp_path: Path) -> None:
    chain = 1500  # deeper than Python's recursion limit
    lines = ["[secrets]", 'S0 = { default = "end" }']
    lines += [f'S{i} = {{ default = "${{S{i - 1}}}" }}' for i in range(1, chain)]
    names = [f"D{i}" for i in range(60)]  # every one refers to every other
    lines += [f'{n} = {{ default = "{"".join(f"${{{m}}}" for m in names)}" }}' for n in names]
    write_tree(tmp_path / "p", {"fnox.toml": "\n".join(lines) + "\n"})
    before = load(tmp_path / "p")
    after = edit(tmp_path / "p", 'S0 = { default = "end" }', 'S0 = { default = "other" }')
    old, new = Fingerprints(before), Fingerprints(after)

    def both(name: str) -> tuple[str, str]:
        first, second = (
            before.profiles["default"].secret(name),
            after.profiles["default"].secret(name),
        )
        assert first is not None and second is not None
        return old.secret(first), new.secret(second)

    top = both(f"S{chain - 1}")
    assert top[0] != top[1]
    assert all(len(set(both(name))) == 1 for name in names)


def test_default_references_read_as_the_resolver_reads_them() -> None:
    assert default_references("${A}-${B}") == ["A", "B"]
    assert default_references("$${A}") == ["A"]
    assert default_references("x ${unterminated") == []
    assert default_references("${}") == [""]


def test_a_provider_reference_is_read_in_the_profile_being_resolved(root: Path) -> None:
    """As the resolver does: KEY_REF of the secret's own profile feeds the provider."""
    write_tree(
        root,
        {
            "fnox.toml": CONFIG
            + """
            [profiles.prod.secrets]
            KEY_REF = { provider = "plain", value = "alias/prod" }
            """
        },
    )
    before = load(root)
    after = edit(root, '"alias/prod"', '"alias/prod-2"')
    assert inputs(before, "TOKEN", "prod") != inputs(after, "TOKEN", "prod")
    assert inputs(before, "TOKEN") == inputs(after, "TOKEN")
