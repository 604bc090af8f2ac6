"""``fnox-tui --demo``: the whole product offline, for someone without an AWS account.

``DemoEnvironment`` starts moto's KMS / Secrets Manager / SSM emulator in-process on
127.0.0.1, creates the demo keys and remote secrets in it, generates a throwaway age key and
writes a commented sample ``fnox.toml`` into a private temporary directory. Its ``environ``
points AWS SDKs (boto3 here, the real ``fnox`` in a subprocess) at the emulator with made-up
credentials (new for every run). Everything is removed again on exit: the server is stopped,
the directory deleted and any ``os.environ`` values it changed are put back.

The emulator answers only this process and its children: every request must be signed with
the access key generated for this run (other local users cannot read this process's
environment), and moto's own ``/moto-api/`` (which would hand out every stored value) is not
served at all.

The only key material written to disk is ``age.txt``, an age identity generated for this
run (mode 0600, in a 0700 directory) that protects nothing but made-up sample values. KMS
ciphertexts from moto only decrypt in the process that made them, so the sample values are
encrypted afresh at every start.

Typical use::

    with DemoEnvironment() as demo:
        workspace = load_workspace(cwd=demo.workspace)
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import hmac
import json
import logging
import os
import re
import secrets
import shutil
import signal
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import FrameType
from typing import Any, Protocol, TypeVar

import boto3
import botocore.session
import pyrage
from botocore.config import Config

from fnox_tui.core.errors import FnoxTuiError

REGION = "us-east-1"
KMS_ALIAS = "alias/fnox-demo"
NEXT_KMS_ALIAS = "alias/fnox-demo-next"  # a second key, for a key-rotation walkthrough
PROFILES = ("default", "staging", "production")
CONFIG_NAME = "fnox.toml"
AGE_KEY_NAME = "age.txt"
FNOX_CONFIG_DIR_NAME = ".fnox-config"
DEPLOY_USER = "demo-deployer"
STARTUP_TIMEOUT = 15.0

# Values kept encrypted in the file (KMS or age), by placeholder name.
_ENCRYPTED: dict[str, str] = {
    "db-password": "correct-horse-battery-staple-dev",
    "db-password-staging": "staging-db-password-not-real",
    "db-password-production": "production-db-password-not-real",
    "stripe-key": "sk_test_demo_DevNotARealKey0000",
    "stripe-key-production": "sk_test_demo_ProdNotARealKey000",
    "github-token": "ghp_demo_not_a_real_token_dev",
    "github-token-production": "ghp_demo_not_a_real_token_production",
}
# Secrets Manager secrets and SSM parameters created in the emulator.
_SM_SECRETS: dict[str, str] = {
    "demo/stripe-webhook": "whsec_demo_not_a_real_signing_secret",
    "demo/production/stripe-webhook": "whsec_demo_production_signing_secret",
}
_SSM_PARAMETERS: dict[str, str] = {
    "/fnox-demo/analytics-token": "phc_demo_analytics_write_key",
}

_DEFAULT_VALUES: dict[str, str] = {
    "DATABASE_PASSWORD": _ENCRYPTED["db-password"],
    "STRIPE_API_KEY": _ENCRYPTED["stripe-key"],
    "LOG_LEVEL": "debug",
    "STRIPE_WEBHOOK_SECRET": _SM_SECRETS["demo/stripe-webhook"],
    "ANALYTICS_TOKEN": _SSM_PARAMETERS["/fnox-demo/analytics-token"],
    "DATABASE_HOST": "localhost",
    "DATABASE_URL": f"postgres://app:{_ENCRYPTED['db-password']}@localhost:5432/app",
    "DEPLOY_USER": DEPLOY_USER,
    "GITHUB_TOKEN": _ENCRYPTED["github-token"],
}
_PROFILE_VALUES: dict[str, dict[str, str]] = {
    "default": {},
    "staging": {
        "DATABASE_HOST": "staging-db.internal",
        "DATABASE_PASSWORD": _ENCRYPTED["db-password-staging"],
        "LOG_LEVEL": "info",
        "DATABASE_URL": (
            f"postgres://app:{_ENCRYPTED['db-password-staging']}@staging-db.internal:5432/app"
        ),
    },
    "production": {
        "DATABASE_HOST": "prod-db.internal",
        "DATABASE_PASSWORD": _ENCRYPTED["db-password-production"],
        "STRIPE_API_KEY": _ENCRYPTED["stripe-key-production"],
        "LOG_LEVEL": "warn",
        "STRIPE_WEBHOOK_SECRET": _SM_SECRETS["demo/production/stripe-webhook"],
        "GITHUB_TOKEN": _ENCRYPTED["github-token-production"],
        "DATABASE_URL": (
            f"postgres://app:{_ENCRYPTED['db-password-production']}@prod-db.internal:5432/app"
        ),
    },
}

# The sample file. ``{{kms:NAME}}`` / ``{{age:NAME}}`` / ``{{age-team:NAME}}`` become
# ciphertexts of _ENCRYPTED[NAME]; ``{{age-recipient}}`` / ``{{team-recipient}}`` public keys.
_TEMPLATE = """\
# fnox.toml: the fnox-tui demo
#
# Everything in this directory is made up and lives only as long as the demo. fnox-tui
# started a local AWS emulator (moto) on 127.0.0.1, pointed AWS_ENDPOINT_URL at it, created
# the KMS keys and remote secrets named below in it, generated a throwaway age key in age.txt
# and wrote this file. The directory is deleted when the demo exits. No real AWS account is
# involved.
#
# It is an ordinary fnox configuration: while the demo runs, the real `fnox` can read it too
# (with the demo's environment), e.g. `fnox -P production list`.

