"""Pilot tests of the profile matrix (`x`): cells, cursor, values, filter and the details pane."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input, Static

from fnox_tui.core.clipboard import Clipboard
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.screens.help import HelpScreen
from fnox_tui.ui.widgets.matrix import SecretMatrix
from fnox_tui.ui.widgets.matrix_cells import fit_cell_width, legend_lines
from fnox_tui.ui.widgets.secret_tree import ProfileNode, SecretNode
from tests import waiting
from tests.test_ui_main import SIZE, details_text, plain, statics_text
from tests.test_ui_values import MemoryClipboard, notifications
from tests.ui_fixtures import MakeApp, revealed

SMALL = (80, 24)
NAMES = ("API_TOKEN", "DATABASE_URL", "HOME_DIR", "LOG_LEVEL", "PROD_FLAG", "STAGING_ONLY")
VALUES = ("postgres://db/app", "postgres://staging/app", "postgres://prod/app", "tok-123")


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until ``condition`` holds, the workers done between two looks."""
    await waiting.until(pilot, condition, seconds=timeout, each=pilot.app.workers.wait_for_complete)


async def open_matrix(app: FnoxTuiApp, pilot: Pilot, *keys: str) -> SecretMatrix:
    await pilot.pause()
    await pilot.press(*keys, "x")
    await until(pilot, lambda: app.main.matrix is not None)
    matrix = app.main.matrix
    assert matrix is not None
    return matrix


def shown(app: FnoxTuiApp) -> set[tuple[str, str]]:
    """(profile, name) of every revealed value."""
    keys = app.plaintext.keys()
    return {(key.profile, key.name) for key in keys}  # type: ignore[attr-defined]


def cursor(matrix: SecretMatrix) -> tuple[str, str]:
    cell = matrix.cursor_cell
    assert cell is not None
    return (cell.profile, cell.name)


def cell(matrix: SecretMatrix, profile: str, name: str) -> str:
    text = matrix.cell_text_at(name, profile)
    assert text is not None, (profile, name)
    return text.plain


def extra_text(app: FnoxTuiApp) -> str:
    """The section below the details: the highlighted matrix row across profiles."""
    app.main.flush_details()
    extra = app.main.query_one("#details-extra", Static)
    return plain(extra.content) if extra.display else ""


def first_command(app: FnoxTuiApp) -> str:
    """The first entry the command palette lists now."""
    commands = app.screen.query(CommandList)
    if not commands or not commands.first().option_count:
        return ""
    return str(commands.first().get_option_at_index(0).prompt)


def screen_lines(matrix: SecretMatrix) -> list[str]:
    return [matrix.render_line(y).text for y in range(matrix.scrollable_content_region.height)]


async def test_x_switches_between_the_tree_and_the_matrix_on_the_same_secret(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot, "j")  # default's DATABASE_URL in the tree
        assert not app.main.tree.display and matrix.has_focus
        assert matrix.matrix is not None and matrix.matrix.names == NAMES
        assert matrix.matrix.profiles == ("default", "staging", "production")
        assert cursor(matrix) == ("default", "DATABASE_URL")
        await pilot.press("l", "l", "j", "j", "j")
        assert cursor(matrix) == ("production", "PROD_FLAG")
        await pilot.press("x")
        await until(pilot, lambda: app.main.matrix is None)
        assert app.main.tree.display and app.main.tree.has_focus
        await until(pilot, lambda: isinstance(app.main.tree.cursor_node.data, SecretNode))  # type: ignore[union-attr]
        data = app.main.tree.cursor_node.data  # type: ignore[union-attr]
        assert isinstance(data, SecretNode) and (data.secret.profile, data.secret.name) == (
            "production",
            "PROD_FLAG",
        )
        # From a profile row, the matrix opens in that profile's column.
        app.main.tree.jump_to_profile("staging")
        await until(pilot, lambda: isinstance(app.main.tree.cursor_node.data, ProfileNode))  # type: ignore[union-attr]
        await pilot.press("x")
        await until(pilot, lambda: app.main.matrix is not None)
        assert cursor(matrix)[0] == "staging"


