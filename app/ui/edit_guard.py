"""What every editing panel (inspector, focus, move, rig) does with an edit typed into a widget.

A panel fills its widgets from the model inside ``_loading`` (so the widgets' own change signals do
not write the values back), and runs each user edit through :meth:`EditGuard._run`: a refusal is
shown in the panel's ``error`` label and the widgets are reloaded from the model, so they never
show a value the project does not hold."""

from __future__ import annotations

from engine.errors import ShotlineError


class EditGuard:
    """Mixin for a panel with an ``error`` label and a ``load()`` that fills its widgets."""

    _loading = False

    def _run(self, fn) -> None:
        if self._loading:
            return
        try:
            fn()
            self.error.clear()
        except ShotlineError as exc:
            self.error.setText(str(exc))
            self.load()
