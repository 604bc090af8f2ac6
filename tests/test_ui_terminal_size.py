"""Any terminal size: at 80x24 every row keeps its name, badge and marker, descriptions and
values end in `…` when cut, the details pane moves below the tree, and the footer shows `?`
and `q` whatever else it holds."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from fnox_tui.core.model import EffectiveSecret, Location, Origin, SecretDef
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.compat import screen_text
from fnox_tui.ui.widgets.labels import kind_badge, origin_marker, secret_label
from fnox_tui.ui.widgets.secret_tree import SecretNode
from tests.ui_fixtures import MakeApp

SMALL = (80, 24)
LONG_NAME = "A_VERY_LONG_SECRET_NAME_THAT_NAMES_THE_SERVICE_AND_THE_ENVIRONMENT_IT_IS_FOR"
LONG_DESCRIPTION = "Where the payment service finds its database when it starts in the morning"
EXTRA = f"""
[profiles.production.secrets.{LONG_NAME}]
value = "a-value-long-enough-to-be-cut-somewhere-on-a-small-screen"
description = "{LONG_DESCRIPTION}"
"""


def secret(name: str, origin: Origin = Origin.OVERRIDES, **fields: object) -> EffectiveSecret:
    definition = SecretDef(name, dict(fields), Location(Path("fnox.toml"), 1), "secrets")
    provider = "plain" if "value" in fields else None
    return EffectiveSecret("production", definition, origin, provider, None, "default_provider")


def tree_lines(app: FnoxTuiApp) -> list[str]:
    tree = app.main.tree
    return [tree.render_line(y).text for y in range(tree.scrollable_content_region.height)]


async def test_at_80x24_every_row_shows_its_name_badge_and_marker(
    make_app: MakeApp, project: Path
) -> None:
    with (project / "fnox.toml").open("a") as file:
        file.write(EXTRA)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        tree = app.main.tree
        await pilot.press("h")  # default closed: production's secrets fit the tree's height
        tree.jump_to_profile("production")
        await pilot.pause()
        await pilot.press("V")
        await app.workers.wait_for_complete()
        tree.jump_to_secret("production", LONG_NAME)
        await pilot.pause()
        top = tree.scroll_offset.y
        rows = [
            (line, node.data.secret)
            for y, line in enumerate(tree_lines(app))
            if (node := tree.get_node_at_line(top + y)) is not None
            and isinstance(node.data, SecretNode)
        ]
        assert len(rows) >= 6
        for line, item in rows:
            assert item.name in line or f"{item.name[:20]}" in line
            assert kind_badge(item).plain in line, line
            assert origin_marker(item.origin).plain in line, line
        long_line = next(line for line, item in rows if item.name == LONG_NAME)
        assert "… " in long_line and LONG_NAME not in long_line  # shortened with …
        assert long_line.rstrip().endswith("…")  # the value cut
        assert "↑ inherited" in next(line for line, item in rows if item.name == "API_TOKEN")


def test_a_row_fits_its_width_and_cuts_value_and_description_with_an_ellipsis() -> None:
    item = secret("DATABASE_URL", value="postgres://db/app", description=LONG_DESCRIPTION)
    value = Text("postgres://db/app", style="green")
    whole = secret_label(item, value)
    assert whole.plain.startswith("DATABASE_URL  plain  ● overrides  postgres://db/app  Where")
    for width in (40, 50, 60, 72):
        row = secret_label(item, value, width=width)
        assert row.cell_len <= width
        assert row.plain.startswith("DATABASE_URL  plain  ● overrides  ")
        if row.cell_len < whole.cell_len:
            assert row.plain.endswith("…"), row.plain  # the value or the description, cut
    assert "Where" not in secret_label(item, value, width=40).plain  # no room: left out
    long = secret(LONG_NAME, Origin.INHERITED, default="x")
    row = secret_label(long, width=50)
    assert row.cell_len <= 50
    assert "default  ↑ inherited  ••••••" in row.plain
    assert row.plain.split("  ")[0].endswith("…")


def test_the_badge_of_a_default_provider_is_its_name_and_env_var_is_not_red() -> None:
    implicit = secret("DB", value="x")
    assert kind_badge(implicit).plain == "plain"  # not the cryptic `value→plain`
    env = kind_badge(secret("HOME_DIR", Origin.DEFINED))
    assert env.plain == "env var"
    assert "red" not in str(env.style) and "magenta" not in str(env.style)  # magenta draws red


async def test_below_100_columns_the_details_go_below_the_tree(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        tree, pane = app.main.tree, app.main.query_one("#details")
        assert pane.region.y >= tree.region.bottom
        assert tree.region.width >= 78 and pane.region.width >= 78
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert pane.region.x >= tree.region.right and pane.region.y == tree.region.y


async def test_the_footer_always_shows_help_and_quit(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "? Help" in footer and "q Quit" in footer, footer
        assert footer.rstrip().endswith("^p palette"), footer  # no stray letter at the edge
        await pilot.press("x")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "? Help" in footer and "q Quit" in footer, footer


async def test_help_says_what_a_rows_parts_mean(make_app: MakeApp) -> None:
    from fnox_tui.ui.screens.help import HelpScreen
    from tests.test_ui_main import statics_text

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = statics_text(app.screen)
        assert "plain when the profile's default" in text
        assert "○ not set" in text and "↑ inherited" in text and "● overrides" in text
