"""fnox-tui: a terminal UI for the secrets that fnox keeps in fnox.toml."""

__version__ = "0.1.0"
