"""A fnox.toml written by someone else can neither act on the terminal nor be read as markup.

Every test runs the app with a driver that records what it writes (tests/terminal_capture.py),
puts hostile strings in the fields a file, the environment or an AWS answer fills, and checks
that the terminal got none of their escape sequences, C1 controls or bidi overrides, that the
markup in them shows literally, and that no click action came out of it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

from botocore.stub import Stubber
from textual.command import CommandPalette

from fnox_tui.core.clipboard import Clipboard
from fnox_tui.core.model import EffectiveSecret
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.compat import screen_lines, screen_text
from fnox_tui.ui.widgets.secret_tree import ProviderNode, ProvidersGroup, SecretNode
from tests import waiting
from tests.terminal_capture import foreign, recording_driver
from tests.test_ui_values import MemoryClipboard
from tests.ui_fixtures import MakeApp, revealed, secret_key

SIZE = (160, 48)

# What a terminal would obey: set the clipboard, retitle the window, device control and
# application program commands (ESC \ terminated, which Rich keeps), clear the screen, the
# one-byte CSI and OSC, and a right-to-left override.
ESCAPES = (
    "\x1b]52;c;SE9TVElMRQ==\x1b\\"
    "\x1b]2;PWNED\x1b\\"
    "\x1bPq#PWNED\x1b\\"
    "\x1b_Gi=1;PWNED\x1b\\"
    "\x1b[2J"
    "\x9b2J\x9d2;PWNED\x9c"
    "\u202e"
)
# Markup Rich or Textual would read: a style, a click action, closing tags and an open bracket.
MARKUP = "[b]B[/b][@click=app.bell()]C[/][/]["
SHOWN = "[b]B[/b][@click=app.bell()]C"  # how the markup reads on screen when it is literal
CRASHER = 'ops[@click=a("]'  # a profile name that crashed the command palette


def hostile(tag: str) -> str:
    """A field's text: a tag to find it by, markup, then escape sequences."""
    return f"{tag}{MARKUP}{ESCAPES}"


def q(text: str) -> str:
    """``text`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text)


PROVIDER = hostile("prov")
KMS_PROVIDER = hostile("kms")
FIELD_KEY = hostile("fkey")
PROFILE = hostile("prof")
SECRET = hostile("SEC")
KMS_SECRET = hostile("KMSSEC")
AWS_MESSAGE = hostile("aws")

HOSTILE_TOML = f"""
[providers.{q(PROVIDER)}]
type = "plain"
{q(FIELD_KEY)} = {q(hostile("fval"))}

[providers.{q(KMS_PROVIDER)}]
type = "aws-kms"
key_id = {q(hostile("keyid"))}
region = "us-east-1"

[secrets]
{q(SECRET)} = {{ provider = {q(PROVIDER)}, value = {q(hostile("val"))}, description = {q(hostile("desc"))} }}
{q(hostile("DEF"))} = {{ default = {q(hostile("dflt"))} }}
FROM_ENV = {{ description = "from the environment" }}
{q(KMS_SECRET)} = {{ provider = {q(KMS_PROVIDER)}, value = "AQID" }}
{q(hostile("LOST"))} = {{ provider = {q(hostile("nope"))}, value = "x" }}

[profiles.{q(PROFILE)}]
default_provider = {q(PROVIDER)}

[profiles.{q(PROFILE)}.secrets]
{q(hostile("PSEC"))} = {{ value = {q(hostile("pval"))} }}

