"""visible(), literal() and literal_content(): what a string from a file looks like on screen."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from rich.text import Text
from textual.content import Content

from fnox_tui.ui.text import literal, literal_content, one_line, visible

BIDI = [
    "\u202a",  # left-to-right embedding
    "\u202b",  # right-to-left embedding
    "\u202c",  # pop directional formatting
    "\u202d",  # left-to-right override
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2067",  # right-to-left isolate
    "\u2068",  # first strong isolate
    "\u2069",  # pop directional isolate
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u061c",  # Arabic letter mark
]
INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark / zero-width no-break space
    "\u00ad",  # soft hyphen
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\U000e0041",  # tag letter A (invisible text smuggling)
    "\udcff",  # a lone surrogate: an undecodable byte in a file name or variable
]


@pytest.mark.parametrize("char", BIDI + INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_bidi_and_invisible_characters_are_shown_as_their_escape(char: str) -> None:
    shown = visible(f"evil{char}txt.exe")
    assert char not in shown
    code = ord(char)
    escape = f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    assert shown == f"evil{escape}txt.exe"


def test_right_to_left_override_no_longer_reorders_a_name() -> None:
    # Drawn raw, "invoice\u202efdp.exe" reads as "invoiceexe.pdf".
    assert visible("invoice\u202efdp.exe") == "invoice\\u202efdp.exe"


def test_controls_are_symbols_and_c1_controls_their_escape() -> None:
    assert visible("a\x1b]52;c;eA==\x1b\\b") == "a␛]52;c;eA==␛\\b"
    assert visible("\x07\x00\x7f") == "␇␀␡"
    assert visible("\x9b2J\x9d0;t\x9c\x85") == "\\x9b2J\\x9d0;t\\x9c\\x85"
    assert visible("a\r\nb\rc") == "a\nb␍c"
    assert visible("tab\tand\nnewline") == "tab\tand\nnewline"


def test_ordinary_text_is_unchanged() -> None:
    for text in ("postgres://db/app", "café naïve", "日本語のテキスト", "🔑 key", "e\u0301", "a b"):
        assert visible(text) == text


def test_visible_is_idempotent() -> None:
    hostile = "x\x1b[2J\x9b\u202e\u200b[b]y"
    assert visible(visible(hostile)) == visible(hostile)


def test_every_format_separator_and_surrogate_character_is_shown_as_a_symbol() -> None:
    """The hard-coded set covers every Cf, Zl, Zp and Cs character of this Python's Unicode."""
    missed = [
        f"U+{code:04X} {unicodedata.name(chr(code), '?')}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp", "Cs")
        and chr(code) not in "\t\n"
        and chr(code) in visible(chr(code))
    ]
    assert missed == [], f"add to fnox_tui/ui/text.py (Unicode {unicodedata.unidata_version})"


def test_one_line_flattens_after_making_visible() -> None:
    assert one_line("a\nb\tc\u202ed", 40) == "a⏎b⇥c\\u202ed"
    assert one_line("x" * 50, 10) == "x" * 9 + "…"


def test_literal_is_text_never_markup() -> None:
    text = literal("[b]bold[/b] [@click=app.quit]q[/] \x1b]2;t\x1b\\", style="red")
    assert isinstance(text, Text)
    assert text.plain == "[b]bold[/b] [@click=app.quit]q[/] ␛]2;t␛\\"
    assert not text.spans and text.style == "red"


def test_literal_content_is_content_never_markup() -> None:
    content = literal_content('ops[@click=a("] [/] \u202e')
    assert isinstance(content, Content)
    assert content.plain == 'ops[@click=a("] [/] \\u202e'
    assert not content.spans
    assert Content.from_markup(content) is content  # what Textual's palette does with it