# Do not look in parent directories for more configuration.
root = true

# Secrets that store a value but name no provider use this one.
default_provider = "kms"

# --- Providers: how a stored value becomes the secret -----------------------------------

[providers.kms]
# AWS KMS: the value is the base64 ciphertext; reading it needs kms:Decrypt on the key.
# A second key, alias/fnox-demo-next, is there for trying a key rotation.
type = "aws-kms"
key_id = "{{kms-alias}}"
region = "{{region}}"

[providers.age]
# age: values are encrypted to these public keys; reading them needs a matching private
# key, here the throwaway demo key in age.txt.
type = "age"
recipients = ["{{age-recipient}}"]
key_file = "age.txt"

[providers.plain]
# No encryption: the value is the secret itself. For settings that are not sensitive.
type = "plain"

[providers.sm]
# AWS Secrets Manager: the value is the name of a secret kept there, fetched when used.
type = "aws-sm"
region = "{{region}}"

[providers.ps]
# AWS Systems Manager Parameter Store: the value is the name of a SecureString parameter.
type = "aws-ps"
region = "{{region}}"

# --- Secrets: every profile sees these, unless the profile overrides them ---------------

[secrets]
# No `provider`: encrypted with the default provider (kms).
DATABASE_PASSWORD = { description = "Password of the app's database user", value = "{{kms:db-password}}" }
STRIPE_API_KEY = { provider = "kms", description = "Stripe secret key (test mode)", value = "{{kms:stripe-key}}" }
LOG_LEVEL = { provider = "plain", description = "How much the app logs", value = "debug" }
STRIPE_WEBHOOK_SECRET = { provider = "sm", description = "Signs Stripe's webhook calls", value = "demo/stripe-webhook" }
ANALYTICS_TOKEN = { provider = "ps", description = "Write key of the analytics service", value = "/fnox-demo/analytics-token" }
# A default is used when nothing else gives a value; ${NAME} inserts another secret.
DATABASE_HOST = { description = "Database server", default = "localhost" }
DATABASE_URL = { description = "Built from the two above", default = "postgres://app:${DATABASE_PASSWORD}@${DATABASE_HOST}:5432/app" }
# No value and no default: fnox reads the environment variable of the same name.
DEPLOY_USER = { description = "Who deploys; taken from the environment", if_missing = "warn" }

# A secret can also be written as a table of its own.
[secrets.GITHUB_TOKEN]
provider = "age"
description = "Token of the release workflow"
value = "{{age:github-token}}"

# --- Profiles: `fnox -P staging` sees the secrets above, overlaid by its own ------------

