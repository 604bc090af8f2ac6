"""Text from files, values, the environment and AWS answers made safe to put on a terminal.

Names, descriptions, decrypted values, environment variables and AWS error messages can hold
any character, including escape sequences that a terminal would obey (clear the screen, set the
clipboard with OSC 52, retitle the window) and invisible characters that change how the
surrounding text reads (a right-to-left override shows ``exe.txt`` as ``txt.exe``). Every such
string reaches a widget through this module, and never as markup:

- :func:`visible` for a ``str`` that a widget shows as it is;
- :func:`literal` for a Rich :class:`~rich.text.Text` (details, tree rows, dialogs);
- :func:`literal_content` for the Textual APIs that read a ``str`` as markup (the command
  palette's hits and help lines).

What is shown as a symbol instead of being sent on (everything but tab and newline):

- C0 controls (ESC, BEL, CR, ...) as Unicode's control pictures (``␛``, ``␇``, ``␍``) and DEL
  as ``␡``;
- C1 controls (U+0080-U+009F, among them the one-byte CSI ``\\x9b`` and OSC ``\\x9d``) as
  ``\\x9b``;
- every Unicode format character (category Cf: the bidi embeddings, overrides and isolates
  U+202A-U+202E and U+2066-U+2069, the marks U+200E, U+200F and U+061C, zero-width space,
  joiners and non-joiner U+200B-U+200D, word joiner U+2060, the byte order mark U+FEFF, soft
  hyphen U+00AD, the tag characters U+E0000-U+E007F, ...), the line and paragraph separators
  U+2028 and U+2029, and lone surrogates (a file name or variable that is not UTF-8) as the
  escape TOML writes them with, ``\\u202e`` or ``\\U000e0041``.

So an emoji joined with U+200D shows as its parts with ``\\u200d`` between them: names and
values are shown as what they are, not as what they draw. Combining marks, private-use and
unassigned characters are ordinary text: a terminal draws them and obeys none of them.
"""

from __future__ import annotations

import re

from rich.style import StyleType
from rich.text import Text
from textual.content import Content

# Every character in Unicode's Cf (format), Zl and Zp categories (up to Unicode 15.1, a
# superset of Python 3.11's 14.0), surrogates, and C0/DEL/C1 controls but tab and newline.
# tests/test_text.py checks this against the running Python's unicodedata.
_SHOWN_AS_SYMBOL = re.compile(
    "["
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and newline, DEL, C1
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f"  # zero-width, marks, separators, bidi
    "\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"  # tag characters
    "]"
)


def _symbol(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟: Unicode's control pictures
    if code == 0x7F:
        return "␡"
    if code <= 0x9F:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with controls and invisible format characters (but newline, tab) as symbols."""
    text = text.replace("\r\n", "\n")
    return _SHOWN_AS_SYMBOL.sub(_symbol, text) if _SHOWN_AS_SYMBOL.search(text) else text


def one_line(text: str, width: int) -> str:
    """A single display line: newlines and tabs shown as symbols, long text cut with …."""
    flat = visible(text).replace("\n", "⏎").replace("\t", "⇥")
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def literal(text: str, style: StyleType = "") -> Text:
    """A Rich ``Text`` that shows ``text`` as it is: never markup, controls as symbols."""
    return Text(visible(text), style=style)


def literal_content(text: str) -> Content:
    """Textual ``Content`` that shows ``text`` as it is, for APIs that parse a ``str`` as markup.

    Textual's command palette reads a hit's ``str`` title and help as markup (a name like
    ``[@click=app.screenshot()]`` would become a click action, ``ops[@click=a("]`` a crash);
    ``Content`` is taken as it is.
    """
    return Content(visible(text))
