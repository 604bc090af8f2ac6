"""A real ``moto_server`` on 127.0.0.1 for tests that talk HTTP (boto3 and the fnox binary).

``moto_server`` (session) starts it on a free port and yields its URL; ``moto_env`` is the
environment that points AWS clients at it with fake credentials; ``moto_environ`` applies that
environment to this process (botocore reads ``os.environ``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

MOTO_REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(port: int) -> list[str]:
    script = Path(sys.executable).parent / "moto_server"
    if script.is_file():
        return [str(script), "-H", "127.0.0.1", "-p", str(port)]
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # it answered, even if not with 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("moto") / "moto_server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    with log.open("wb") as out:
        process = subprocess.Popen(
            _command(port), stdout=out, stderr=subprocess.STDOUT, env=env
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not _answers(url):
            if process.poll() is not None:
                pytest.fail(f"moto_server exited ({process.returncode}):\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"moto_server did not answer on {url}:\n{log.read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def moto_env(moto_server: str, tmp_path: Path) -> dict[str, str]:
    """Variables for any AWS client (boto3 or fnox) to use the moto server."""
    return {
        "AWS_ENDPOINT_URL": moto_server,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": MOTO_REGION,
        "AWS_REGION": MOTO_REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config-absent"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials-absent"),
    }


@pytest.fixture
def moto_environ(monkeypatch: pytest.MonkeyPatch, moto_env: dict[str, str]) -> dict[str, str]:
    """``moto_env`` applied to this process, every other AWS_* variable removed."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in moto_env.items():
        monkeypatch.setenv(name, value)
    return moto_env
