"""The key rotation walkthrough (``R``) and the recovery of an interrupted rotation on start.

Importing this package is cheap: the walkthrough (and with it boto3) is imported when it is
first opened, never on the start-up path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnox_tui.core.model import ProviderDef

if TYPE_CHECKING:
    from fnox_tui.ui.screens.rotation.host import Host
    from fnox_tui.ui.screens.rotation.screen import RotationScreen
    from fnox_tui.ui.screens.rotation.session import Options

ROTATABLE = ("aws-kms", "age")  # fnox_tui.core.rotation.plan.ROTATABLE_TYPES


def open_rotation(
    app: Host, provider: ProviderDef | None, options: Options | None = None
) -> RotationScreen | None:
    """Open the walkthrough for ``provider`` (or say why it cannot be rotated)."""
    if provider is None:
        app.notify("R rotates the provider under the cursor, or a secret's provider", timeout=4)
        return None
    if provider.type not in ROTATABLE:
        app.notify(
            f"fnox-tui rotates aws-kms keys and age recipients; provider {provider.name} is "
            f"{provider.type}",
            timeout=5,
        )
        return None
    from fnox_tui.core.rotation.plan import provider_entry
    from fnox_tui.ui.screens.rotation.screen import RotationScreen

    if any(isinstance(screen, RotationScreen) for screen in app.screen_stack):
        app.notify("A rotation walkthrough is already open", timeout=3)
        return None
    screen = RotationScreen(provider_entry(provider), provider.type, options=options)
    app.push_screen(screen)
    return screen
