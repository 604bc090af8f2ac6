"""The Textual user interface on top of :mod:`fnox_tui.core`."""