async def test_cells_say_defined_inherited_overriding_or_missing_with_the_provider(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot)
        assert cell(matrix, "default", "API_TOKEN") == "■ plain ••••••"
        assert cell(matrix, "staging", "API_TOKEN") == "↑ plain ••••••"
        assert cell(matrix, "staging", "DATABASE_URL") == "● plain ••••••"
        assert cell(matrix, "production", "DATABASE_URL") == "● plain ••••••"
        assert cell(matrix, "default", "LOG_LEVEL") == "■ default ••••••"
        assert cell(matrix, "staging", "HOME_DIR") == "↑ env var ••••••"
        assert cell(matrix, "default", "PROD_FLAG") == "— missing"
        lines = screen_lines(matrix)
        assert lines[0].split() == ["6", "secrets", "default", "★", "staging", "production"]
        assert lines[1].split()[:4] == ["API_TOKEN", "■", "plain", "••••••"]
        legend = app.main.query_one("#matrix-legend", Static)
        assert "≠ differs from the rest" in plain(legend.render())


async def test_the_cursor_moves_across_cells_and_the_details_follow(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot)
        assert cursor(matrix) == ("default", "API_TOKEN")
        await pilot.press("right", "down")
        assert cursor(matrix) == ("staging", "DATABASE_URL")
        text = details_text(app)
        assert "DATABASE_URL" in text and "staging (defined here, overriding" in text
        assert "fnox.toml:16" in text and "postgres://staging/app" not in text
        across = extra_text(app)
        assert "Across profiles" in across
        assert "production" in across and "overrides" in across
        await pilot.press("l", "j", "j", "j", "j")
        assert cursor(matrix) == ("production", "STAGING_ONLY")
        await pilot.press("l", "j")  # at the edges the cursor stays
        assert cursor(matrix) == ("production", "STAGING_ONLY")
        text = details_text(app)
        assert "STAGING_ONLY  missing" in text
        assert "production has no STAGING_ONLY" in text
        assert ["In", "staging"] in [line.split() for line in text.splitlines()]
        assert "production is missing STAGING_ONLY" in extra_text(app)
        await pilot.press("h", "k", "up", "left", "left")
        assert cursor(matrix) == ("default", "LOG_LEVEL")
        await pilot.press("end")
        assert cursor(matrix)[1] == "STAGING_ONLY"
        await pilot.press("home")
        assert cursor(matrix) == ("default", "API_TOKEN")
        assert "API_TOKEN" in details_text(app)


async def test_a_click_moves_the_cursor_to_the_cell(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot)
        header = screen_lines(matrix)[0]
        x = header.index("production")
        offset = matrix.scrollable_content_region.offset - matrix.region.offset
        await pilot.click(matrix, offset=(offset.x + x + 1, offset.y + 3))
        assert cursor(matrix) == ("production", "HOME_DIR")


async def test_v_reveals_and_hides_the_cell_and_c_copies_it(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot)
        app.clip = Clipboard(system=(system := MemoryClipboard()), timeout=60)
        await pilot.press("l", "j", "v")  # staging's DATABASE_URL
        await until(pilot, lambda: revealed(app, "staging", "DATABASE_URL") is not None)
        await until(
            pilot, lambda: cell(matrix, "staging", "DATABASE_URL").startswith("● postgres:")
        )
        assert cell(matrix, "default", "DATABASE_URL") == "■ plain ••••••"
        assert "postgres://staging/app" in details_text(app)
        await pilot.press("c")
        await until(pilot, lambda: system.text == "postgres://staging/app")
        assert "DATABASE_URL" in notifications(app)
        await pilot.press("v")
        await until(pilot, lambda: "••••••" in cell(matrix, "staging", "DATABASE_URL"))
        assert revealed(app, "staging", "DATABASE_URL") is None
        assert "postgres://staging/app" not in details_text(app)
        # c on a cell never revealed resolves it first.
        await pilot.press("l", "c")
        await until(pilot, lambda: system.text == "postgres://prod/app")


async def test_v_and_c_on_a_missing_cell_say_so(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot)
        matrix.jump("default", "PROD_FLAG")
        await pilot.press("v", "c")
        await pilot.pause()
        assert "default is missing PROD_FLAG: nothing to reveal" in notifications(app)
        assert "default is missing PROD_FLAG: nothing to copy" in notifications(app)
        assert len(app.plaintext) == 0 and not app.values.pending


