"""Child process of the kill tests: commits a made-up rotation and dies on the way.

    python -m tests.rotation_commit_child ROOT before-renames|mid-renames

``before-renames``: SIGKILL once every temporary file is written and the journal says
"committing", before the first rename. ``mid-renames``: SIGKILL right after the first rename.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from fnox_tui.core.rotation.commit import commit, prepare_commit
from fnox_tui.core.rotation.journal import Journal
from fnox_tui.core.rotation.targets import KmsTarget
from tests.rotation_commit_helpers import made_up_output, plan_for

TARGET = KmsTarget("alias/new", "arn:aws:kms:us-east-1:123456789012:key/new")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class DieAfterFirstRename:
    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name != "replace":
            return real

        def replace(src: str, dst: str) -> None:
            real(src, dst)
            die()

        return replace


def main() -> None:
    root, mode = Path(sys.argv[1]), sys.argv[2]
    plan = plan_for(root)
    journal = Journal.start(plan, TARGET)
    prepared = prepare_commit(made_up_output(plan))
    if mode == "before-renames":
        commit(prepared, journal, on_committing=die)
    else:
        commit(prepared, journal, ops=DieAfterFirstRename())  # type: ignore[arg-type]
    sys.exit(3)  # not reached


if __name__ == "__main__":
    main()
