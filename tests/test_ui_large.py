"""Pilot tests of a profile too large to show flat: groups filled when opened, V in bulk.

Timings (first paint, keys answered while V resolves 380,000 values) are measured by
benchmarks/bench_first_paint.py --hostile; these tests check the behaviour.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from fnox_tui.core.model import EffectiveSecret
from fnox_tui.ui.widgets.secret_tree import GROUP_SIZE, ProfileNode, SecretGroup, SecretNode
from tests.test_ui_main import SIZE, details_text
from tests.ui_fixtures import MakeApp, revealed, secret_key
from tests.waiting import settle, until

COUNT = 2 * GROUP_SIZE + 1


def name(index: int) -> str:
    return f"S{index:06d}"


@pytest.fixture
def large(project: Path) -> Path:
    lines = ['[providers]\nplain = { type = "plain" }\n\n[secrets]']
    lines += [f'{name(i)} = {{ provider = "plain", value = "v{i}" }}' for i in range(COUNT)]
    (project / "fnox.toml").write_text("\n".join(lines) + "\n")
    return project


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The rows the tree lays out, in order: Tree measures every open row it lays out."""
    from fnox_tui.ui.widgets.secret_tree import SecretTree

    rows: list[object] = []
    measure = SecretTree.get_label_width

    def counting(self: SecretTree, node: object) -> int:
        rows.append(node)
        return measure(self, node)  # type: ignore[arg-type]

    monkeypatch.setattr(SecretTree, "get_label_width", counting)
    return rows