[profiles.staging.secrets]
DATABASE_HOST = { description = "Database server", default = "staging-db.internal" }
DATABASE_PASSWORD = { description = "Password of the app's database user", value = "{{kms:db-password-staging}}" }
LOG_LEVEL = { provider = "plain", description = "How much the app logs", value = "info" }

# Production replaces the `age` provider: its secrets are also encrypted to the operations
# team's key (whose private half is not part of the demo).
[profiles.production.providers.age]
type = "age"
recipients = [
    "{{age-recipient}}",  # you: age.txt
    "{{team-recipient}}",  # the operations team
]
key_file = "age.txt"

[profiles.production.secrets]
DATABASE_HOST = { description = "Database server", default = "prod-db.internal" }
DATABASE_PASSWORD = { description = "Password of the app's database user", value = "{{kms:db-password-production}}" }
STRIPE_API_KEY = { provider = "kms", description = "Stripe secret key", value = "{{kms:stripe-key-production}}" }
LOG_LEVEL = { provider = "plain", description = "How much the app logs", value = "warn" }
STRIPE_WEBHOOK_SECRET = { provider = "sm", description = "Signs Stripe's webhook calls", value = "demo/production/stripe-webhook" }

[profiles.production.secrets.GITHUB_TOKEN]
provider = "age"
description = "Token of the release workflow"
value = "{{age-team:github-token-production}}"
"""  # noqa: E501
_PLACEHOLDER = re.compile(r"\{\{([a-z-]+)(?::([a-z-]+))?\}\}")

# Environment variables removed while the demo runs: anything that could send AWS calls to a
# real account or another endpoint, or make fnox use another key or profile.
_UNSET_VARS = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "FNOX_AGE_KEY",
    "FNOX_PROFILE",
    "FNOX_NO_DEFAULTS",
)

_T = TypeVar("_T")
_log = logging.getLogger(__name__)
# moto state is global to the process: reset it when the last running demo stops.
_running_lock = threading.Lock()
_running = 0


class DemoError(FnoxTuiError):
    """The demo could not be started."""


def sample_plaintexts(profile: str = "default") -> dict[str, str]:
    """What every secret of ``profile`` resolves to in the demo (as ``fnox export`` shows)."""
    if profile not in _PROFILE_VALUES:
        raise KeyError(profile)
    return {**_DEFAULT_VALUES, **_PROFILE_VALUES[profile]}


class _Server(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...

    def reset(self) -> None: ...

    def get_host_and_port(self) -> tuple[str, int]: ...


# Paths moto serves for itself, not for an AWS API: its state API and dashboard, and a fake
# instance metadata service. None of them is needed by the demo.
_PRIVATE_PATHS = ("/moto-api", "/latest/", "/favicon.ico")
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")
_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def new_credentials() -> tuple[str, str]:
    """An access key id and secret key for one demo run (80 and 240 random bits)."""
    key_id = "AKIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))
    return key_id, secrets.token_urlsafe(30)


class DemoGate:
    """WSGI middleware in front of moto: only requests signed with this run's access key
    reach it, and moto's own paths (``/moto-api/``...) are never served."""

    def __init__(self, app: WsgiApp, access_key_id: str) -> None:
        self.app = app
        self._key = access_key_id.encode("utf-8")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO") or "")
        if path.startswith(_PRIVATE_PATHS):
            return _refuse(
                start_response,
                "404 Not Found",
                "ResourceNotFoundException",
                "Not served by the fnox-tui demo.",
            )
        if not self._signed_by_us(str(environ.get("HTTP_AUTHORIZATION") or "")):
            return _refuse(
                start_response,
                "403 Forbidden",
                "UnrecognizedClientException",
                "The fnox-tui demo emulator only answers requests signed with this run's "
                "access key.",
            )
        return self.app(environ, start_response)

    def _signed_by_us(self, authorization: str) -> bool:
        match = _CREDENTIAL.search(authorization)
        return match is not None and hmac.compare_digest(match.group(1).encode(), self._key)


def _refuse(start_response: StartResponse, status: str, code: str, message: str) -> list[bytes]:
    body = json.dumps({"__type": code, "message": message}).encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("Content-Length", str(len(body))),
            ("x-amzn-ErrorType", code),
        ],
    )
    return [body]


