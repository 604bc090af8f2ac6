"""Snapshots of values: a revealed demo secret, an error in the details pane, a provider check.

Only made-up values appear: the demo's samples and throw-away age keys generated for these tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from fnox_tui.core.demo import DemoEnvironment
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.ui.app import FnoxTuiApp
from tests.ui_fixtures import write_files
from tests.waiting import settle

SIZE = (120, 36)
# Throw-away test identities (never used for anything real).
KEY = "AGE-SECRET-KEY-1JTG8SLYD8ZF9422CNPMWV2LUXFK4USP6U4987KT9HAPMV5MWDM5S429YAM"
RECIPIENT = "age10w0weu3y6x6wy6vuz7etcvwsfq2kmmkmk9xw4yr9j76wt2pqqqzsfc0jgp"
# "made-up value" encrypted once to RECIPIENT and once to a key thrown away (age output varies in
# length from one run to the next, so the snapshots use fixed ciphertexts).
OURS = "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBVSXFaMURhRVUveEo0c20vRHBhdmc0ZDk2MytLbUR6bEt0czNZdW9IZ0VRCmRmSnVxZ25oSGpHNW04cnNXNS9pTGIzUElKU2x1TmVTcnQ0Mkd2L3NZVzQKLT4gTUteLUZkNC1ncmVhc2UgQnx0JmV5SiBhXXs2WGZMMyB4aV5pIEFIfQpSRnQ1VG1tOUVjQTRIMVFkT1J1UGlvYkREeW5kdDl4cHlmVGZ5Q0ZEbktJb1h3S2xPRFczcGg0Q08zNFl2eTdnCnF1YwotLS0gQkVmNEVaVTF6UFY4Y0UvSEtqNm9SWlVGRm1kM1JHNzRhdkFPRDg3YVRNNAoKZOIQ4Tgu2LkLydzllOoQKQN7xbbXUH2brqWc0d8koRkwjIOQw4E1M9etiKk="
THEIRS = "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBXYUE1MnZnTUxpRXZIZGZwdnBGakdLZTNVMDZvZDB4QzlrUGVRUU44dEgwCkRwYi9QNnRpZEQ0NGpLY1ZjVzlTaEVKSU9vdSt5RFRLYys2cCtETEVSancKLT4gKSFHJTpaa3UtZ3JlYXNlIE9WeFJpIGEgS2ZNLCBYRApIc3dkNlVtYjlNUTFjNWRwOVJkS0pmZWltWmFIanJOcmkreEZIVk1OWlhCSWZVcEkrQQotLS0gSjA1QjNUYWQweXpYL01qeDBlZ1Jkei9WTnlWYjIwVWtvOExtNVZWc083TQpRyB0bediSXhg09/cBR2TFHMoozyo0pwZ1xknlFkaPWdhbYZiR/F+NPEU6k0I="


@pytest.fixture
def demo() -> Iterator[DemoEnvironment]:
    with DemoEnvironment(handle_signals=False) as environment:
        yield environment


def test_revealed_demo_secret(snap_compare, demo: DemoEnvironment) -> None:  # type: ignore[no-untyped-def]
    source = WorkspaceSource(cwd=demo.workspace)
    app = FnoxTuiApp(source, workspace=source.load())

    async def reveal(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.press("j", "v")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=reveal)


def _age_project(tmp_path: Path) -> WorkspaceSource:
    root = tmp_path / "project"
    write_files(
        root,
        {
            "fnox.toml": f"""\
                [providers]
                age = {{ type = "age", recipients = ["{RECIPIENT}"] }}

                [secrets]
                OURS = {{ provider = "age", value = "{OURS}" }}
                FOR_SOMEONE_ELSE = {{ provider = "age", value = "{THEIRS}", description = "encrypted to another key" }}
                """
        },
    )
    home = tmp_path / "home"
    environ = {"HOME": str(home), "FNOX_CONFIG_DIR": str(home / "cfg"), "FNOX_AGE_KEY": KEY}
    return WorkspaceSource(cwd=root, environ=environ)


def test_error_in_the_details_pane(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = _age_project(tmp_path)
    app = FnoxTuiApp(source, workspace=source.load())

    async def fail(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.press("j", "j", "v")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=fail)


def test_provider_check(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = _age_project(tmp_path)
    app = FnoxTuiApp(source, workspace=source.load())

    async def check(pilot: Pilot) -> None:
        await pilot.pause()
        tree = app.main.tree
        tree.move_cursor(tree.get_node_at_line(0))
        await pilot.press("l", "j", "t")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=check)
