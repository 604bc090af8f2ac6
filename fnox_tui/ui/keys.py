"""Every key fnox-tui answers to, in one table that the help screen shows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeyHelp:
    keys: str
    description: str
    group: str


KEYS: tuple[KeyHelp, ...] = (
    KeyHelp("↑ ↓  j k", "Move the cursor", "Tree"),
    KeyHelp("← →  h l", "Collapse / expand (← on a secret goes to its profile)", "Tree"),
    KeyHelp("enter", "Reveal or hide a secret; on a branch, toggle it", "Tree"),
    KeyHelp("space", "Toggle the branch under the cursor", "Tree"),
    KeyHelp("/", "Filter secrets by name across all profiles (fuzzy)", "Tree"),
    KeyHelp("esc", "Clear the filter (the cursor and open branches stay)", "Tree"),
    KeyHelp("P", "Jump to a profile", "Tree"),
    KeyHelp("p", "Show the problems fnox would refuse", "Tree"),
    KeyHelp("x", "Profile matrix: secrets by profile, values compared (x again: the tree)", "Tree"),
    KeyHelp("v", "Reveal or hide the highlighted secret's value", "Values"),
    KeyHelp("V", "Reveal or hide every secret of the highlighted profile", "Values"),
    KeyHelp("c", "Copy the value to the clipboard (cleared after a timeout)", "Values"),
    KeyHelp(
        "t", "Check the highlighted provider, or the secret's (key, identity, reach)", "Values"
    ),
    KeyHelp("y", "Copy the text of the error shown (with the IAM policy to grant)", "Values"),
    KeyHelp(
        "R", "Rotate the provider's KMS key or age recipients (a guided walkthrough)", "Values"
    ),
    KeyHelp("e", "Edit the highlighted secret: value (re-encrypted), description", "Edit"),
    KeyHelp("s", "Set a new secret in the highlighted profile", "Edit"),
    KeyHelp("d", "Delete the highlighted secret (asks first)", "Edit"),
    KeyHelp("m", "Copy the secret to another profile, re-encrypted for it", "Edit"),
    KeyHelp("ctrl+r  ctrl+t", "In a form: show the value; one line or several", "Edit"),
    KeyHelp("u", "Undo the last staged change", "Changes"),
    KeyHelp("ctrl+s", "Review the staged changes; enter writes them, esc goes back", "Changes"),
    KeyHelp("r", "Reload from disk (hides the values of entries that changed)", "App"),
    KeyHelp("?", "This help", "App"),
    KeyHelp("ctrl+p", "Command palette", "App"),
    KeyHelp("q", "Quit", "App"),
)


# What the parts of a secret's row mean, for the help screen (name, source, origin, value).
ROW_PARTS: tuple[tuple[str, str], ...] = (
    ("kms", "Its provider: in bold when the secret names it, plain when the profile's default"),
    ("default", "Its value is its `default`"),
    ("env var", "Its value is the environment variable of the same name"),
    ("● overrides", "Defined in this profile, replacing a top-level secret"),
    ("↑ inherited", "Taken from the top-level [secrets]"),
    ("••••••", "A hidden value (v reveals it)"),
    ("○ not set", "No value: fnox leaves the variable out (if_missing warn or ignore)"),
    ("✗", "An error: the details say why and what to do; y copies it"),
    ("⚠", "Something fnox would refuse: p lists it"),
)
