"""Pilot tests: a provider field taken from a secret is never shown, in rows, details, checks,
notifications or screenshots, and what was derived from it is forgotten with the values.

KMS is moto's in-process ``mock_aws`` (the app's worker threads share it).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from fnox_tui.ui.app import AppSettings, FnoxTuiApp
from fnox_tui.ui.widgets.secret_tree import ProviderNode
from tests import waiting
from tests.aws_fakes import FAKE_REGION
from tests.fake_clock import FakeClock, idle_on
from tests.test_ui_main import SIZE, details_text
from tests.test_ui_values import notifications, row
from tests.ui_fixtures import MakeApp, revealed
from tests.waiting import settle

TOKEN = ("default", "TOKEN")
MISSING_ALIAS = "alias/hush-4f1d9c2b7a"


def write_config(project: Path, key_id: str, stored: str) -> None:
    (project / "fnox.toml").write_text(
        "[providers]\n"
        'plain = { type = "plain" }\n'
        f'kms = {{ type = "aws-kms", key_id = {{ secret = "KEYREF" }}, region = "{FAKE_REGION}" }}\n'
        "[secrets]\n"
        f'KEYREF = {{ provider = "plain", value = "{key_id}" }}\n'
        f'TOKEN = {{ provider = "kms", value = "{stored}" }}\n'
    )


@pytest.fixture
def existing_key(project: Path, kms_client: Any, kms_key: dict[str, Any]) -> str:
    """KEYREF holds the id of a real (moto) key; TOKEN is encrypted under it."""
    key_id = str(kms_key["KeyId"])
    blob = kms_client.encrypt(KeyId=key_id, Plaintext=b"token value")["CiphertextBlob"]
    write_config(project, key_id, base64.b64encode(blob).decode())
    return key_id


@pytest.fixture
def missing_key(project: Path, mocked_aws: None) -> str:
    """KEYREF holds an alias that does not exist."""
    write_config(project, MISSING_ALIAS, base64.b64encode(b"\x01\x02 not ciphertext").decode())
    return MISSING_ALIAS


def fragments(plaintext: str) -> list[str]:
    """The plaintext and the parts of it an SVG or a wrapped line could hold."""
    return [plaintext, *(part for part in plaintext.replace("/", "-").split("-") if len(part) >= 8)]


def assert_nowhere(texts: list[str], plaintext: str) -> None:
    for text in texts:
        for fragment in fragments(plaintext):
            assert fragment not in text, fragment


def everything_rendered(app: FnoxTuiApp) -> list[str]:
    """The tree rows, the details, the status line, notifications and the whole screen."""
    return [
        row(app, TOKEN),
        details_text(app),
        app.main.status_bar.progress,
        app.main.status_bar.counters,
        notifications(app),
        app.export_screenshot(),
    ]


async def to_provider(app: FnoxTuiApp, pilot: Any, name: str) -> None:
    tree = app.main.tree
    tree.move_cursor(tree.get_node_at_line(0))  # the Providers branch
    await pilot.press("l")
    for _ in range(10):
        await pilot.press("j")
        node = tree.cursor_node
        data = node.data if node is not None else None
        if isinstance(data, ProviderNode) and data.provider.name == name:
            return
    raise AssertionError(f"provider {name} not found")


def derived_checks(app: FnoxTuiApp) -> list[Any]:
    return [result for result in app.values.checks.values() if result.derived_from]


def holds_referenced(app: FnoxTuiApp) -> bool:
    controller = app.controller
    return controller.has_registry and controller.registry.holds_referenced


async def test_v_names_the_secret_a_key_id_came_from_never_its_value(
    make_app: MakeApp, missing_key: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.tree.jump_to_secret(*TOKEN)
        await pilot.pause()
        await pilot.press("v")
        await settle(pilot)
        assert "✗ The KMS key from secret KEYREF" in row(app, TOKEN)
        assert "The KMS key from secret KEYREF was not found" in details_text(app)
        assert_nowhere(everything_rendered(app), missing_key)


async def test_t_before_any_reveal_resolves_the_reference_and_lists_no_plaintext(
    make_app: MakeApp, existing_key: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await to_provider(app, pilot, "kms")
        await pilot.press("t")
        await settle(pilot)
        text = details_text(app)
        assert "✓ Key enabled" in text and "has no value" not in text
        assert "from secret KEYREF" in text
        assert len(derived_checks(app)) == 1
        assert_nowhere(everything_rendered(app), existing_key)


async def test_t_on_a_missing_key_from_a_secret_names_the_secret(
    make_app: MakeApp, missing_key: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.tree.jump_to_secret(*TOKEN)
        await pilot.pause()
        await pilot.press("t")  # on a secret: checks its provider
        await settle(pilot)
        await to_provider(app, pilot, "kms")
        text = details_text(app)
        assert "✗ Key not found" in text and "from secret KEYREF" in text
        assert_nowhere(everything_rendered(app), missing_key)


async def test_a_screenshot_forgets_checks_derived_from_a_referenced_secret(
    make_app: MakeApp, existing_key: str, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.tree.jump_to_secret(*TOKEN)
        await pilot.pause()
        await pilot.press("v")  # the value and the provider built from KEYREF
        await settle(pilot)
        assert revealed(app, *TOKEN) == "token value"
        await to_provider(app, pilot, "kms")
        await pilot.press("t")
        await settle(pilot)
        assert derived_checks(app) and holds_referenced(app)
        app.save_screenshot("shot.svg", str(tmp_path))
        await pilot.pause()
        await settle(pilot)
        assert not derived_checks(app) and not holds_referenced(app)
        assert "not checked" in details_text(app)
    svg = (tmp_path / "shot.svg").read_text()
    assert "token value" not in svg.replace("&#160;", " ")
    assert_nowhere([svg], existing_key)


async def test_hide_all_and_reload_forget_what_came_from_a_referenced_secret(
    make_app: MakeApp, existing_key: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await to_provider(app, pilot, "kms")
        await pilot.press("t")
        await settle(pilot)
        assert derived_checks(app) and holds_referenced(app)
        assert app.hide_all() == 1
        assert not derived_checks(app) and not holds_referenced(app)
        assert_nowhere([details_text(app)], existing_key)
        await pilot.press("t")
        await settle(pilot)
        assert derived_checks(app) and holds_referenced(app)
        await pilot.press("r")
        await settle(pilot)
        assert not app.values.checks and not holds_referenced(app)


async def test_the_idle_timeout_forgets_checks_derived_from_a_referenced_secret(
    make_app: MakeApp, existing_key: str
) -> None:
    app = make_app(settings=AppSettings(idle_seconds=60))
    clock = idle_on(app, FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await to_provider(app, pilot, "kms")
        await pilot.press("t")
        await settle(pilot)
        assert derived_checks(app) and holds_referenced(app)
        clock.now += 61  # no value revealed: only the check and the provider hold KEYREF
        await until(pilot, lambda: not derived_checks(app) and not holds_referenced(app))
        assert "not checked" in details_text(app)
        await until(pilot, lambda: "without a key press" in notifications(app))  # posted


async def until(pilot: Any, condition: Any, seconds: float = 30.0) -> None:
    """Wait for ``condition`` (the idle check runs once a second); fail after ``seconds``."""
    await waiting.until(pilot, condition, seconds=seconds, poll=0.05)
