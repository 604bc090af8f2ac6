"""The offline demo: emulator, sample file, real fnox against it, and clean-up."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import textwrap
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pyrage
import pytest

from fnox_tui.core.demo import (
    KMS_ALIAS,
    NEXT_KMS_ALIAS,
    PROFILES,
    REGION,
    DemoEnvironment,
    DemoError,
    sample_plaintexts,
)
from fnox_tui.core.loader import load_workspace
from tests.fnox_binary import Fnox

pytestmark = pytest.mark.moto_server


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoEnvironment]:
    with DemoEnvironment(modify_environ=False) as environment:
        yield environment


def client(demo: DemoEnvironment, service: str, key_id: str = "", secret: str = ""):  # type: ignore[no-untyped-def]
    return boto3.client(
        service,
        endpoint_url=demo.endpoint_url,
        region_name=REGION,
        aws_access_key_id=key_id or demo.access_key_id,
        aws_secret_access_key=secret or demo.secret_access_key,
    )


def answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(url, timeout=2).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


# -- offline and private -------------------------------------------------------------------


def test_runs_against_a_local_emulator(demo: DemoEnvironment) -> None:
    assert demo.endpoint_url.startswith("http://127.0.0.1:")
    environ = demo.environ
    assert environ["AWS_ENDPOINT_URL"] == demo.endpoint_url
    assert environ["AWS_ACCESS_KEY_ID"] == demo.access_key_id
    assert environ["AWS_SECRET_ACCESS_KEY"] == demo.secret_access_key
    assert environ["AWS_REGION"] == environ["AWS_DEFAULT_REGION"] == REGION
    assert environ["AWS_EC2_METADATA_DISABLED"] == "true"
    assert environ["FNOX_AGE_KEY_FILE"] == str(demo.age_key_path)
    assert Path(environ["FNOX_CONFIG_DIR"]).is_relative_to(demo.workspace)
    assert "127.0.0.1" in environ["NO_PROXY"].split(",")
    assert answers(demo.endpoint_url)


def test_child_environ_drops_real_aws_settings(demo: DemoEnvironment) -> None:
    base = {
        "PATH": "/bin",
        "AWS_PROFILE": "work",
        "AWS_SESSION_TOKEN": "real",
        "AWS_ENDPOINT_URL_KMS": "https://kms.example",
        "FNOX_AGE_KEY": "AGE-SECRET-KEY-REAL",
        "FNOX_PROFILE": "production",
        "AWS_ACCESS_KEY_ID": "AKIAREAL",
    }
    environ = demo.child_environ(base)
    assert environ["PATH"] == "/bin"
    assert environ["AWS_ACCESS_KEY_ID"] == demo.access_key_id
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_KMS", "FNOX_AGE_KEY"):
        assert name not in environ
    assert "FNOX_PROFILE" not in environ


def test_workspace_is_private(demo: DemoEnvironment) -> None:
    assert stat.S_IMODE(demo.workspace.stat().st_mode) == 0o700
    assert stat.S_IMODE(demo.age_key_path.stat().st_mode) == 0o600
    assert sorted(p.name for p in demo.workspace.iterdir()) == [
        ".fnox-config",
        "age.txt",
        "fnox.toml",
    ]
    assert list((demo.workspace / ".fnox-config").iterdir()) == []
    key_lines = [
        line for line in demo.age_key_path.read_text().splitlines() if not line.startswith("#")
    ]
    assert len(key_lines) == 1 and key_lines[0].startswith("AGE-SECRET-KEY-1")


def test_kms_keys_and_remote_secrets_exist(demo: DemoEnvironment) -> None:
    aliases = {
        a["AliasName"]: a.get("TargetKeyId") for a in client(demo, "kms").list_aliases()["Aliases"]
    }
    assert aliases[KMS_ALIAS] == demo.kms_key_ids[KMS_ALIAS]
    assert aliases[NEXT_KMS_ALIAS] == demo.kms_key_ids[NEXT_KMS_ALIAS]
    assert demo.kms_key_ids[KMS_ALIAS] != demo.kms_key_ids[NEXT_KMS_ALIAS]
    values = sample_plaintexts("production")
    sm = client(demo, "secretsmanager")
    secret = sm.get_secret_value(SecretId="demo/production/stripe-webhook")
    assert secret["SecretString"] == values["STRIPE_WEBHOOK_SECRET"]
    parameter = client(demo, "ssm").get_parameter(
        Name="/fnox-demo/analytics-token", WithDecryption=True
    )["Parameter"]
    assert parameter["Type"] == "SecureString"
    assert parameter["Value"] == values["ANALYTICS_TOKEN"]


def status_of(url: str, method: str = "GET", data: bytes | None = None) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, method=method, data=data)
    try:
        with opener.open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/moto-api/"),
        ("GET", "/moto-api/data.json"),
        ("POST", "/moto-api/reset"),
        ("GET", "/latest/meta-data/"),
    ],
)
def test_moto_api_is_not_served(demo: DemoEnvironment, method: str, path: str) -> None:
    """moto's /moto-api/data.json would hand every stored secret to any local user."""
    data = b"" if method == "POST" else None
    assert status_of(demo.endpoint_url + path, method, data) == 404
    # Nothing was reset: the demo's secrets are still there.
    secret = client(demo, "secretsmanager").get_secret_value(SecretId="demo/stripe-webhook")
    assert secret["SecretString"] == sample_plaintexts()["STRIPE_WEBHOOK_SECRET"]


