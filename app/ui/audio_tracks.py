"""Edit > Audio Tracks: each track's offset, trim, gain and mute, or remove it; OK is one undo step."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.project import AudioTrack

COLUMNS = ("Track", "Starts at (s)", "Trim in (s)", "Trim out (s, 0 = end)", "Gain (dB)", "Mute", "")


def _spin(value: float, lo: float, hi: float, step: float = 0.1, decimals: int = 3) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    return box


class AudioTracksDialog(QDialog):
    def __init__(self, tracks: list[AudioTrack], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Audio Tracks")
        self.rows: list[dict] = []
        grid = QGridLayout()
        for c, title in enumerate(COLUMNS):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, c)
        for r, track in enumerate(tracks, start=1):
            row = {
                "track": track,
                "offset": _spin(track.offset_s, -86_400, 86_400),
                "trim_start": _spin(track.trim_start_s, 0, 86_400),
                "trim_end": _spin(track.trim_end_s or 0.0, 0, 86_400),
                "gain": _spin(track.gain_db, -96, 24, 0.5, 1),
                "mute": QCheckBox(),
                "remove": QPushButton("Remove"),
                "removed": False,
            }
            row["mute"].setChecked(track.mute)
            label = QLabel(track.name or track.path)
            label.setToolTip(track.path)
            row["remove"].setCheckable(True)
            row["remove"].toggled.connect(lambda on, row=row: row.update(removed=on))
            for c, w in enumerate([label, row["offset"], row["trim_start"], row["trim_end"], row["gain"], row["mute"], row["remove"]]):
                grid.addWidget(w, r, c)
            self.rows.append(row)
        if not tracks:
            grid.addWidget(QLabel("No audio tracks: File > Import Audio adds one."), 1, 0, 1, len(COLUMNS))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(buttons)

    def tracks(self) -> list[AudioTrack]:
        """The tracks as the dialog now says (validated like a file: a bad trim is refused)."""
        out = []
        for row in self.rows:
            if row["removed"]:
                continue
            end = row["trim_end"].value()
            out.append(
                AudioTrack.model_validate(
                    {
                        **row["track"].model_dump(),
                        "offset_s": row["offset"].value(),
                        "trim_start_s": row["trim_start"].value(),
                        "trim_end_s": end if end > 0 else None,
                        "gain_db": row["gain"].value(),
                        "mute": row["mute"].isChecked(),
                    }
                )
            )
        return out
