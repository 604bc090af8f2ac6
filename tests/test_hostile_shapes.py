"""Hostile shapes and sizes: huge strings, deep nesting, byte order marks, unreadable directories.

Speed is measured in benchmarks/ (bench_first_paint.py --hostile); these tests check what can be
checked without a clock: memory against the file's size, errors with file and line, and files
loading as fnox loads them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fnox_tui.core.configfile import read_config_file
from fnox_tui.core.errors import ConfigReadError, ConfigSyntaxError
from fnox_tui.core.keyscan import MAX_KEY_PARTS, MAX_NESTING, scan_keys, split_key_path
from fnox_tui.core.loader import load_workspace
from fnox_tui.core.model import Severity
from fnox_tui.ui.screens.error import ErrorScreen, error_text
from tests.test_ui_main import SIZE, statics_text
from tests.tree import isolated_environ, write_tree
from tests.ui_fixtures import MakeApp

REPO = Path(__file__).resolve().parent.parent

# --- memory: a file of one long string ------------------------------------------------------

MEMORY_PROBE = """
import json, sys, tracemalloc
from pathlib import Path
from fnox_tui.core.loader import load_workspace
import rtoml  # imported before the baseline is taken, as load_workspace would

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024

path = Path(sys.argv[1])
environ = {"HOME": sys.argv[2], "FNOX_CONFIG_DIR": sys.argv[2]}
with open("/proc/self/clear_refs", "w") as reset:
    reset.write("5")  # the peak resident size (VmHWM) starts again from here
before = status("VmRSS")
tracemalloc.start()
workspace = load_workspace(path.parent, environ=environ)
_, peak = tracemalloc.get_traced_memory()
grown = status("VmHWM") - before
value = workspace.profiles["default"].secrets[0].definition.fields["value"]
print(json.dumps({"peak": peak, "rss": grown, "value": len(value)}))
"""


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("a" * 5_000_000, id="plain"),
        pytest.param("ab\\n" * 1_250_000, id="escapes"),
    ],
)
def test_a_file_of_one_long_string_loads_within_three_times_its_size(
    tmp_path: Path, body: str
) -> None:
    """Peak memory of the load, in a child process, <= 3 x the file + 8 MB: Python's heap
    (tracemalloc) and the whole process (peak RSS, which counts the parser's own buffers)."""
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("needs Linux's /proc/self/clear_refs to measure the peak resident size")
    config = tmp_path / "project" / "fnox.toml"
    write_tree(config.parent, {"fnox.toml": '[providers]\nplain = { type = "plain" }\n'})
    with config.open("a", encoding="utf-8") as out:
        out.write(f'[secrets]\nBIG = {{ provider = "plain", value = "{body}" }}\n')
    size = config.stat().st_size
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(config), str(tmp_path / "home")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
        check=True,
    )
    measured = json.loads(result.stdout)
    assert measured["value"] == len(body.replace("\\n", "\n"))
    assert measured["peak"] <= 3 * size + 8_000_000, f"heap {measured['peak'] / size:.1f}x"
    assert measured["rss"] <= 3 * size + 8_000_000, f"RSS {measured['rss'] / size:.1f}x the file"


# --- deep nesting --------------------------------------------------------------------------

DEEP_ARRAY = '[secrets]\nA = { default = "a" }\n\n[mcp]\nx = ' + "[" * 5000 + "]" * 5000 + "\n"
DEEP_TABLE = '[secrets]\nA = { default = "a" }\n\n[mcp]\nx = ' + "{ a = " * 5000 + "1" + " }" * 5000


