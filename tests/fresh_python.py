"""Running Python in a fresh interpreter, as the command starts: one thread, nothing imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_fresh_python(args: list[str], directory: Path) -> str:
    """What ``python ARGS`` prints, run in ``directory`` with this checkout on its path and
    ``directory`` as its home. A failure fails the test, with what it wrote to stderr."""
    result = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=directory,
        env={"PYTHONPATH": str(REPO), "HOME": str(directory), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