[profiles.{q(CRASHER)}.secrets]
X = {{ default = "1" }}
"""


# Helpers ----------------------------------------------------------------------------------


class Screens:
    """Every screen seen in a test, checked as it is taken."""

    def __init__(self, app: FnoxTuiApp) -> None:
        self.app = app
        self.texts: list[str] = []

    def take(self) -> str:
        for line in screen_lines(self.app):
            for segment in line:
                meta = segment.style.meta if segment.style is not None else {}
                action = str(meta.get("@click", ""))
                assert "bell" not in action and "screenshot" not in action, (action, line.text)
        text = screen_text(self.app)
        self.texts.append(text)
        return text

    def seen(self, fragment: str) -> bool:
        return any(fragment in text for text in self.texts)


async def until(pilot, condition: Callable[[], bool], what: str) -> None:  # type: ignore[no-untyped-def]
    """Wait, repainting, until ``condition`` holds (a loaded machine only makes it slower)."""
    await waiting.until(pilot, condition, what, 30)


def recorded(app: FnoxTuiApp) -> list[str]:
    written: list[str] = []
    app.driver_class = recording_driver(written)
    return written


def assert_nothing_foreign(written: list[str]) -> None:
    output = "".join(written)
    assert output, "the driver was given nothing: the capture does not work"
    assert foreign(output) == []
    for sequence in ("\x1b]52", "\x1b]2;", "\x1bP", "\x1b_", "\x1b[2J", "\x9b", "\x9d"):
        assert sequence not in output


def hostile_app(make_app: MakeApp, project: Path) -> FnoxTuiApp:
    (project / "fnox.toml").write_text(HOSTILE_TOML, encoding="utf-8")
    app = make_app(environ={"FROM_ENV": hostile("env")})
    assert app.workspace is not None, app.initial_error
    assert SECRET in {s.name for s in app.workspace.profiles["default"].secrets}
    assert "\x1b]52;c;" in SECRET and "\u202e" in SECRET  # the raw characters, not escapes
    return app


def expand_all(app: FnoxTuiApp) -> None:
    tree = app.main.tree
    for node in tree.root.children:
        if hasattr(node.data, "profile"):
            tree.fill(node.data.profile)  # type: ignore[union-attr]
        node.expand()


async def move_to(pilot, app: FnoxTuiApp, wanted: Callable[[object], bool]) -> None:  # type: ignore[no-untyped-def]
    """Open every branch and put the cursor on the first row ``wanted`` accepts."""
    expand_all(app)
    await pilot.pause()
    tree = app.main.tree
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and wanted(node.data):
            tree.move_cursor(node)
            app.main.flush_details()
            return
    raise AssertionError("no such node in the tree")


class GatedResolver:
    """Resolves through the real resolver once the test opens the gate."""

    def __init__(self, app: FnoxTuiApp) -> None:
        self.real = app.controller.resolver
        self.gate = threading.Event()

    def resolve(self, secret: EffectiveSecret) -> str:
        assert self.gate.wait(30)
        return self.real.resolve(secret)

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)  # everything else (checks, references) as the real one


# One case each ----------------------------------------------------------------------------


OSC52_PROVIDER = "plain\x1b]52;c;SE9TVElMRQ==\x1b\\"  # sets the clipboard to "HOSTILE"
TITLE_KEY = "key\x1b]2;PWNED\x1b\\"  # retitles the window


def write_config(project: Path, toml: str) -> None:
    (project / "fnox.toml").write_text(toml, encoding="utf-8")


async def test_a_provider_name_never_reaches_the_terminal_from_the_providers_details(
    make_app: MakeApp, project: Path
) -> None:
    write_config(project, f'[providers.{q(OSC52_PROVIDER)}]\ntype = "plain"\n')
    app = make_app()
    written = recorded(app)
    async with app.run_test(headless=False, size=SIZE) as pilot:
        screens = Screens(app)
        await pilot.pause()
        await move_to(pilot, app, lambda data: isinstance(data, ProvidersGroup))
        await pilot.pause()
        assert "plain␛]52;c;SE9TVElMRQ==␛\\" in screens.take()  # the details' label column
    assert_nothing_foreign(written)


async def test_a_provider_field_key_never_reaches_the_terminal_from_its_details(
    make_app: MakeApp, project: Path
) -> None:
    write_config(project, f'[providers.plain]\ntype = "plain"\n{q(TITLE_KEY)} = "x"\n')
    app = make_app()
    written = recorded(app)
    async with app.run_test(headless=False, size=SIZE) as pilot:
        screens = Screens(app)
        await pilot.pause()
        await move_to(pilot, app, lambda data: isinstance(data, ProviderNode))
        await pilot.pause()
        assert "key␛]2;PWNED␛\\" in screens.take()
    assert_nothing_foreign(written)


async def test_details_labels_are_never_read_as_markup(make_app: MakeApp, project: Path) -> None:
    app = hostile_app(make_app, project)
    written = recorded(app)
    async with app.run_test(headless=False, size=SIZE) as pilot:
        screens = Screens(app)
        await pilot.pause()
        await move_to(pilot, app, lambda data: isinstance(data, ProvidersGroup))
        await pilot.pause()
        assert f"prov{SHOWN}" in screens.take()
        await move_to(
            pilot,
            app,
            lambda data: isinstance(data, ProviderNode) and data.provider.name == PROVIDER,
        )
        await pilot.pause()
        text = screens.take()
        assert "fkey[b]B[/b][@click=app." in text  # a long label folds; this is its first line
        assert f"fval{SHOWN}" in text
    assert_nothing_foreign(written)


async def test_the_revealing_status_line_shows_the_profile_literally(
    make_app: MakeApp, project: Path
) -> None:
    app = hostile_app(make_app, project)
    written = recorded(app)
    async with app.run_test(headless=False, size=SIZE) as pilot:
        screens = Screens(app)
        await pilot.pause()
        resolver = GatedResolver(app)
        app.controller.resolver = resolver  # type: ignore[assignment]
        app.main.tree.jump_to_profile(PROFILE)
        await until(pilot, lambda: app.main.tree.cursor_line > 0, "the cursor on the profile")
        await pilot.press("V")
        await until(pilot, lambda: bool(app.main.status_bar.progress), "the progress")
        await pilot.pause()
        assert f"Revealing prof{SHOWN}" in screens.take()
        resolver.gate.set()
        await app.workers.wait_for_complete()
        await until(pilot, lambda: not app.main.status_bar.progress, "the end of the progress")
    assert_nothing_foreign(written)


async def test_the_command_palette_opens_with_a_markup_profile_name(
    make_app: MakeApp, project: Path
) -> None:
    app = hostile_app(make_app, project)
    written = recorded(app)
    async with app.run_test(headless=False, size=SIZE) as pilot:
        screens = Screens(app)
        await pilot.pause()
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"go to profile")  # the hits, however many other commands there are
        await until(pilot, lambda: CRASHER in screen_text(app), "the profile hits")
        assert f"Go to profile {CRASHER}" in screens.take()
        assert f"Go to profile prof{SHOWN}" in screens.texts[-1]
    assert_nothing_foreign(written)


async def test_a_palette_hit_runs_its_command_not_markup_from_the_name(
    make_app: MakeApp, project: Path, tmp_path: Path
) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    name = f"[@click=app.screenshot('pwned.svg','{shots}')]X[/]"
    (project / "fnox.toml").write_text(
        f'[providers]\nplain = {{ type = "plain" }}\n[secrets]\n'
        f'{q(name)} = {{ provider = "plain", value = "v", description = "d" }}\n'
        f'OTHER = {{ default = "1" }}\n{q(hostile("SEC"))} = {{ default = "1" }}\n',
        encoding="utf-8",
    )
    app = make_app()
    written = recorded(app)
    async with app.run_test(headless=False, size=SIZE) as pilot:
        screens = Screens(app)
        await pilot.pause()
        await pilot.press("ctrl+p", *"pwned")
        await until(pilot, lambda: "Go to secret" in screen_text(app), "the secret hit")
        text = screens.take()
        assert f"{name}  (default)" in text  # the title, literal
        assert f"Go to secret {name} in profile default" in text  # the help line, literal
        await pilot.press(*(["backspace"] * 5), *"SEC")
        await until(pilot, lambda: "Go to secret SEC" in screen_text(app), "the hostile hit")
        assert f"Go to secret SEC{SHOWN}" in screens.take()
        await pilot.press(*(["backspace"] * 3), *"pwned")
        await until(pilot, lambda: f"{name}  (default)" in screen_text(app), "the hit again")
        row = next(y for y, line in enumerate(screens.take().split("\n")) if "]X[/]  (" in line)
        column = screens.texts[-1].split("\n")[row].index("]X[/]  (") + 1
        await pilot.click(offset=(column, row))  # on the "X" markup would make clickable
        await until(pilot, lambda: app.screen is app.main, "the palette to close")
        await until(
            pilot,
            lambda: isinstance(app.main.tree.cursor_node.data, SecretNode),  # type: ignore[union-attr]
            "the jump to the secret",
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        node = app.main.tree.cursor_node
        assert node is not None and isinstance(node.data, SecretNode)
        assert node.data.secret.name == name
    assert list(shots.iterdir()) == []
    assert_nothing_foreign(written)


async def test_ctrl_c_says_which_keys_quit_in_plain_words(make_app: MakeApp) -> None:
    app = make_app()
    written = recorded(app)
    async with app.run_test(headless=False, size=SIZE, notifications=True) as pilot:
        screens = Screens(app)
        await pilot.pause()
        await pilot.press("ctrl+c")
        await until(pilot, lambda: "to quit the app" in screen_text(app), "the notice")
        text = screens.take()
        assert "[b]" not in text and "[/b]" not in text
        line = next(line for line in text.split("\n") if "to quit the app" in line)
        assert "Press q" in line or "Press ctrl+q" in line
    assert_nothing_foreign(written)


async def test_the_screenshot_notice_is_plain_words(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    written = recorded(app)
    async with app.run_test(headless=False, size=SIZE, notifications=True) as pilot:
        screens = Screens(app)
        await pilot.pause()
        app.deliver_screenshot("shot.svg", str(tmp_path))
        await until(pilot, lambda: "Saved screenshot to" in screen_text(app), "the notice")
        assert "[$" not in screens.take()
        assert (tmp_path / "shot.svg").exists()
    assert_nothing_foreign(written)


# Every screen, panel, palette, notification and status line ------------------------------


def stub_kms(app: FnoxTuiApp) -> Stubber:
    """The KMS provider's client answers with hostile errors and key metadata."""
    assert app.workspace is not None
    definition = next(p for p in app.workspace.providers if p.type == "aws-kms")
    client = app.registry.get(definition).client()  # type: ignore[attr-defined]
    stubber = Stubber(client)
    stubber.add_client_error(
        "decrypt",
        service_error_code=hostile("Code"),
        service_message=AWS_MESSAGE,
        http_status_code=400,
    )
    stubber.add_response(
        "describe_key",
        {
            "KeyMetadata": {
                "KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab",
                "Arn": hostile("arn:"),
                "Description": hostile("kdesc"),
                "KeyState": "Enabled",
                "KeySpec": "SYMMETRIC_DEFAULT",
                "KeyUsage": "ENCRYPT_DECRYPT",
            }
        },
    )
    stubber.add_client_error(
        "get_key_rotation_status",
        service_error_code=hostile("RotCode"),
        service_message=hostile("rot"),
        http_status_code=400,
    )
    stubber.activate()
    return stubber