@pytest.mark.parametrize(
    ("text", "column"),
    [
        # fnox points at the opening bracket one level past its limit of 80.
        pytest.param(DEEP_ARRAY, len("x = ") + MAX_NESTING + 1, id="arrays"),
        pytest.param(DEEP_TABLE, len("x = ") + len("{ a = ") * MAX_NESTING + 1, id="tables"),
    ],
)
def test_deep_nesting_is_a_syntax_error_at_its_line(tmp_path: Path, text: str, column: int) -> None:
    config = tmp_path / "fnox.toml"
    config.write_text(text)
    with pytest.raises(ConfigSyntaxError) as raised:
        read_config_file(config)
    assert (raised.value.path, raised.value.line, raised.value.column) == (config, 5, column)
    assert "recurse" in raised.value.reason or "nested" in raised.value.reason


def test_a_key_of_thousands_of_parts_is_a_syntax_error_at_its_line(tmp_path: Path) -> None:
    config = tmp_path / "fnox.toml"
    config.write_text('[secrets]\nA = { default = "a" }\n[mcp]\n' + "a." * 3000 + "b = 1\n")
    with pytest.raises(ConfigSyntaxError) as raised:
        read_config_file(config)
    assert (raised.value.line, raised.value.column) == (4, 1)
    assert "nested too deeply" in raised.value.reason


def test_the_scanner_finds_where_nesting_goes_too_deep() -> None:
    assert scan_keys("x = " + "[" * MAX_NESTING + "]" * MAX_NESTING).too_deep is None
    assert scan_keys("a = 1\nx = [\n" + "[" * MAX_NESTING).too_deep == (3, MAX_NESTING)
    parts = ".".join(["k"] * (MAX_KEY_PARTS + 1))
    assert scan_keys(f"a = 1\n[{parts}]\n").too_deep == (2, 2)
    assert scan_keys(f"[t]\n{parts} = 1\n").too_deep == (2, 1)
    assert scan_keys("[t]\n" + ".".join(["k"] * MAX_KEY_PARTS) + " = 1\n").too_deep is None


async def test_deep_nesting_opens_the_error_screen_at_start_and_on_reload(
    make_app: MakeApp, project: Path
) -> None:
    config = project / "fnox.toml"
    good = config.read_text()
    config.write_text(DEEP_ARRAY)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        message = statics_text(app.screen)
        assert "Cannot load fnox.toml" in message and "line 5, column 85" in message
        config.write_text(good)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is app.main
        config.write_text(DEEP_TABLE)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "line 5, column" in statics_text(app.screen)


def test_the_error_excerpt_of_a_huge_line_shows_the_part_around_the_column(
    tmp_path: Path,
) -> None:
    config = tmp_path / "fnox.toml"
    config.write_text('[secrets]\nA = { value = "' + "x" * 1_000_000 + '" oops }\n')
    with pytest.raises(ConfigSyntaxError) as raised:
        read_config_file(config)
    lines = error_text(raised.value).plain.splitlines()
    excerpt, caret = lines[-2], lines[-1]
    assert len(excerpt) < 200
    assert excerpt.startswith("2 │ …") and "oops" in excerpt
    assert excerpt[caret.index("^")] == "o"  # the caret is under the column


# --- byte order mark -----------------------------------------------------------------------

BOM = "\ufeff"


def test_a_file_starting_with_a_byte_order_mark_loads_with_right_lines(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "fnox.toml").write_text(
        BOM + '[providers]\nplain = { type = "plain" }\n\n[secrets]\nA = { default = "a" }\n',
        encoding="utf-8",
    )
    workspace = load_workspace(tmp_path / "p", environ=isolated_environ(tmp_path / "home"))
    (secret,) = workspace.profiles["default"].secrets
    assert secret.definition.location.line == 5
    (provider,) = workspace.providers
    assert (provider.location.line, provider.location.column) == (2, 1)
    assert workspace.problems == []
    # The text kept is the file's, mark included (what a later save compares the file with).
    assert read_config_file(tmp_path / "p" / "fnox.toml").text.startswith(BOM + "[providers]")