def test_unsigned_requests_are_refused(demo: DemoEnvironment) -> None:
    body = json.dumps({"SecretId": "demo/stripe-webhook"}).encode()
    assert status_of(demo.endpoint_url + "/", "POST", body) == 403


def test_requests_signed_with_other_credentials_are_refused(demo: DemoEnvironment) -> None:
    import botocore.exceptions

    intruder = client(demo, "secretsmanager", key_id="AKIAIOSFODNN7EXAMPLE", secret="x" * 40)
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        intruder.get_secret_value(SecretId="demo/stripe-webhook")
    assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"
    assert "stripe" not in str(caught.value.response).lower()


def test_every_run_has_its_own_credentials(demo: DemoEnvironment) -> None:
    other = DemoEnvironment(modify_environ=False)  # not started: the credentials are made first
    assert other.access_key_id != demo.access_key_id
    assert other.secret_access_key != demo.secret_access_key
    assert demo.access_key_id.startswith("AKIA") and len(demo.access_key_id) == 20


# -- the sample file -------------------------------------------------------------------------


def test_sample_file_is_commented_and_valid_toml(demo: DemoEnvironment) -> None:
    text = demo.config_path.read_text()
    assert text.startswith("# fnox.toml: the fnox-tui demo")
    assert "{{" not in text
    document = tomllib.loads(text)
    assert document["providers"]["kms"] == {
        "type": "aws-kms",
        "key_id": KMS_ALIAS,
        "region": REGION,
    }
    assert document["providers"]["age"]["recipients"] == [demo.age_recipient]
    assert "endpoint" not in document["providers"]["kms"]  # AWS_ENDPOINT_URL does it
    production_age = document["profiles"]["production"]["providers"]["age"]
    assert production_age["recipients"][0] == demo.age_recipient
    assert len(production_age["recipients"]) == 2


def test_loads_in_fnox_tui(demo: DemoEnvironment) -> None:
    workspace = load_workspace(cwd=demo.workspace, environ=demo.child_environ())
    assert workspace.problems == []
    assert workspace.files == [demo.config_path]
    assert list(workspace.profiles) == list(PROFILES)
    for profile in PROFILES:
        names = {secret.name for secret in workspace.profile(profile).secrets}
        assert names == set(sample_plaintexts(profile))
    kinds = {secret.name: secret.kind for secret in workspace.profile("default").secrets}
    assert kinds["DATABASE_PASSWORD"] == "stored value"
    assert kinds["GITHUB_TOKEN"] == "provider (age)"
    assert kinds["DATABASE_URL"] == "default value"
    assert kinds["DEPLOY_USER"] == "env var"
    production = workspace.profile("production")
    assert production.providers["age"].profile == "production"


@pytest.mark.parametrize("profile", PROFILES)
def test_encrypted_values_decrypt_to_the_samples(demo: DemoEnvironment, profile: str) -> None:
    view = load_workspace(cwd=demo.workspace, environ=demo.child_environ()).profile(profile)
    expected = sample_plaintexts(profile)
    kms = client(demo, "kms")
    identity = pyrage.x25519.Identity.from_str(
        next(
            line
            for line in demo.age_key_path.read_text().splitlines()
            if line.startswith("AGE-SECRET-KEY-")
        )
    )
    checked = set()
    for secret in view.secrets:
        value = secret.definition.value
        if secret.provider is None or value is None:
            continue
        kind = secret.provider.type
        if kind == "aws-kms":
            blob = base64.b64decode(value, validate=True)
            plain = kms.decrypt(KeyId=KMS_ALIAS, CiphertextBlob=blob)["Plaintext"].decode()
        elif kind == "age":
            plain = pyrage.decrypt(base64.b64decode(value, validate=True), [identity]).decode()
        elif kind == "plain":
            plain = value
        else:
            continue
        assert plain == expected[secret.name], secret.name
        checked.add(kind)
    assert checked == {"aws-kms", "age", "plain"}


