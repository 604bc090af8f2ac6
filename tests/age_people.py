"""Two age identities and a workspace whose secrets are encrypted to the first: what the age
rotation tests (core and walkthrough) start from."""

from __future__ import annotations

import base64
from pathlib import Path

import pyrage
from pyrage import x25519

from tests.rotation_helpers import toml_string

VALUES = {"ONE": "first ✓", "TWO": "second\nline"}


class People:
    def __init__(self) -> None:
        self.alice = x25519.Identity.generate()
        self.bob = x25519.Identity.generate()

    @staticmethod
    def public(identity: x25519.Identity) -> str:
        return str(identity.to_public())


def write_alice_workspace(root: Path, people: People) -> Path:
    """``root`` with alice's identity file and VALUES encrypted to her alone."""
    (root / "keys").mkdir(parents=True)
    (root / "keys" / "alice.txt").write_text(f"# alice\n{people.alice}\n")
    lines = [
        "root = true",
        "[providers]",
        f'age = {{ type = "age", recipients = ["{people.public(people.alice)}"], '
        'key_file = "keys/alice.txt" }',
        "[secrets]",
    ]
    for name, text in VALUES.items():
        blob = pyrage.encrypt(text.encode(), [people.alice.to_public()])
        value = toml_string(base64.b64encode(blob).decode())
        lines.append(f'{name} = {{ provider = "age", value = {value} }}')
    (root / "fnox.toml").write_text("\n".join(lines) + "\n")
    return root


def decrypt(value: str, identity: x25519.Identity) -> str:
    return pyrage.decrypt(base64.b64decode(value), [identity]).decode()