def _make_server(access_key_id: str) -> _Server:
    """moto's ThreadedMotoServer on a free 127.0.0.1 port behind ``DemoGate``: quiet, quick
    to stop, and releasing its socket. moto is imported here: only the demo needs it."""
    try:
        from moto.moto_server.threaded_moto_server import ThreadedMotoServer
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server
        from werkzeug.test import Client
    except ImportError as error:
        raise DemoError(
            "The demo needs moto's AWS emulator: pip install 'moto[server]>=5'."
        ) from error

    class QuietRequestHandler(MotoRequestHandler):
        def log(self, type: str, message: str, *args: Any) -> None:
            pass  # request log lines would land on the terminal the TUI draws on

    class DemoMotoServer(ThreadedMotoServer):
        _moto: Any = None

        def _server_entry(self) -> None:
            self._moto = DomainDispatcherApplication(create_backend_app)
            self._server = make_server(
                self._ip_address,
                self._port,
                DemoGate(self._moto, access_key_id),
                True,
                request_handler=QuietRequestHandler,
            )
            self._server_ready_event.set()
            self._server.serve_forever(poll_interval=0.05)

        def reset(self) -> None:
            """Drop every key and secret from moto's state (in-process, past the gate)."""
            if self._moto is not None:
                Client(self._moto).post("/moto-api/reset")

        def stop(self) -> None:
            super().stop()
            if self._server is not None:
                self._server.server_close()

    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(h, logging.NullHandler) for h in werkzeug_log.handlers):
        werkzeug_log.addHandler(logging.NullHandler())
    return DemoMotoServer(ip_address="127.0.0.1", port=0, verbose=False)