def test_sample_plaintexts() -> None:
    default = sample_plaintexts()
    assert default["DATABASE_URL"] == (
        f"postgres://app:{default['DATABASE_PASSWORD']}@localhost:5432/app"
    )
    assert sample_plaintexts("production")["LOG_LEVEL"] == "warn"
    assert sample_plaintexts("staging")["STRIPE_API_KEY"] == default["STRIPE_API_KEY"]
    with pytest.raises(KeyError):
        sample_plaintexts("qa")


# -- the real fnox reads it ----------------------------------------------------------------


@pytest.mark.fnox
def test_fnox_lists_production(demo: DemoEnvironment, fnox: Fnox) -> None:
    result = fnox.run("-P", "production", "list", cwd=demo.workspace, env=demo.environ)
    for name in sample_plaintexts("production"):
        assert name in result.stdout
    assert "provider (kms)" in result.stdout


@pytest.mark.fnox
@pytest.mark.parametrize(
    ("profile", "name"),
    [
        ("default", "DATABASE_PASSWORD"),  # kms, through default_provider
        ("default", "GITHUB_TOKEN"),  # age
        ("production", "STRIPE_API_KEY"),  # kms, profile's own
        ("production", "GITHUB_TOKEN"),  # age, profile's own provider, two recipients
    ],
)
def test_fnox_get(demo: DemoEnvironment, fnox: Fnox, profile: str, name: str) -> None:
    result = fnox.run("-P", profile, "get", name, cwd=demo.workspace, env=demo.environ)
    assert result.stdout.rstrip("\n") == sample_plaintexts(profile)[name]


@pytest.mark.fnox
@pytest.mark.parametrize("profile", PROFILES)
def test_fnox_export_matches_samples(demo: DemoEnvironment, fnox: Fnox, profile: str) -> None:
    result = fnox.run("-P", profile, "export", "-f", "json", cwd=demo.workspace, env=demo.environ)
    assert json.loads(result.stdout)["secrets"] == sample_plaintexts(profile)


# -- lifecycle and clean-up ---------------------------------------------------------------


def test_environ_applied_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "work")
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", "https://kms.example")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    with DemoEnvironment() as demo:
        assert os.environ["AWS_ENDPOINT_URL"] == demo.endpoint_url
        assert os.environ["AWS_REGION"] == REGION
        assert "AWS_PROFILE" not in os.environ
        assert "AWS_ENDPOINT_URL_KMS" not in os.environ
        # boto3 with no arguments now talks to the emulator.
        kms = boto3.session.Session().client("kms")
        assert kms.describe_key(KeyId=KMS_ALIAS)["KeyMetadata"]["Enabled"]
    assert os.environ["AWS_PROFILE"] == "work"
    assert os.environ["AWS_ENDPOINT_URL_KMS"] == "https://kms.example"
    assert os.environ["AWS_REGION"] == "eu-west-1"
    assert "AWS_ENDPOINT_URL" not in os.environ


def test_everything_removed_on_exit() -> None:
    with DemoEnvironment(modify_environ=False) as demo:
        workspace, url = demo.workspace, demo.endpoint_url
        assert demo.running and workspace.is_dir() and answers(url)
    assert not demo.running
    assert not workspace.exists()
    assert not answers(url)
    demo.close()  # a second close is harmless
    with pytest.raises(DemoError):
        _ = demo.workspace
    with pytest.raises(DemoError):
        demo.start()


def test_demos_one_after_another(demo: DemoEnvironment) -> None:
    """moto's state is per process: a second demo recreates the aliases and secrets."""
    for _ in range(2):
        with DemoEnvironment(modify_environ=False) as other:
            kms = client(other, "kms")
            key = kms.describe_key(KeyId=KMS_ALIAS)["KeyMetadata"]["KeyId"]
            assert key == other.kms_key_ids[KMS_ALIAS]


def test_failed_start_cleans_up(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Path] = []

    def broken(self: DemoEnvironment) -> None:
        seen.append(self.workspace)
        raise RuntimeError("emulator refused")

    monkeypatch.setattr(DemoEnvironment, "_populate", broken)
    environment = DemoEnvironment()
    before = dict(os.environ)
    with pytest.raises(DemoError, match="RuntimeError"):
        environment.start()
    assert seen and not seen[0].exists()
    assert dict(os.environ) == before
    assert not environment.running


@pytest.mark.parametrize("ending", ["atexit", "SIGTERM", "SIGHUP"])
def test_process_end_cleans_up(ending: str, tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from fnox_tui.core.demo import DemoEnvironment
        demo = DemoEnvironment().start()
        print(demo.workspace, flush=True)
        if {ending!r} != "atexit":
            os.kill(os.getpid(), getattr(signal, {ending!r}))
        sys.exit(0)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    workspace = Path(result.stdout.strip())
    assert workspace.name.startswith("fnox-tui-demo-"), result.stderr
    assert not workspace.exists()
    if ending == "atexit":
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == -getattr(__import__("signal"), ending)
