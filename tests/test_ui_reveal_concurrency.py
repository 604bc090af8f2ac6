"""`V` at the default settings: enough requests in flight for a slow link, fewer (and asked
again) when the service throttles.

The provider is a fake standing in for a remote one (registered as `age`, which `V` resolves
in its pool of threads as it does KMS): it counts the calls in flight, and can hold them or
answer "throttled".
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fnox_tui.core.limiter import DEFAULT_CONCURRENCY
from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers import registry as provider_registry
from fnox_tui.core.providers.base import CheckResult, ErrorCode, ProviderError
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.ui.app import FnoxTuiApp
from tests import waiting
from tests.test_ui_main import SIZE
from tests.test_ui_reveal_all import until
from tests.ui_fixtures import MakeApp, revealed

COUNT = DEFAULT_CONCURRENCY + 8
NAMES = [f"S{index:02d}" for index in range(COUNT)]


class Remote:
    """The fake service: calls in flight (and the most at once), calls per value."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most = 0
        self.calls: Counter[str] = Counter()
        self.release = threading.Event()
        self.hold = False
        self.throttle_first = False

    def provider(self, definition: ProviderDef, _context: ProviderContext) -> Any:
        remote = self

        class RemoteProvider:
            def __init__(self) -> None:
                self.definition = definition

            def resolve(self, value: str) -> str:
                with remote.lock:
                    remote.in_flight += 1
                    remote.most = max(remote.most, remote.in_flight)
                    remote.calls[value] += 1
                    first = remote.calls[value] == 1
                try:
                    if remote.hold:
                        assert remote.release.wait(30)
                    if remote.throttle_first and first:
                        raise ProviderError("throttled", code=ErrorCode.THROTTLED)
                    return f"plain-{value}"
                finally:
                    with remote.lock:
                        remote.in_flight -= 1

            def encrypt(self, plaintext: str) -> str:
                return plaintext

            def check(self) -> CheckResult:
                return CheckResult(ok=True, badge="✓")

        return RemoteProvider()


@pytest.fixture
def remote(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Remote]:
    lines = ['[providers]\nremote = { type = "age" }\n\n[secrets]']
    lines += [f'{name} = {{ provider = "remote", value = "{name}" }}' for name in NAMES]
    (project / "fnox.toml").write_text("\n".join(lines) + "\n")
    remote = Remote()
    monkeypatch.setitem(provider_registry.FACTORIES, "age", remote.provider)
    yield remote
    remote.release.set()  # no thread is left waiting


async def reveal_all(app: FnoxTuiApp, pilot: Any) -> None:
    app.main.tree.jump_to_profile("default")
    await pilot.pause()
    await pilot.press("V")


async def test_V_keeps_enough_requests_in_flight_for_a_slow_link(
    make_app: MakeApp, remote: Remote
) -> None:
    remote.hold = True
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await reveal_all(app, pilot)
        await waiting.until(
            pilot, lambda: remote.in_flight >= DEFAULT_CONCURRENCY, "the first requests", 30
        )
        assert remote.in_flight == DEFAULT_CONCURRENCY  # at once, and no more
        remote.release.set()
        await until(pilot, lambda: len(app.plaintext) == COUNT)
        await app.workers.wait_for_complete()
    assert remote.most == DEFAULT_CONCURRENCY


async def test_V_asks_again_for_values_the_service_throttled(
    make_app: MakeApp, remote: Remote
) -> None:
    remote.throttle_first = True
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await reveal_all(app, pilot)
        await until(pilot, lambda: len(app.plaintext) + len(app.values.failures) == COUNT)
        await app.workers.wait_for_complete()
        assert not app.values.failures
        assert [revealed(app, "default", name) for name in NAMES] == [
            f"plain-{name}" for name in NAMES
        ]
    assert set(remote.calls.values()) == {2}  # throttled once, then answered
