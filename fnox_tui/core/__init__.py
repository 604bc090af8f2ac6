"""The UI-free core: configuration discovery, merging, the document model and providers.

Nothing under this package may import Textual, Rich or ``fnox_tui.ui``; an import-linter
contract (``lint-imports``) enforces it.
"""
