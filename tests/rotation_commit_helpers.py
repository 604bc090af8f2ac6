"""A workspace in several files whose values a rotation re-encrypts, and a made-up output.

The commit does not care what a ciphertext holds, so these tests use made-up ones
("NEW:<name>:<slot>"): no KMS is needed to check what is written, and where.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from fnox_tui.core.identity import EntryId
from fnox_tui.core.loader import FileCache, load_workspace
from fnox_tui.core.rotation.plan import RotationPlan, plan_rotation
from fnox_tui.core.rotation.results import RotationOutput

MAIN = """\
root = true
# the team's key
[providers]
kms = { type = "aws-kms", key_id = "alias/old", region = "us-east-1" } # old key
age = { type = "age", recipients = ["age1xyz"], identity = { provider = "kms", value = "ID-OLD" } }
plain = { type = "plain" }

[secrets]
A = { provider = "kms", value = "A-OLD" } # keep this comment
B = { provider = "plain", value = "b", sync = { provider = "kms", value = "B-SYNC-OLD" } }
UNRELATED = { provider = "plain", value = "stays" }

[secrets.C]
# a table-style entry
provider = "kms"
value = "C-OLD"

[profiles.prod.secrets]
P = { provider = "kms", value = "P-OLD" }
"""

LOCAL = """\
[secrets]
A = { provider = "kms", value = "A-LOCAL-OLD" } # shadows A
"""


def write_workspace(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "fnox.toml").write_text(textwrap.dedent(MAIN))
    (root / "fnox.local.toml").write_text(textwrap.dedent(LOCAL))
    return root


def plan_for(root: Path) -> RotationPlan:
    cache = FileCache()
    workspace = load_workspace(root, environ={"HOME": str(root)}, cache=cache)
    provider = EntryId(root / "fnox.toml", ("providers",), "kms")
    return plan_rotation(workspace, provider, cache.files)


def new_ciphertext(entry: EntryId, slot: str) -> str:
    return f"NEW:{entry.path.name}:{entry.name}:{slot}"


def made_up_output(plan: RotationPlan, key_id: str = "alias/new") -> RotationOutput:
    output = RotationOutput(plan.provider, {"key_id": key_id}, files=dict(plan.files))
    for row in plan.rows:
        output.values.setdefault(row.entry, {})[row.key.slot] = new_ciphertext(
            row.entry, row.key.slot.value
        )
    return output


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file in ``root`` (hidden ones too), by name."""
    return {path.name: path.read_bytes() for path in sorted(root.iterdir()) if path.is_file()}
