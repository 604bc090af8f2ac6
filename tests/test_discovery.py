"""Which files fnox loads, and in which order: names, the upward walk, imports, global, -c, -P."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnox_tui.core.discovery import (
    active_profiles,
    config_filenames,
    global_config_path,
    normalize_profiles,
    resolve_relative,
    uses_discovery,
)
from fnox_tui.core.errors import ConfigNotFoundError
from fnox_tui.core.loader import load_workspace
from fnox_tui.core.model import ProfileView, Workspace
from tests.tree import isolated_environ, write_tree


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return tmp_path / "work"


def load(
    cwd: Path,
    home: Path,
    *,
    config: str | None = None,
    profiles: list[str] | None = None,
    environ: dict[str, str] | None = None,
) -> Workspace:
    environ = environ or isolated_environ(home)
    return load_workspace(cwd, config=config, profiles=profiles, environ=environ)


def winner(view: ProfileView, name: str) -> str:
    """The default value of ``name`` as the profile sees it: which file won."""
    secret = view.secret(name)
    assert secret is not None, f"{name} missing from {view.name}"
    default = secret.definition.default
    assert default is not None
    return default


def names(view: ProfileView) -> list[str]:
    return [secret.name for secret in view.secrets]


def secret(name: str, value: str) -> str:
    return f'[secrets]\n{name} = {{ default = "{value}" }}\nX = {{ default = "{value}" }}\n'


# --- names and priority within one directory -----------------------------------------------


def test_config_filenames_lowest_priority_first() -> None:
    assert config_filenames(["default"]) == [
        "fnox.toml", ".fnox.toml", "fnox.local.toml", ".fnox.local.toml",
    ]  # fmt: skip
    assert config_filenames(["dev", "default", "ci"]) == [
        "fnox.toml", ".fnox.toml",
        "fnox.dev.toml", ".fnox.dev.toml", "fnox.ci.toml", ".fnox.ci.toml",
        "fnox.local.toml", ".fnox.local.toml",
    ]  # fmt: skip


ALL_NAMES = [
    "fnox.toml",
    ".fnox.toml",
    "fnox.prod.toml",
    ".fnox.prod.toml",
    "fnox.local.toml",
    ".fnox.local.toml",
]


@pytest.mark.parametrize("present", range(1, len(ALL_NAMES) + 1))
def test_priority_within_a_directory(work: Path, home: Path, present: int) -> None:
    """With the first ``present`` names written, the last of them wins for profile prod."""
    files = {name: secret(f"S{i}", name) for i, name in enumerate(ALL_NAMES[:present])}
    write_tree(work, files)
    workspace = load(work, home, profiles=["prod"])
    expected = ALL_NAMES[:present]
    assert workspace.files == [work / name for name in expected]
    assert winner(workspace.profiles["prod"], "X") == expected[-1]
    # Every file contributes its own secret; the order is that of first appearance.
    assert names(workspace.profiles["prod"]) == ["S0", "X", *[f"S{i}" for i in range(1, present)]]


def test_profile_files_load_only_for_their_profile(work: Path, home: Path) -> None:
    write_tree(work, {name: secret(f"S{i}", name) for i, name in enumerate(ALL_NAMES)})
    workspace = load(work, home)
    default = workspace.profiles["default"]
    assert default.files == [work / n for n in ALL_NAMES if ".prod." not in n]
    assert winner(default, "X") == ".fnox.local.toml"
    assert names(default) == ["S0", "X", "S1", "S4", "S5"]
    assert workspace.files == default.files
    assert workspace.profiles["prod"].files == [work / name for name in ALL_NAMES]


def test_several_active_profiles_load_their_files_in_order(work: Path, home: Path) -> None:
    write_tree(
        work,
        {
            "fnox.toml": secret("BASE", "base"),
            "fnox.a.toml": secret("A", "a"),
            "fnox.b.toml": secret("B", "b"),
            "fnox.local.toml": "",
        },
    )
    workspace = load(work, home, profiles=["b,a"])
    assert workspace.active_profiles == ["b", "a"]
    assert workspace.files == [work / n for n in ("fnox.toml", "fnox.b.toml", "fnox.a.toml")] + [
        work / "fnox.local.toml"
    ]


# --- walking up ---------------------------------------------------------------------------


def test_walks_up_and_children_beat_parents(work: Path, home: Path) -> None:
    write_tree(
        work,
        {
            "fnox.toml": '[secrets]\nX = { default = "root" }\nROOT = { default = "r" }\n',
            "fnox.local.toml": '[secrets]\nX = { default = "root-local" }\n',
            "services/fnox.toml": '[secrets]\nX = { default = "services" }\nMID = { default = "m" }\n',
            "services/api/.fnox.toml": '[secrets]\nAPI = { default = "a" }\n',
        },
    )
    cwd = work / "services" / "api" / "src"
    cwd.mkdir(parents=True)
    workspace = load(cwd, home)
    view = workspace.profiles["default"]
    assert workspace.files == [
        work / "services/api/.fnox.toml",
        work / "services/fnox.toml",
        work / "fnox.toml",
        work / "fnox.local.toml",
    ]
    # A child's fnox.toml beats the parent's fnox.local.toml.
    assert winner(view, "X") == "services"
    assert names(view) == ["X", "ROOT", "MID", "API"]
    root_secret = view.secret("ROOT")
    assert root_secret is not None
    assert root_secret.definition.location.path == work / "fnox.toml"


def test_root_true_stops_the_walk_but_global_still_loads(work: Path, home: Path) -> None:
    write_tree(
        work,
        {
            "fnox.toml": '[secrets]\nABOVE = { default = "never" }\n',
            "project/fnox.toml": 'root = true\n[secrets]\nX = { default = "project" }\n',
            "project/fnox.local.toml": '[secrets]\nLOCAL = { default = "l" }\n',
            "project/app/fnox.toml": '[secrets]\nAPP = { default = "app" }\n',
        },
    )
    write_tree(home, {".config/fnox/config.toml": '[secrets]\nGLOBAL = { default = "g" }\n'})
    workspace = load(work / "project" / "app", home)
    assert workspace.files == [
        work / "project/app/fnox.toml",
        work / "project/fnox.toml",
        work / "project/fnox.local.toml",
        home / ".config/fnox/config.toml",
    ]
    assert names(workspace.profiles["default"]) == ["GLOBAL", "X", "LOCAL", "APP"]


def test_root_in_a_local_file_also_stops_the_walk(work: Path, home: Path) -> None:
    write_tree(
        work,
        {
            "fnox.toml": '[secrets]\nABOVE = { default = "never" }\n',
            "project/fnox.toml": '[secrets]\nX = { default = "x" }\n',
            "project/fnox.local.toml": "root = true\n",
        },
    )
    workspace = load(work / "project", home)
    assert names(workspace.profiles["default"]) == ["X"]


def test_root_in_an_imported_file_does_not_stop_the_walk(work: Path, home: Path) -> None:
    write_tree(
        work,
        {
            "fnox.toml": '[secrets]\nABOVE = { default = "a" }\n',
            "project/fnox.toml": 'import = ["imp.toml"]\n',
            "project/imp.toml": 'root = true\n[secrets]\nIMP = { default = "i" }\n',
        },
    )
    workspace = load(work / "project", home)
    assert names(workspace.profiles["default"]) == ["ABOVE", "IMP"]


# --- imports ------------------------------------------------------------------------------


def test_imports_load_beneath_their_directory_and_above_the_parent(work: Path, home: Path) -> None:
    write_tree(
        work,
        {
            "fnox.toml": '[secrets]\nX = { default = "parent" }\nP = { default = "p" }\n',
            "app/fnox.toml": (
                'import = ["shared/one.toml", "../two.toml"]\n'
                '[secrets]\nX = { default = "app" }\nY = { default = "app" }\n'
            ),
            "app/shared/one.toml": (
                '[secrets]\nX = { default = "one" }\nY = { default = "one" }\n'
                'Z = { default = "one" }\nONE = { default = "1" }\n'
            ),
            "two.toml": '[secrets]\nZ = { default = "two" }\nTWO = { default = "2" }\n',
        },
    )
    workspace = load(work / "app", home)
    view = workspace.profiles["default"]
    assert workspace.files == [
        work / "app/fnox.toml",
        work / "app/shared/one.toml",
        work / "app/../two.toml",
        work / "fnox.toml",
    ]
    assert winner(view, "X") == "app"  # the importing file beats its imports
    assert winner(view, "Y") == "app"
    assert winner(view, "Z") == "one"  # an earlier import beats a later one
    assert winner(view, "P") == "p"
    # Merge order: parent, then later imports beneath earlier ones, then the directory's files.
    assert names(view) == ["X", "P", "Z", "TWO", "Y", "ONE"]


def test_imports_of_a_parent_are_relative_to_the_parent(work: Path, home: Path) -> None:
    write_tree(
        work,
        {
            "fnox.toml": 'import = ["common.toml"]\n',
            "common.toml": '[secrets]\nCOMMON = { default = "c" }\n',
            "app/common.toml": '[secrets]\nWRONG = { default = "w" }\n',
            "app/fnox.toml": '[secrets]\nAPP = { default = "a" }\n',
        },
    )
    workspace = load(work / "app", home)
    assert names(workspace.profiles["default"]) == ["COMMON", "APP"]
    assert workspace.problems == []


def test_import_paths_expand_home(work: Path, home: Path) -> None:
    write_tree(home, {"shared/fnox-shared.toml": '[secrets]\nSHARED = { default = "s" }\n'})
    write_tree(work, {"fnox.toml": 'import = ["~/shared/fnox-shared.toml"]\n'})
    workspace = load(work, home)
    assert workspace.files == [work / "fnox.toml", home / "shared/fnox-shared.toml"]
    assert names(workspace.profiles["default"]) == ["SHARED"]


def test_resolve_relative() -> None:
    environ = {"HOME": "/home/me"}
    assert resolve_relative("a.toml", Path("/p"), environ) == Path("/p/a.toml")
    assert resolve_relative("~/a.toml", Path("/p"), environ) == Path("/home/me/a.toml")
    assert resolve_relative("~", Path("/p"), environ) == Path("/home/me")
    assert resolve_relative("/abs/a.toml", Path("/p"), environ) == Path("/abs/a.toml")


def test_imports_of_imports_are_not_followed(work: Path, home: Path) -> None:
    write_tree(
        work,
        {
            "fnox.toml": 'import = ["a.toml"]\n',
            "a.toml": 'import = ["b.toml"]\n[secrets]\nA = { default = "a" }\n',
            "b.toml": '[secrets]\nB = { default = "b" }\n',
        },
    )
    workspace = load(work, home)
    assert workspace.files == [work / "fnox.toml", work / "a.toml"]
    assert names(workspace.profiles["default"]) == ["A"]


def test_two_files_of_one_directory_share_their_imports(work: Path, home: Path) -> None:
    write_tree(
        work,
        {
            "fnox.toml": 'import = ["a.toml"]\n',
            "fnox.local.toml": 'import = ["b.toml", "a.toml"]\n',
            "a.toml": '[secrets]\nX = { default = "a" }\n',
            "b.toml": '[secrets]\nX = { default = "b" }\n',
        },
    )
    workspace = load(work, home)
    assert workspace.files == [
        work / "fnox.toml",
        work / "a.toml",
        work / "fnox.local.toml",
        work / "b.toml",
    ]
    assert winner(workspace.profiles["default"], "X") == "a"


# --- the global configuration -------------------------------------------------------------


def test_global_config_path_precedence() -> None:
    assert global_config_path({"FNOX_CONFIG_DIR": "/c", "XDG_CONFIG_HOME": "/x", "HOME": "/h"}) == (
        Path("/c/config.toml")
    )
    assert global_config_path({"XDG_CONFIG_HOME": "/x", "HOME": "/h"}) == Path(
        "/x/fnox/config.toml"
    )
    assert global_config_path({"HOME": "/h"}) == Path("/h/.config/fnox/config.toml")


def test_relative_or_empty_config_dirs_are_ignored_as_fnox_ignores_them() -> None:
    environ = {"FNOX_CONFIG_DIR": "cfg", "XDG_CONFIG_HOME": "", "HOME": "/h"}
    assert global_config_path(environ) == Path("/h/.config/fnox/config.toml")
    environ = {"FNOX_CONFIG_DIR": "", "XDG_CONFIG_HOME": "xdg", "HOME": "/h"}
    assert global_config_path(environ) == Path("/h/.config/fnox/config.toml")


@pytest.mark.parametrize("variable", ["FNOX_CONFIG_DIR", "XDG_CONFIG_HOME", "HOME"])
def test_global_config_is_always_the_lowest_layer(
    tmp_path: Path, work: Path, variable: str
) -> None:
    place = {
        "FNOX_CONFIG_DIR": tmp_path / "cfg" / "config.toml",
        "XDG_CONFIG_HOME": tmp_path / "xdg" / "fnox" / "config.toml",
        "HOME": tmp_path / "home" / ".config" / "fnox" / "config.toml",
    }[variable]
    environ = {"HOME": str(tmp_path / "home")}
    if variable == "FNOX_CONFIG_DIR":
        environ[variable] = str(tmp_path / "cfg")
    elif variable == "XDG_CONFIG_HOME":
        environ[variable] = str(tmp_path / "xdg")
    write_tree(place.parent, {place.name: secret("GLOBAL", "global")})
    write_tree(work, {"fnox.toml": secret("PROJECT", "project")})
    workspace = load_workspace(work, environ=environ)
    assert workspace.files == [work / "fnox.toml", place]
    view = workspace.profiles["default"]
    assert names(view) == ["GLOBAL", "X", "PROJECT"]
    assert winner(view, "X") == "project"


def test_global_config_alone_is_enough(tmp_path: Path, home: Path) -> None:
    write_tree(home, {".config/fnox/config.toml": secret("GLOBAL", "g")})
    empty = tmp_path / "empty"
    empty.mkdir()
    workspace = load(empty, home)
    assert workspace.files == [home / ".config/fnox/config.toml"]


def test_no_configuration_anywhere(tmp_path: Path, home: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ConfigNotFoundError) as raised:
        load(empty, home)
    assert raised.value.start == empty
    assert raised.value.explicit is None


# --- -c PATH ------------------------------------------------------------------------------


@pytest.fixture
def explicit_layout(work: Path, home: Path) -> Path:
    write_tree(
        work,
        {
            "fnox.toml": '[secrets]\nPARENT = { default = "p" }\n',
            "app/fnox.toml": '[secrets]\nAPP = { default = "a" }\n',
            "app/fnox.local.toml": '[secrets]\nLOCAL = { default = "l" }\n',
            "app/ci/custom.toml": 'import = ["imp.toml"]\n[secrets]\nCUSTOM = { default = "c" }\n',
            "app/ci/imp.toml": '[secrets]\nIMP = { default = "i" }\n',
        },
    )
    write_tree(home, {".config/fnox/config.toml": '[secrets]\nGLOBAL = { default = "g" }\n'})
    return work / "app"


def test_explicit_config_loads_that_file_its_imports_and_global(
    explicit_layout: Path, home: Path
) -> None:
    workspace = load(explicit_layout, home, config="ci/custom.toml")
    custom = explicit_layout / "ci/custom.toml"
    assert workspace.explicit_config == custom
    assert workspace.files == [
        custom,
        explicit_layout / "ci/imp.toml",
        home / ".config/fnox/config.toml",
    ]
    assert names(workspace.profiles["default"]) == ["GLOBAL", "IMP", "CUSTOM"]


def test_explicit_path_to_a_fnox_toml_does_not_walk(explicit_layout: Path, home: Path) -> None:
    workspace = load(explicit_layout, home, config="./fnox.toml")
    assert names(workspace.profiles["default"]) == ["GLOBAL", "APP"]


def test_bare_default_name_still_discovers(explicit_layout: Path, home: Path) -> None:
    workspace = load(explicit_layout, home, config="fnox.toml")
    assert workspace.explicit_config is None
    assert names(workspace.profiles["default"]) == ["GLOBAL", "PARENT", "APP", "LOCAL"]


def test_missing_explicit_config(explicit_layout: Path, home: Path) -> None:
    with pytest.raises(ConfigNotFoundError) as raised:
        load(explicit_layout, home, config="nope.toml")
    assert raised.value.explicit == explicit_layout / "nope.toml"


def test_uses_discovery() -> None:
    assert uses_discovery(None)
    assert uses_discovery("fnox.toml")
    assert uses_discovery(".fnox.toml")
    assert uses_discovery("fnox.local.toml")
    assert not uses_discovery("./fnox.toml")
    assert not uses_discovery("../fnox.toml")
    assert not uses_discovery("/etc/fnox.toml")
    assert not uses_discovery("fnox.prod.toml")
    assert not uses_discovery("custom.toml")


# --- the active profile and the profiles there are ----------------------------------------


@pytest.mark.parametrize(
    ("cli", "env", "expected"),
    [
        (None, None, ["default"]),
        (None, "staging", ["staging"]),
        (["prod"], "staging", ["prod"]),
        (["a,b", "c"], None, ["a", "b", "c"]),
        (None, " a , ,b ", ["a", "b"]),
        (["../x,ok,a/b"], None, ["ok"]),
        ([""], "staging", ["default"]),  # an empty -P still beats FNOX_PROFILE
        (["..", "."], None, ["default"]),
        (None, "bad\x01name,ok\x7f,fine", ["fine"]),  # control characters are refused
    ],
)
def test_active_profiles(cli: list[str] | None, env: str | None, expected: list[str]) -> None:
    environ = {"FNOX_PROFILE": env} if env is not None else {}
    assert active_profiles(cli, environ) == expected


def test_normalize_profiles_keeps_order_and_repeats() -> None:
    assert normalize_profiles(["b", "a,b"]) == ["b", "a", "b"]


def test_fnox_profile_variable_selects_the_files(work: Path, home: Path) -> None:
    write_tree(work, {"fnox.toml": "", "fnox.staging.toml": "", "fnox.prod.toml": ""})
    environ = isolated_environ(home, FNOX_PROFILE="staging")
    by_env = load(work, home, environ=environ)
    assert by_env.active_profiles == ["staging"]
    assert by_env.files == [work / "fnox.toml", work / "fnox.staging.toml"]
    by_flag = load(work, home, environ=environ, profiles=["prod"])
    assert by_flag.files == [work / "fnox.toml", work / "fnox.prod.toml"]


def test_profiles_come_from_tables_and_profile_files(work: Path, home: Path) -> None:
    write_tree(
        work,
        {
            "fnox.toml": '[profiles.zeta.secrets]\nZ = { default = "z" }\n[profiles.alpha]\n',
            "app/fnox.toml": '[profiles.mid.secrets]\nM = { default = "m" }\n',
            "app/fnox.staging.toml": "",
            "app/.fnox.ci.toml": "",
            "fnox.prod.toml": "",
            "fnox.local.toml": "",
            "notes.toml": "",
        },
    )
    workspace = load(work / "app", home)
    assert list(workspace.profiles) == ["default", "zeta", "alpha", "mid", "ci", "prod", "staging"]


def test_profile_files_beyond_a_root_are_not_profiles(work: Path, home: Path) -> None:
    write_tree(work, {"fnox.prod.toml": "", "app/fnox.toml": "root = true\n"})
    workspace = load(work / "app", home)
    assert list(workspace.profiles) == ["default"]


def test_active_profile_without_any_definition_still_has_a_view(work: Path, home: Path) -> None:
    write_tree(work, {"fnox.toml": secret("A", "a")})
    workspace = load(work, home, profiles=["adhoc"])
    assert workspace.active_profile == "adhoc"
    assert names(workspace.profiles["adhoc"]) == ["A", "X"]