async def test_V_reveals_and_hides_the_column_profile(make_app: MakeApp) -> None:
    app = make_app(environ={"HOME_DIR": "/home/someone"})
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot)
        matrix.jump("staging", "PROD_FLAG")  # a missing cell: its column is still staging's
        await pilot.press("V")
        staging = {("staging", name) for name in NAMES if name != "PROD_FLAG"}
        await until(pilot, lambda: shown(app) == staging)
        await until(pilot, lambda: cell(matrix, "staging", "HOME_DIR").startswith("↑ /home/"))
        assert cell(matrix, "staging", "API_TOKEN") == "↑ tok-123"
        assert "tok-123" not in cell(matrix, "default", "API_TOKEN")
        await pilot.press("V")
        await until(pilot, lambda: len(app.plaintext) == 0)
        assert cell(matrix, "staging", "API_TOKEN") == "↑ plain ••••••"


async def test_equality_shows_only_after_reveal_and_never_holds_a_value(
    make_app: MakeApp,
) -> None:
    app = make_app(environ={"HOME_DIR": "/home/someone"})
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot)
        matrix.jump("default", "API_TOKEN")
        before = extra_text(app)
        assert "same" not in before and "differs" not in before
        assert "Reveal it in two profiles or more" in before
        for profile in ("default", "staging", "production"):
            matrix.jump(profile)
            await pilot.press("V")
            await until(pilot, lambda: not app.values.pending)
        await until(pilot, lambda: len(app.plaintext) == 4 + 5 + 5)
        # API_TOKEN is inherited: one definition, equal everywhere.
        assert cell(matrix, "default", "API_TOKEN").startswith("■ =staging+1 to")
        assert cell(matrix, "production", "API_TOKEN").startswith("↑ =default+1 to")
        matrix.jump("default", "API_TOKEN")
        assert "API_TOKEN is the same in default, staging and production" in extra_text(app)
        # DATABASE_URL differs in every profile.
        assert cell(matrix, "staging", "DATABASE_URL").startswith("● ≠ postgres:")
        matrix.jump("production", "DATABASE_URL")
        sentences = extra_text(app)
        assert "staging's DATABASE_URL differs from default's" in sentences
        assert "production's DATABASE_URL differs from default's and staging's" in sentences
        matrix.jump("staging", "STAGING_ONLY")
        assert "default is missing STAGING_ONLY" in extra_text(app)
        for name in NAMES:
            matrix.jump(name=name)
            across = extra_text(app)
            assert across and not any(value in across for value in VALUES)
            assert "tok-123" not in across and "info" not in across.split()
        # Hidden again: the markers and sentences go with the values.
        app.hide_all()
        await until(pilot, lambda: "=" not in cell(matrix, "default", "API_TOKEN"))
        assert cell(matrix, "default", "API_TOKEN") == "■ plain ••••••"
        matrix.jump("default", "DATABASE_URL")
        assert "differs" not in extra_text(app)


async def test_slash_filters_rows_by_name_and_esc_restores_them(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot)
        await pilot.press("slash", "f", "l", "a", "g")
        field = app.main.query_one("#filter", Input)
        assert field.has_focus and field.value == "flag"
        await pilot.press("enter")
        await until(
            pilot, lambda: matrix.matrix is not None and matrix.matrix.names == ("PROD_FLAG",)
        )
        assert matrix.has_focus and cursor(matrix)[1] == "PROD_FLAG"
        assert matrix.matrix.highlights["PROD_FLAG"] == (5, 6, 7, 8)  # type: ignore[union-attr]
        assert "PROD_FLAG" in details_text(app)
        assert "filter 'flag'" in app.main.status_bar.summary
        await pilot.press("escape")
        await until(pilot, lambda: matrix.matrix is not None and matrix.matrix.names == NAMES)
        assert matrix.has_focus and not field.display
        # The tree behind follows the same filter, so x shows the same secrets.
        await pilot.press("slash", "d", "b", "enter")
        await until(pilot, lambda: matrix.matrix.names == ("DATABASE_URL",))  # type: ignore[union-attr]
        await pilot.press("x")
        await pilot.pause()
        assert [s.name for s in app.main.tree.secret_nodes("staging")] == ["DATABASE_URL"]


async def test_esc_after_a_filter_keeps_the_highlighted_cell(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot)
        await pilot.press("slash", "o", "enter")
        await until(pilot, lambda: matrix.matrix is not None and len(matrix.matrix.names) > 2)
        assert matrix.matrix is not None and matrix.matrix.names != NAMES
        await pilot.press("l", "j", "j")
        await pilot.pause()
        here = cursor(matrix)
        assert here[1] != matrix.matrix.names[0]
        await pilot.press("escape")
        await until(pilot, lambda: matrix.matrix is not None and matrix.matrix.names == NAMES)
        await pilot.pause()
        assert cursor(matrix) == here
        assert here[1] in details_text(app)


