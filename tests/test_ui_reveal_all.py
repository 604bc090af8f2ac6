"""`V` on several profiles at once: every row ends in a value, an error or hidden.

The provider is a fake that blocks on an Event per profile, so the test decides when each
profile's values arrive (no sleeps). It stands in for `age` (a provider that may wait on a
key file), so `V` resolves its values in its pool of threads as it does for KMS; a `plain`
value `V` resolves on its own thread, one after another.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers import registry as provider_registry
from fnox_tui.core.providers.base import CheckResult
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.ui.app import FnoxTuiApp
from tests import waiting
from tests.test_ui_main import SIZE
from tests.test_ui_values import row
from tests.ui_fixtures import MakeApp, revealed, secret_key

CONFIG = """\
[providers]
gate = { type = "age" }

[profiles.a.secrets]
A1 = { provider = "gate", value = "a:1" }
A2 = { provider = "gate", value = "a:2" }

[profiles.b.secrets]
B1 = { provider = "gate", value = "b:1" }
B2 = { provider = "gate", value = "b:2" }
"""
A_KEYS = [("a", "A1"), ("a", "A2")]
B_KEYS = [("b", "B1"), ("b", "B2")]


class Gates:
    """One Event per profile; the fake provider's resolve waits on its profile's Event."""

    def __init__(self) -> None:
        self.events = {"a": threading.Event(), "b": threading.Event()}
        self.started: list[str] = []

    def provider(self, definition: ProviderDef, _context: ProviderContext) -> Any:
        gates = self

        class GateProvider:
            def __init__(self) -> None:
                self.definition = definition

            def resolve(self, value: str) -> str:
                gates.started.append(value)
                assert gates.events[value.split(":")[0]].wait(30)
                return f"value-{value}"

            def encrypt(self, plaintext: str) -> str:
                return plaintext

            def check(self) -> CheckResult:
                return CheckResult(ok=True, badge="✓")

        return GateProvider()


@pytest.fixture
def gates(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gates]:
    (project / "fnox.toml").write_text(CONFIG)
    gates = Gates()
    monkeypatch.setitem(provider_registry.FACTORIES, "age", gates.provider)
    yield gates
    for event in gates.events.values():
        event.set()  # no thread is left waiting


async def until(pilot: Any, condition: Callable[[], bool], seconds: float = 30.0) -> None:
    await waiting.until(pilot, condition, seconds=seconds, poll=0.05)


def pending(app: FnoxTuiApp, keys: list[tuple[str, str]]) -> bool:
    return any(secret_key(app, *key) in app.values.pending for key in keys)


async def reveal_profile(app: FnoxTuiApp, pilot: Any, profile: str) -> None:
    app.main.tree.jump_to_profile(profile)
    await pilot.pause()
    await pilot.press("V")


async def test_V_on_a_second_profile_lets_the_first_finish(make_app: MakeApp, gates: Gates) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await reveal_profile(app, pilot, "a")
        await until(pilot, lambda: len(gates.started) == 2)  # both of a's values requested
        await reveal_profile(app, pilot, "b")
        await until(pilot, lambda: len(gates.started) == 4)
        assert app.main.status_bar.progress == "Revealing a: 0/2, b: 0/2"
        gates.events["a"].set()
        await until(pilot, lambda: not pending(app, A_KEYS))
        assert [revealed(app, *key) for key in A_KEYS] == ["value-a:1", "value-a:2"]
        assert all("resolving" not in row(app, key) for key in A_KEYS)
        assert pending(app, B_KEYS)  # b still waits for its gate
        assert app.main.status_bar.progress == "Revealing b: 0/2"
        gates.events["b"].set()
        await until(pilot, lambda: not pending(app, B_KEYS))
        await app.workers.wait_for_complete()
        assert [revealed(app, *key) for key in B_KEYS] == ["value-b:1", "value-b:2"]
        assert app.main.status_bar.progress == ""


async def test_hiding_one_profile_leaves_the_other_resolving(
    make_app: MakeApp, gates: Gates
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await reveal_profile(app, pilot, "a")
        await reveal_profile(app, pilot, "b")
        await until(pilot, lambda: len(gates.started) == 4)
        await pilot.press("V")  # on b again, while its values resolve: hides b only
        await pilot.pause()
        assert not pending(app, B_KEYS) and all(revealed(app, *key) is None for key in B_KEYS)
        assert pending(app, A_KEYS)
        gates.events["a"].set()
        gates.events["b"].set()
        await until(pilot, lambda: not pending(app, A_KEYS))
        await app.workers.wait_for_complete()
        assert [revealed(app, *key) for key in A_KEYS] == ["value-a:1", "value-a:2"]
        assert all(revealed(app, *key) is None for key in B_KEYS)  # answers after the hide: dropped


async def test_a_cancelled_V_leaves_no_row_resolving(make_app: MakeApp, gates: Gates) -> None:
    """Whatever ends a V worker (here a cancel from outside), its rows end hidden."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await reveal_profile(app, pilot, "a")
        await until(pilot, lambda: len(gates.started) == 2)
        app.workers.cancel_group(app, "reveal-all")
        await until(pilot, lambda: not pending(app, A_KEYS))
        assert all("resolving" not in row(app, key) for key in A_KEYS)
        assert all(revealed(app, *key) is None for key in A_KEYS)
        assert app.main.status_bar.progress == ""
        gates.events["a"].set()  # the cancelled worker's threads end before the app does