class DemoEnvironment:
    """A throwaway fnox workspace backed by a local AWS emulator. See the module docstring.

    ``modify_environ``: apply ``environ`` to ``os.environ`` on start and restore it on close.
    ``handle_signals``: on the main thread, clean up on SIGTERM/SIGHUP when those still have
    their default action.
    """

    def __init__(self, *, modify_environ: bool = True, handle_signals: bool = True) -> None:
        self._modify_environ = modify_environ
        self._handle_signals = handle_signals
        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._counted = False
        self._workspace: Path | None = None
        self._endpoint_url: str | None = None
        self._environ: dict[str, str] = {}
        self._saved_environ: dict[str, str | None] | None = None
        self._previous_handlers: dict[int, Any] = {}
        self._started = False
        self._closed = False
        self.kms_key_ids: dict[str, str] = {}  # alias -> key id
        self.age_recipient = ""
        # Known to this process and its children only: the emulator answers no one else.
        self.access_key_id, self.secret_access_key = new_credentials()

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> DemoEnvironment:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> DemoEnvironment:
        """Start the emulator and write the workspace. Raises DemoError; cleans up on failure."""
        with self._lock:
            if self._closed:
                raise DemoError("This demo environment has been closed; create a new one.")
            if self._started:
                return self
            self._started = True
            atexit.register(self.close)
            try:
                self._workspace = Path(tempfile.mkdtemp(prefix="fnox-tui-demo-"))
                self._workspace.chmod(0o700)
                self._start_server()
                self._environ = self._build_environ()
                if self._handle_signals:
                    self._install_signal_handlers()
                self._populate()
                if self._modify_environ:
                    self.apply_environ()
            except BaseException as error:
                self.close()
                if isinstance(error, DemoError | KeyboardInterrupt | SystemExit):
                    raise
                reason = f"{type(error).__name__}: {error}".rstrip(": ")
                raise DemoError(f"Could not start the demo ({reason}).") from error
        return self

    def close(self) -> None:
        """Stop the emulator, delete the workspace, restore the environment. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            atexit.unregister(self.close)
            self._restore_signal_handlers()
            self.restore_environ()
            if self._server is not None:
                self._stop_server()
            if self._workspace is not None:
                shutil.rmtree(self._workspace, ignore_errors=True)

    @property
    def running(self) -> bool:
        return self._started and not self._closed

    # -- what the UI and CLI use -------------------------------------------------------------

    @property
    def workspace(self) -> Path:
        """The demo directory: load it with ``load_workspace(cwd=demo.workspace)``."""
        return self._require(self._workspace)

    @property
    def config_path(self) -> Path:
        return self.workspace / CONFIG_NAME

    @property
    def age_key_path(self) -> Path:
        return self.workspace / AGE_KEY_NAME

    @property
    def endpoint_url(self) -> str:
        return self._require(self._endpoint_url)

    @property
    def environ(self) -> dict[str, str]:
        """Variables to set so that everything resolves against the emulator."""
        self._require(self._endpoint_url)
        return dict(self._environ)

    @property
    def unset_vars(self) -> tuple[str, ...]:
        """Variables to remove: real AWS credentials, profiles, other endpoints and keys."""
        return _UNSET_VARS + tuple(
            name for name in os.environ if name.startswith("AWS_ENDPOINT_URL_")
        )

    def child_environ(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """A full environment for a subprocess (e.g. the real ``fnox``): ``base`` adjusted."""
        result = dict(os.environ if base is None else base)
        for name in list(result):
            if name in _UNSET_VARS or name.startswith("AWS_ENDPOINT_URL_"):
                result.pop(name, None)
        result.update(self.environ)
        return result

    def apply_environ(self) -> None:
        """Set ``environ`` and remove ``unset_vars`` in ``os.environ``, remembering the old."""
        with self._lock:
            environ = self.environ
            if self._saved_environ is not None:
                return
            names = [*self.unset_vars, *environ]
            self._saved_environ = {name: os.environ.get(name) for name in names}
            for name in self.unset_vars:
                os.environ.pop(name, None)
            os.environ.update(environ)

    def restore_environ(self) -> None:
        """Put back what ``apply_environ`` changed. Does nothing when it was not applied."""
        with self._lock:
            saved, self._saved_environ = self._saved_environ, None
            for name, value in (saved or {}).items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def sample_plaintexts(self, profile: str = "default") -> dict[str, str]:
        return sample_plaintexts(profile)

    @property
    def banner(self) -> str:
        """One line for the UI to show while the demo runs."""
        return (
            f"Demo mode: made-up secrets, AWS emulated at {self.endpoint_url}; "
            f"{self.workspace} is deleted on exit."
        )

    # -- internals ---------------------------------------------------------------------------

    def _require(self, value: _T | None) -> _T:
        if value is None or self._closed:
            raise DemoError("The demo environment is not running.")
        return value

    def _start_server(self) -> None:
        global _running
        server = _make_server(self.access_key_id)
        server.start()
        self._server = server
        with _running_lock:
            _running += 1
            self._counted = True
        host, port = server.get_host_and_port()
        self._endpoint_url = f"http://{host}:{port}"
        _wait_until_answering(self._endpoint_url, STARTUP_TIMEOUT)

    def _stop_server(self) -> None:
        global _running
        assert self._server is not None
        server, self._server = self._server, None
        with _running_lock:
            if self._counted:
                _running -= 1
                self._counted = False
            last = _running == 0
        if last:
            # Drop the demo keys and secrets from moto's process-wide state.
            try:
                server.reset()
            except Exception:  # pragma: no cover - shutting down anyway
                _log.warning("Resetting the demo AWS emulator failed", exc_info=True)
        try:
            server.stop()
        except Exception:  # pragma: no cover - shutting down anyway
            _log.warning("Stopping the demo AWS emulator failed", exc_info=True)

    def _build_environ(self) -> dict[str, str]:
        workspace = self.workspace
        no_proxy = ",".join(
            dict.fromkeys(
                [
                    *filter(None, os.environ.get("NO_PROXY", "").split(",")),
                    *filter(None, os.environ.get("no_proxy", "").split(",")),
                    "127.0.0.1",
                    "localhost",
                ]
            )
        )
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            # Keep the user's ~/.aws files out of it (these files do not exist).
            "AWS_CONFIG_FILE": str(workspace / ".aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(workspace / ".aws" / "credentials"),
            "FNOX_AGE_KEY_FILE": str(workspace / AGE_KEY_NAME),
            # An empty global config directory: the user's own is not mixed in.
            "FNOX_CONFIG_DIR": str(workspace / FNOX_CONFIG_DIR_NAME),
            "FNOX_NON_INTERACTIVE": "true",
            "DEPLOY_USER": DEPLOY_USER,
            "NO_PROXY": no_proxy,
            "no_proxy": no_proxy,
        }

    def _client(self, service: str) -> Any:
        # Independent of os.environ and ~/.aws: no AWS_PROFILE, no user config files.
        core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
        for name, value in (
            ("config_file", self._environ["AWS_CONFIG_FILE"]),
            ("credentials_file", self._environ["AWS_SHARED_CREDENTIALS_FILE"]),
        ):
            core.set_config_variable(name, value)
        return boto3.session.Session(
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            region_name=REGION,
            botocore_session=core,
        ).client(
            service,
            endpoint_url=self.endpoint_url,
            config=Config(
                proxies={},
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )

    def _populate(self) -> None:
        workspace = self.workspace
        (workspace / FNOX_CONFIG_DIR_NAME).mkdir(mode=0o700)

        kms = self._client("kms")
        for alias, description in (
            (KMS_ALIAS, "fnox-tui demo key"),
            (NEXT_KMS_ALIAS, "fnox-tui demo key for trying a rotation"),
        ):
            key_id = kms.create_key(Description=description)["KeyMetadata"]["KeyId"]
            try:
                kms.create_alias(AliasName=alias, TargetKeyId=key_id)
            except kms.exceptions.AlreadyExistsException:  # another demo in this process
                kms.update_alias(AliasName=alias, TargetKeyId=key_id)
            self.kms_key_ids[alias] = key_id

        secrets = self._client("secretsmanager")
        for name, value in _SM_SECRETS.items():
            try:
                secrets.create_secret(Name=name, SecretString=value)
            except secrets.exceptions.ResourceExistsException:
                secrets.put_secret_value(SecretId=name, SecretString=value)
        ssm = self._client("ssm")
        for name, value in _SSM_PARAMETERS.items():
            ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)

        identity = pyrage.x25519.Identity.generate()
        recipient = identity.to_public()
        team_recipient = pyrage.x25519.Identity.generate().to_public()  # private half dropped
        self.age_recipient = str(recipient)
        _write_private(
            workspace / AGE_KEY_NAME,
            "# fnox-tui demo key: throwaway, made for this demo run and deleted with it.\n"
            f"# public key: {recipient}\n{identity}\n",
        )

        def substitute(match: re.Match[str]) -> str:
            kind, name = match.group(1), match.group(2)
            if kind == "kms":
                blob = kms.encrypt(KeyId=KMS_ALIAS, Plaintext=_ENCRYPTED[name].encode())
                return _b64(blob["CiphertextBlob"])
            if kind == "age":
                return _b64(pyrage.encrypt(_ENCRYPTED[name].encode(), [recipient]))
            if kind == "age-team":
                recipients = [recipient, team_recipient]
                return _b64(pyrage.encrypt(_ENCRYPTED[name].encode(), recipients))
            fixed = {
                "age-recipient": str(recipient),
                "team-recipient": str(team_recipient),
                "kms-alias": KMS_ALIAS,
                "region": REGION,
            }
            return fixed[kind]

        self.config_path.write_text(_PLACEHOLDER.sub(substitute, _TEMPLATE), encoding="utf-8")

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            with contextlib.suppress(OSError, ValueError):
                if signal.getsignal(signum) == signal.SIG_DFL:
                    signal.signal(signum, self._on_signal)
                    self._previous_handlers[signum] = signal.SIG_DFL

    def _restore_signal_handlers(self) -> None:
        handlers, self._previous_handlers = self._previous_handlers, {}
        if threading.current_thread() is not threading.main_thread():
            return
        for signum, previous in handlers.items():
            with contextlib.suppress(OSError, ValueError):
                if signal.getsignal(signum) == self._on_signal:
                    signal.signal(signum, previous)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.close()  # restores the default action
        os.kill(os.getpid(), signum)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _http(url: str, method: str = "GET", timeout: float = 2.0) -> int:
    """Send one request straight to ``url`` (no proxy); the status code."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:  # an answer all the same
        return error.code


def _wait_until_answering(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _http(f"{url}/")
            return
        except OSError as error:
            if time.monotonic() >= deadline:
                raise DemoError(f"The demo AWS emulator at {url} did not answer.") from error
            time.sleep(0.05)