async def test_three_profiles_fit_side_by_side_at_120_columns(
    make_app: MakeApp, project: Path
) -> None:
    # The demo's shape: names up to 21 characters, three profiles. Beside the details pane,
    # the matrix must show every profile at once, not scroll one of the three away.
    (project / "fnox.toml").write_text(
        '[secrets]\nSTRIPE_WEBHOOK_SECRET = { default = "a" }\nLOG_LEVEL = { default = "b" }\n'
        '[profiles.staging.secrets]\nLOG_LEVEL = { default = "c" }\n'
        '[profiles.production.secrets]\nLOG_LEVEL = { default = "d" }\n'
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot)
        await pilot.press("l", "l")
        await pilot.pause()
        assert cursor(matrix)[0] == "production"
        header = screen_lines(matrix)[0].split()
        assert header == ["2", "secrets", "default", "★", "staging", "production"]
        assert app.main.query_one("#details").region.width >= 36  # the details stay beside


async def test_names_and_values_are_shown_literally(make_app: MakeApp, project: Path) -> None:
    (project / "fnox.toml").write_text(
        '[providers]\nplain = { type = "plain" }\n[secrets]\n'
        '"[b]ODD\\u001b]0;x\\u0007" = { provider = "plain", value = "a\\u001b[2Jb" }\n'
        '[profiles."[red]qa"]\n'
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot)
        await pilot.press("v")
        await until(pilot, lambda: cell(matrix, "default", "[b]ODD\x1b]0;x\x07") == "■ a␛[2Jb")
        lines = screen_lines(matrix)
        assert "[red]qa" in lines[0]
        assert "[b]ODD␛]0;x␇" in lines[1] and "a␛[2Jb" in lines[1]
        assert not any("\x1b" in line or "\x07" in line for line in lines)
        assert "\x1b" not in extra_text(app) and "[red]qa" in extra_text(app)


async def test_reload_keeps_the_matrix_and_its_cursor(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot)
        matrix.jump("staging", "LOG_LEVEL")
        config = project / "fnox.toml"
        config.write_text(config.read_text() + 'AAA_NEW = { default = "x" }\n')
        rebuilds = matrix.rebuilds
        await pilot.press("r")
        await until(pilot, lambda: matrix.rebuilds > rebuilds)
        assert app.main.matrix is matrix
        assert "AAA_NEW" in matrix.matrix.names  # type: ignore[union-attr]
        assert cursor(matrix) == ("staging", "LOG_LEVEL")


