"""quick_switching: a shorter thread switch interval while V's threads work, nested."""

from __future__ import annotations

import sys

from fnox_tui.core.switching import BUSY_SWITCH_INTERVAL, quick_switching


def test_the_switch_interval_is_short_while_any_block_runs_and_set_back_after() -> None:
    before = sys.getswitchinterval()
    assert before > BUSY_SWITCH_INTERVAL
    outer = quick_switching()
    inner = quick_switching()
    outer.__enter__()
    assert sys.getswitchinterval() == BUSY_SWITCH_INTERVAL
    inner.__enter__()  # a V on another profile starts before the first ends
    outer.__exit__(None, None, None)
    assert sys.getswitchinterval() == BUSY_SWITCH_INTERVAL
    inner.__exit__(None, None, None)
    assert sys.getswitchinterval() == before


async def test_V_resolves_with_the_short_interval(monkeypatch, make_app, project) -> None:  # type: ignore[no-untyped-def]
    """The worker of V runs its resolving inside quick_switching."""
    from fnox_tui.core import switching

    seen: list[float] = []
    real = switching.quick_switching

    def spying(*args, **kwargs):  # type: ignore[no-untyped-def]
        manager = real(*args, **kwargs)

        class Spy:
            def __enter__(self) -> None:
                manager.__enter__()
                seen.append(sys.getswitchinterval())

            def __exit__(self, *exc: object) -> None:
                manager.__exit__(*exc)

        return Spy()

    monkeypatch.setattr(switching, "quick_switching", spying)
    (project / "fnox.toml").write_text(
        '[providers]\nplain = { type = "plain" }\n\n[secrets]\nA = { provider = "plain", value = "a" }\n'
    )
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.main.tree.jump_to_profile("default")
        await pilot.pause()
        await pilot.press("V")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert seen == [BUSY_SWITCH_INTERVAL]
    assert sys.getswitchinterval() > BUSY_SWITCH_INTERVAL