def test_a_byte_order_mark_elsewhere_is_an_error_as_in_fnox(tmp_path: Path) -> None:
    config = tmp_path / "fnox.toml"
    config.write_text('[secrets]\nA = { default = "a" }\n' + BOM + 'B = { default = "b" }\n')
    with pytest.raises(ConfigSyntaxError) as raised:
        read_config_file(config)
    assert (raised.value.line, raised.value.column) == (3, 1)
    # Inside strings and comments it is just a character.
    config.write_text(BOM + "# a " + BOM + '\n[secrets]\nA = { default = "x' + BOM + 'y" }\n')
    assert read_config_file(config).data["secrets"]["A"]["default"] == f"x{BOM}y"


def test_the_error_excerpt_of_a_file_with_a_byte_order_mark_puts_the_caret_right(
    tmp_path: Path,
) -> None:
    config = tmp_path / "fnox.toml"
    config.write_text(BOM + "[secrets\n", encoding="utf-8")
    with pytest.raises(ConfigSyntaxError) as raised:
        read_config_file(config)
    excerpt, caret = error_text(raised.value).plain.splitlines()[-2:]
    assert excerpt == "1 │ [secrets"
    assert caret.index("^") == len("1 │ ") + raised.value.column - 1


# --- directories that cannot be searched ---------------------------------------------------


@pytest.fixture
def locked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A directory whose contents cannot be looked at, as for a user without search permission.

    The tests run as root, whom permissions do not stop, so ``os.stat`` is made to fail the way
    the kernel fails it (test_a_real_unsearchable_directory does it for real where it can).
    """
    directory = tmp_path / "locked"
    real_stat = os.stat

    def stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if Path(os.fsdecode(path)).is_relative_to(directory) and Path(path) != directory:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fsdecode(path))  # type: ignore[arg-type]
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    directory.mkdir()
    monkeypatch.setattr(os, "stat", stat)
    return directory


def test_an_import_in_an_unsearchable_directory_is_a_problem_naming_it(
    tmp_path: Path, locked: Path
) -> None:
    target = locked / "shared.toml"
    write_tree(
        tmp_path / "p",
        {"fnox.toml": f'import = ["{target}"]\n[secrets]\nA = {{ default = "a" }}\n'},
    )
    workspace = load_workspace(tmp_path / "p", environ=isolated_environ(tmp_path / "home"))
    assert [s.name for s in workspace.profiles["default"].secrets] == ["A"]
    (problem,) = workspace.problems
    assert problem.severity is Severity.ERROR
    assert (problem.location.path, problem.location.line) == (tmp_path / "p" / "fnox.toml", 1)
    assert str(target) in problem.message and "Permission denied" in problem.message


def test_a_global_config_in_an_unsearchable_directory_is_skipped_with_a_warning(
    tmp_path: Path, locked: Path
) -> None:
    write_tree(tmp_path / "p", {"fnox.toml": '[secrets]\nA = { default = "a" }\n'})
    environ = {"HOME": str(tmp_path / "home"), "FNOX_CONFIG_DIR": str(locked / "fnox")}
    workspace = load_workspace(tmp_path / "p", environ=environ)
    assert [s.name for s in workspace.profiles["default"].secrets] == ["A"]
    (problem,) = workspace.problems
    assert problem.severity is Severity.WARNING
    assert str(locked / "fnox" / "config.toml") in problem.message
    assert "Permission denied" in problem.message


def test_an_explicit_config_in_an_unsearchable_directory_cannot_be_read(
    tmp_path: Path, locked: Path
) -> None:
    with pytest.raises(ConfigReadError) as raised:
        load_workspace(
            tmp_path,
            config=str(locked / "fnox.toml"),
            environ=isolated_environ(tmp_path / "home"),
        )
    assert raised.value.path == locked / "fnox.toml"
    assert "Permission denied" in str(raised.value)


REAL_PERMISSIONS_PROBE = """
import sys
from pathlib import Path
from fnox_tui.core.loader import load_workspace
project, home = Path(sys.argv[1]), sys.argv[2]
workspace = load_workspace(project, environ={"HOME": home, "FNOX_CONFIG_DIR": sys.argv[3]})
for problem in workspace.problems:
    print(problem.severity.value, problem.message)