async def test_P_and_the_palette_move_the_matrix_cursor(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        matrix = await open_matrix(app, pilot, "j")
        await pilot.press("P", "down", "down", "enter")
        await until(pilot, lambda: cursor(matrix) == ("production", "DATABASE_URL"))
        assert app.main.matrix is matrix and matrix.has_focus
        app.action_jump_secret("staging", "STAGING_ONLY")
        await until(pilot, lambda: cursor(matrix) == ("staging", "STAGING_ONLY"))


async def test_the_palette_opens_and_closes_the_matrix(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"Profile matrix")
        await until(pilot, lambda: first_command(app).startswith("Profile matrix"))
        await pilot.press("enter")
        await until(pilot, lambda: app.main.matrix is not None)
        await app.action_toggle_matrix()
        await until(pilot, lambda: app.main.matrix is None)


async def test_many_profiles_fit_80_columns_by_scrolling_whole_columns(
    make_app: MakeApp, project: Path
) -> None:
    profiles = "".join(
        f'[profiles.p{n}.secrets]\nS{n} = {{ provider = "plain", value = "v{n}" }}\n'
        for n in range(12)
    )
    (project / "fnox.toml").write_text(
        '[providers]\nplain = { type = "plain" }\n[secrets]\nA = { provider = "plain", value = "a" }\n'
        + profiles
    )
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        matrix = await open_matrix(app, pilot)
        assert matrix.region.right <= 80
        width = matrix.cell_width
        for step in range(12):
            await pilot.press("l")
            assert cursor(matrix)[0] == f"p{step}"
            x = matrix.scroll_offset.x
            assert x % width == 0, (x, width)  # never a sliver of a column
            header = screen_lines(matrix)[0]
            assert f"p{step}" in header.split()  # the cursor's column is in view, whole
            first = x // width  # the first whole column in view
            shown = (matrix.scrollable_content_region.width - matrix._name_width) // width
            at_an_edge = matrix.cursor_column in (first, first + shown - 1)
            assert x == 0 or at_an_edge  # scrolled only as far as needed
        assert screen_lines(matrix)[1].split()[0] == "A"  # the names stay in view
        await pilot.press("h")
        assert cursor(matrix)[0] == "p10"


def test_columns_share_the_width_in_whole_columns() -> None:
    assert fit_cell_width(56, 3) == 18
    assert fit_cell_width(56, 4) == 18
    assert fit_cell_width(60, 2) == 30
    assert fit_cell_width(60, 1) == 36  # never wider than that
    assert fit_cell_width(28, 12) == 28
    assert fit_cell_width(10, 12) == 18  # never narrower than that
    assert fit_cell_width(0, 0) == 18


def test_the_legend_wraps_between_items_only() -> None:
    lines = legend_lines(30).plain.split("\n")
    assert all(len(line) <= 30 for line in lines)
    assert "↑ inherited" in lines[1] or "↑ inherited" in lines[0]
    assert legend_lines(500).plain.count("\n") == 0


def test_the_legend_explains_the_count_after_an_equal_profile() -> None:
    # A cell reads "=staging+2" when its value equals staging's and two more profiles' values.
    legend = legend_lines(200).plain
    assert "=P+n same as P and n more" in legend


async def test_help_and_palette_list_x(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = [line.split() for line in statics_text(app.screen).splitlines()]
        assert any(row[:3] == ["x", "Profile", "matrix:"] for row in rows if row)
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "| `x` |" in readme


async def test_the_matrix_compares_the_demo_values_as_they_are() -> None:
    from fnox_tui.core.demo import DemoEnvironment, sample_plaintexts
    from fnox_tui.core.loader import WorkspaceSource

    with DemoEnvironment(handle_signals=False) as demo:
        source = WorkspaceSource(cwd=demo.workspace)
        app = FnoxTuiApp(source, workspace=source.load())
        async with app.run_test(size=SIZE) as pilot:
            matrix = await open_matrix(app, pilot)
            assert matrix.matrix is not None
            profiles = matrix.matrix.profiles
            for profile in profiles:
                matrix.jump(profile)
                await pilot.press("V")
                await until(pilot, lambda: not app.values.pending, timeout=60)
            samples = {profile: sample_plaintexts(profile) for profile in profiles}
            compared = 0
            for name in matrix.matrix.names:
                comparison = matrix.comparison(name)
                for profile in comparison.revealed:
                    expected = {
                        other
                        for other in comparison.revealed
                        if other != profile and samples[other][name] == samples[profile][name]
                    }
                    assert set(comparison.equal_to(profile)) == expected, (name, profile)
                    compared += 1
                for sentence in comparison.sentences():
                    assert not any(
                        value in sentence
                        for values in samples.values()
                        for value in values.values()
                    )
            assert compared == len(profiles) * len(matrix.matrix.names)  # every cell resolved


async def test_a_value_hidden_in_one_view_is_hidden_in_the_other(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "v")  # default's DATABASE_URL, in the tree
        await until(pilot, lambda: revealed(app, "default", "DATABASE_URL") is not None)
        matrix = await open_matrix(app, pilot)
        assert cell(matrix, "default", "DATABASE_URL").startswith("■ postgres:")
        await pilot.press("v")  # hidden from the matrix
        await until(pilot, lambda: revealed(app, "default", "DATABASE_URL") is None)
        await pilot.press("v")  # shown again, then the tree
        await until(pilot, lambda: revealed(app, "default", "DATABASE_URL") is not None)
        assert matrix.kept_cells > 0
        await pilot.press("x")
        await until(pilot, lambda: app.main.matrix is None)
        assert matrix.kept_cells == 0  # the hidden matrix keeps no value
        await pilot.press("v")  # hidden from the tree
        await until(pilot, lambda: revealed(app, "default", "DATABASE_URL") is None)
        painted = "\n".join(
            app.main.tree.render_line(y).text for y in range(app.main.tree.size.height)
        )
        assert "postgres://db/app" not in painted and "DATABASE_URL" in painted
        await pilot.press("x")
        await until(pilot, lambda: app.main.matrix is not None)
        assert cell(matrix, "default", "DATABASE_URL") == "■ plain ••••••"