async def test_a_large_profile_shows_its_secrets_in_groups_filled_when_opened(
    make_app: MakeApp, large: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.main.tree
        profile = tree.cursor_node
        assert profile is not None and isinstance(profile.data, ProfileNode)
        groups = list(profile.children)
        assert [type(group.data) for group in groups] == [SecretGroup] * 3
        assert [group.label.plain for group in groups] == [
            f"secrets 1 to {GROUP_SIZE:,} of {COUNT:,}",
            f"secrets {GROUP_SIZE + 1:,} to {2 * GROUP_SIZE:,} of {COUNT:,}",
            f"secrets {2 * GROUP_SIZE + 1:,} to {COUNT:,} of {COUNT:,}",
        ]
        # The first group is open, as a small profile would be; the others are still empty.
        assert groups[0].is_expanded and len(groups[0].children) == GROUP_SIZE
        assert [len(group.children) for group in groups[1:]] == [0, 0]
        assert tree.last_line < GROUP_SIZE + 10  # only what is open is laid out

        tree.jump_to_secret("default", name(COUNT - 1))
        await pilot.pause()
        data = tree.cursor_node.data  # type: ignore[union-attr]
        assert isinstance(data, SecretNode) and data.secret.name == name(COUNT - 1)
        assert groups[2].is_expanded and len(groups[2].children) == 1
        assert len(groups[1].children) == 0

        # A group row stands for its profile: its details are the profile's.
        tree.move_cursor(groups[1])
        await pilot.pause()
        details = details_text(app)
        assert "profile (active)" in details and re.search(rf"Secrets\s+{COUNT}\b", details)


async def test_V_on_a_large_profile_reveals_every_secret_without_repr_of_them(
    make_app: MakeApp, large: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual describes a worker by the repr of its arguments unless told otherwise: for a
    large profile that took seconds on the UI thread, so no secret may be repr'd."""
    reprs: list[str] = []

    def counting_repr(secret: EffectiveSecret) -> str:
        reprs.append(secret.name)
        return "EffectiveSecret(...)"

    monkeypatch.setattr(EffectiveSecret, "__repr__", counting_repr)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("V")
        while len(app.plaintext) < COUNT:
            await settle(pilot)
        assert revealed(app, "default", name(COUNT - 1)) == f"v{COUNT - 1}"
        assert not app.values.pending and not app.values.failures
        assert reprs == []
        assert app.main.status_bar.progress == ""
        row = app.main.tree.row_text(secret_key(app, "default", name(0)))
        assert row is not None and "v0" in row.plain

        await pilot.press("V")  # everything shown: V hides them all again
        await settle(pilot)
        assert len(app.plaintext) == 0 and not app.values.pending
        row = app.main.tree.row_text(secret_key(app, "default", name(0)))
        assert row is not None and "v0" not in row.plain


async def test_V_after_some_values_are_shown_resolves_only_the_rest(
    make_app: MakeApp, large: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "v")  # the first secret, under the first group
        await settle(pilot)
        assert len(app.plaintext) == 1
        first = app.main.tree.cursor_node
        assert first is not None and isinstance(first.data, SecretNode)
        app.values.plaintext.put(first.data.secret.key, "kept")  # what V must not ask again
        await pilot.press("V")
        while len(app.plaintext) < COUNT:
            await settle(pilot)
        assert app.plaintext.get(first.data.secret.key) == "kept"


async def test_a_reload_frees_a_large_workspace_after_the_screens_let_go_of_it(
    make_app: MakeApp, large: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The full collection that frees the replaced workspace runs once the controller has
    adopted the new one (it compares the two) and the tree shows it: before, the old one was
    still in use and the collection freed nothing."""
    from fnox_tui.ui import controller

    seen: list[tuple[object, object]] = []
    app = make_app()
    monkeypatch.setattr(controller, "LARGE_WORKSPACE", COUNT)
    monkeypatch.setattr(
        controller,
        "set_aside_long_lived",
        lambda: seen.append((app.controller.workspace, app.main.tree.workspace)),
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        old = app.controller.workspace
        await pilot.press("r")
        deadline = time.monotonic() + 30
        while not seen and time.monotonic() < deadline:
            await settle(pilot)
        new = app.controller.workspace
        assert new is not old
        assert seen == [(new, new)]


async def test_a_focus_change_repaints_the_rows_without_laying_out_every_open_row(
    make_app: MakeApp, large: Path, laid_out: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tree lays out every open row again on any change of style (a focus change, the first
    styling after mount); here only the rows on screen are painted afresh."""
    from fnox_tui.ui.compat import screen_lines
    from fnox_tui.ui.widgets.secret_tree import SecretTree

    at_first_frame: list[int] = []
    render = SecretTree.render_lines

    def first_frame(self: SecretTree, crop):  # type: ignore[no-untyped-def]
        lines = render(self, crop)
        if self.workspace is not None and not at_first_frame:
            at_first_frame.append(len(laid_out))
        return lines

    monkeypatch.setattr(SecretTree, "render_lines", first_frame)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.main.tree
        assert at_first_frame[0] < GROUP_SIZE + 20  # up to the first frame: laid out once
        row = tree.cursor_line - tree.scroll_offset.y + tree.region.y
        focused = screen_lines(app)[row]
        laid_out.clear()
        app.main.set_focus(None)  # the tree's cursor row loses its focused style
        await until(pilot, lambda: screen_lines(app)[row] != focused, "the row repainted")
        assert screen_lines(app)[row].text == focused.text
        assert laid_out == []


async def test_a_resize_repaints_the_rows_without_laying_out_every_open_row(
    make_app: MakeApp, large: Path, laid_out: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tree's rows do not depend on its size: the footer's arrival after the first frame,
    and a new terminal size, paint the rows at the new size instead of laying out the 1,000
    open rows again (Tree's own resize handler does)."""
    from fnox_tui.ui.compat import screen_text
    from fnox_tui.ui.widgets.secret_tree import SecretTree
    from fnox_tui.ui.widgets.steady_footer import SteadyFooter

    resized: list[object] = []
    on_resize = SecretTree.on_resize

    def recording(self: SecretTree, event):  # type: ignore[no-untyped-def]
        resized.append(event.size)
        on_resize(self, event)

    monkeypatch.setattr(SecretTree, "on_resize", recording)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        tree = app.main.tree
        await until(pilot, lambda: tree.workspace is not None and tree.size.height > 0, "a tree")
        first_layout = len(laid_out)
        assert first_layout < GROUP_SIZE + 20
        await until(pilot, lambda: bool(app.main.query(SteadyFooter)), "the footer")
        await until(pilot, lambda: len(resized) >= 2, "the tree resized for the footer")
        await settle(pilot)
        assert len(laid_out) - first_layout < 5  # not the open group again
        before = len(laid_out)
        await pilot.resize_terminal(SIZE[0] - 30, SIZE[1] - 8)
        await until(pilot, lambda: len(resized) >= 3, "the tree resized for the terminal")
        await until(pilot, lambda: name(0) in screen_text(app), "the rows painted")
        assert len(laid_out) - before < 5
        lines = screen_text(app).splitlines()
        rows = [line for line in lines if re.search(r"S0000\d\d  plain", line)]
        assert len(rows) == tree.size.height - 2  # below the profile and the group
        assert {len(row) for row in rows} == {SIZE[0] - 30}  # painted at the new width
        assert all(row.endswith("│") for row in rows)