async def walk_tree(app: FnoxTuiApp, pilot, screens: Screens) -> None:  # type: ignore[no-untyped-def]
    """Open every branch, then put the cursor on every row and look at the screen."""
    tree = app.main.tree
    expand_all(app)
    await pilot.pause()
    for line in range(tree.last_line + 1):
        tree.cursor_line = line
        app.main.flush_details()
        await pilot.pause()
        screens.take()


async def press_and_look(
    pilot,  # type: ignore[no-untyped-def]
    screens: Screens,
    keys: list[str],
    ready: Callable[[], bool],
    what: str,
    then: Callable[[], Awaitable[None]] | None = None,
) -> None:
    await pilot.press(*keys)
    await until(pilot, ready, what)
    await pilot.pause()
    screens.take()
    if then is not None:
        await then()


async def test_every_screen_shows_hostile_strings_literally_and_sends_none_raw(
    make_app: MakeApp, project: Path, aws_env: dict[str, str]
) -> None:
    app = hostile_app(make_app, project)
    written = recorded(app)
    async with app.run_test(headless=False, size=SIZE, notifications=True) as pilot:
        screens = Screens(app)
        await pilot.pause()
        app.clip = Clipboard(system=MemoryClipboard(), timeout=60)
        app.plain_clip = Clipboard(system=MemoryClipboard(), timeout=0)
        stubber = stub_kms(app)
        main = app.main
        workspace = app.workspace
        assert workspace is not None

        # The tree, the header, the status line and the details of every row, values hidden.
        await walk_tree(app, pilot, screens)

        # `V` on every profile (the status line names the profile while it resolves), then
        # every row again with its value, error (the KMS answer) or resolved environment.
        for profile in [*workspace.profiles][::-1]:
            resolver = GatedResolver(app)
            app.controller.resolver = resolver  # type: ignore[assignment]
            main.tree.jump_to_profile(profile)
            await until(pilot, lambda p=profile: _on_profile(app, p), "the cursor on the profile")
            await press_and_look(
                pilot, screens, ["V"], lambda: bool(main.status_bar.progress), "the progress"
            )
            resolver.gate.set()
            await app.workers.wait_for_complete()
            await until(pilot, lambda: not app.values.pending, "every value")
        await walk_tree(app, pilot, screens)
        assert revealed(app, "default", SECRET) == hostile("val")  # the value is intact
        assert revealed(app, "default", "FROM_ENV") == hostile("env")
        assert secret_key(app, "default", KMS_SECRET) in app.values.failures

        # `t` on the KMS provider (an AWS answer with hostile metadata), `c` and `y`.
        await move_to(
            pilot, app, lambda d: isinstance(d, ProviderNode) and d.provider.name == KMS_PROVIDER
        )
        await press_and_look(
            pilot,
            screens,
            ["t"],
            lambda: bool(app.values.checks),
            "the check",
            app.workers.wait_for_complete,
        )
        main.flush_details()
        await pilot.pause()
        screens.take()
        stubber.assert_no_pending_responses()
        main.tree.jump_to_secret("default", SECRET)
        await until(pilot, lambda: _on_secret(app, SECRET), "the cursor on the secret")
        await press_and_look(
            pilot, screens, ["c"], lambda: "SEC" in screen_text(app), "the copy notice"
        )
        main.tree.jump_to_secret("default", KMS_SECRET)
        await until(pilot, lambda: _on_secret(app, KMS_SECRET), "the cursor on the KMS secret")
        await press_and_look(
            pilot, screens, ["v", "v"], lambda: bool(app.values.failures), "the KMS error"
        )

        # The problems panel, the profile picker, the help.
        for key, screen_name in (
            ("p", "ProblemsScreen"),
            ("P", "ProfilePicker"),
            ("?", "HelpScreen"),
        ):
            await press_and_look(
                pilot,
                screens,
                [key],
                lambda n=screen_name: type(app.screen).__name__ == n,
                screen_name,
            )
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is main, "the main screen")

        # The command palette: the profiles it lists, then secrets found by a query.
        await press_and_look(
            pilot, screens, ["ctrl+p"], lambda: isinstance(app.screen, CommandPalette), "palette"
        )
        await press_and_look(
            pilot, screens, list("go to profile"), lambda: CRASHER in screen_text(app), "profiles"
        )
        await pilot.press(*["backspace"] * len("go to profile"))
        await press_and_look(
            pilot, screens, list("SEC"), lambda: "Go to secret SEC" in screen_text(app), "hits"
        )
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main, "the main screen")

        # ctrl+c, then a reload into a broken file: the error screen quotes the line.
        await press_and_look(
            pilot, screens, ["ctrl+c"], lambda: "to quit" in screen_text(app), "the notice"
        )
        (project / "fnox.toml").write_text(
            f"{q(hostile('BROKEN'))} = = {q(hostile('line'))}\n", encoding="utf-8"
        )
        await press_and_look(
            pilot,
            screens,
            ["r"],
            lambda: type(app.screen).__name__ == "ErrorScreen",
            "the error screen",
        )

    for fragment in (
        f"prov{SHOWN}",  # provider names: tree, Providers details, secret details
        f"fkey{SHOWN}",  # a provider field key
        f"fval{SHOWN}",
        f"kms{SHOWN}",
        f"keyid{SHOWN}",
        f"prof{SHOWN}",  # a profile name: tree, details, picker, palette
        f"Revealing prof{SHOWN}",  # the status line
        f"Go to profile {CRASHER}",
        f"SEC{SHOWN}",  # secret names: tree, details, palette, notifications
        f"Go to secret SEC{SHOWN}",  # the palette's help line
        f"desc{SHOWN}",  # descriptions
        f"val{SHOWN}",  # values (plain provider)
        f"pval{SHOWN}",
        f"dflt{SHOWN}",  # defaults
        f"env{SHOWN}",  # a value from the environment
        f"aws{SHOWN}",  # an AWS error message
        f"kdesc{SHOWN}",  # an AWS answer: the key's description
        f"nope{SHOWN}",  # a missing provider, named in a problem and an error
        "␛]52;c;SE9TVElMRQ==␛\\",  # escape sequences, as symbols
        "\\x9b2J\\x9d2;PWNED\\x9c",
        "\\u202e",
        f"BROKEN{SHOWN}",  # the error screen's excerpt of the file
        "to quit the app",
    ):
        assert screens.seen(fragment), fragment
    assert_nothing_foreign(written)


def _on_profile(app: FnoxTuiApp, profile: str) -> bool:
    node = app.main.tree.cursor_node
    return node is not None and getattr(node.data, "profile", None) == profile


def _on_secret(app: FnoxTuiApp, name: str) -> bool:
    node = app.main.tree.cursor_node
    return node is not None and isinstance(node.data, SecretNode) and node.data.secret.name == name