"""


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root and setpriv to drop the capabilities that let root ignore permissions",
)
def test_a_real_unsearchable_directory(tmp_path: Path) -> None:
    """As root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, mode 000 stops the lookup."""
    locked = tmp_path / "locked"
    write_tree(
        locked, {"shared.toml": "[secrets]\nB = { default = 'b' }\n", "fnox/config.toml": ""}
    )
    write_tree(
        tmp_path / "p",
        {
            "fnox.toml": f'import = ["{locked / "shared.toml"}"]\n[secrets]\nA = {{ default = "a" }}\n'
        },
    )
    locked.chmod(0)
    drop = "-dac_override,-dac_read_search"
    try:
        result = subprocess.run(
            [
                *("setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}", "--"),
                *(sys.executable, "-c", REAL_PERMISSIONS_PROBE),
                *(str(tmp_path / "p"), str(tmp_path / "home"), str(locked / "fnox")),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            timeout=120,
        )
    finally:
        locked.chmod(0o755)
    if result.returncode != 0 and "setpriv" in result.stderr:
        pytest.skip(f"cannot drop capabilities here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("error") and str(locked / "shared.toml") in line and "denied" in line
        for line in lines
    ), lines
    assert any(
        line.startswith("warning") and str(locked / "fnox" / "config.toml") in line
        for line in lines
    ), lines


# --- quoted keys with escapes that JSON does not know ---------------------------------------


def test_quoted_keys_with_toml_escapes_are_unquoted() -> None:
    assert split_key_path('"\\U0001F600".x') == ("\U0001f600", "x")
    assert split_key_path('"tab\\there" . "\\e\\u00e9"') == ("tab\there", "\x1b\u00e9")


def test_a_secret_with_a_long_unicode_escape_in_its_name_loads(tmp_path: Path) -> None:
    config = tmp_path / "fnox.toml"
    config.write_text(
        textwrap.dedent(
            """\
            [secrets]
            "SMILE_\\U0001F600" = { default = "x" }
            B = { default = "b" }
            """
        )
    )
    loaded = read_config_file(config)
    assert loaded.top.secrets["SMILE_\U0001f600"].location.line == 2
    assert loaded.top.secrets["B"].location.line == 3


# --- the garbage collector and a large workspace -------------------------------------------


def test_no_collections_while_building_and_no_full_ones_while_resolving() -> None:
    import gc

    from fnox_tui.core.gcpause import building_long_lived, no_full_collections

    threshold = gc.get_threshold()
    with building_long_lived():
        assert not gc.isenabled()
        with building_long_lived():  # another load on another thread
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    outer = no_full_collections()
    inner = no_full_collections()
    outer.__enter__()
    inner.__enter__()  # a second reveal starts before the first has ended
    assert gc.get_threshold()[:2] == threshold[:2]
    assert gc.get_threshold()[2] >= 1_000_000
    outer.__exit__(None, None, None)
    assert gc.get_threshold()[2] >= 1_000_000
    inner.__exit__(None, None, None)
    assert gc.get_threshold() == threshold


SET_ASIDE_PROBE = """
import gc
from fnox_tui.core.gcpause import set_aside_long_lived, set_aside_new
cycles = []
for _ in range(1000):
    cycle = []
    cycle.append(cycle)  # garbage only a full collection frees
    cycles.append(cycle)
set_aside_long_lived()
first = gc.get_freeze_count()
del cycles, cycle
set_aside_new()
kept = gc.get_freeze_count()
set_aside_long_lived()  # what was set aside before and is garbage now is freed, not kept
print(first >= 1000, kept > first - 1000, gc.get_freeze_count() <= first - 1000)
"""


def test_a_large_workspace_is_set_aside_from_full_collections_once(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SET_ASIDE_PROBE],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["True", "True", "True"]
