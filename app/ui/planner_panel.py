"""The planner panel: the director's words in, the rules planner's proposals out.

Type a paragraph (or "Shot 1: … Shot 2: …", or one shot a line) and an optional line for the whole
sequence; Propose gives one or more alternatives. Each proposal lists its shots with what the planner
chose and why, the words it did not understand and any contradiction, and draws every shot's path
from above. Accept replaces the sequence's shots (or inserts them after the selected shot) as one
undo step.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.document import Document
from app.label_placement import Box, Wanted, place
from app.palette import SHOT_COLOURS
from engine.errors import ShotlineError
from engine.planner.learned.select import PLANNERS, plan_with, resolve
from engine.planner.plan import Plan

ACCEPT_MODES = ("Replace all shots", "Insert after selected shot")
PLANNER_LABELS = ("Rules", "Learned", "Auto (learned with music)")  # in the order of PLANNERS


def proposal_paths(plan: Plan, document: Document) -> list[np.ndarray]:
    """World camera positions of each proposed shot (from the document's evaluated sequence)."""
    project = plan.to_project()
    return [document.sequence.shot(project, p.shot).positions for p in plan.shots]


class PlanTopView(QWidget):
    """Every proposed shot's camera path seen from above, with the subjects, fitted to the widget."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.paths: list[np.ndarray] = []  # (n, 2) x/z per shot
        self.subjects: list[tuple[str, tuple[float, float], str, bool]] = []  # name, x/z, colour, a person
        self.setMinimumHeight(110)

    def show_plan(self, plan: Plan | None, positions: list[np.ndarray]) -> None:
        """Draw ``plan`` with its shots' camera positions (N,3) each."""
        self.paths, self.subjects = [], []
        if plan is not None:
            self.paths = [p[:, [0, 2]] for p in positions]
            self.subjects = [(s.name, (s.position[0], s.position[2]), s.color, s.kind == "person") for s in plan.subjects]
        self.update()

    def transform(self):
        points = np.concatenate(self.paths + [np.array([xy for _, xy, _, _ in self.subjects]).reshape(-1, 2)])
        lo, hi = points.min(0) - 0.5, points.max(0) + 0.5
        scale = min((self.width() - 20) / (hi[0] - lo[0]), (self.height() - 20) / (hi[1] - lo[1]))
        centre = (lo + hi) / 2
        return lambda xz: QPointF(self.width() / 2 + (xz[0] - centre[0]) * scale, self.height() / 2 + (xz[1] - centre[1]) * scale)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1a1a1a"))
        if not self.paths:
            p.setPen(QColor("#808080"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Paths seen from above appear here")
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        to_px = self.transform()
        for name, xz, colour, _person in self.subjects:
            p.setBrush(QColor(colour))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawEllipse(to_px(xz), 5, 5)
        for i, xz in enumerate(self.paths):
            colour = QColor(SHOT_COLOURS[i % len(SHOT_COLOURS)])
            line = QPainterPath(to_px(xz[0]))
            for point in xz[1:]:
                line.lineTo(to_px(point))
            p.setPen(QPen(colour, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(line)
            p.setBrush(colour)
            p.drawEllipse(to_px(xz[0]), 3, 3)
        for text, box, colour in self.label_boxes(to_px, p.fontMetrics()):
            p.setPen(colour)
            p.drawText(QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1]), Qt.AlignmentFlag.AlignCenter, text)

    def label_boxes(self, to_px, metrics: QFontMetrics) -> list[tuple[str, Box, QColor]]:
        """The names that fit without overlapping (``app/label_placement``), people first, then the
        shots' numbers at their paths' ends, then set pieces; (text, box, colour)."""
        wanted: list[tuple[str, QPointF, QColor]] = []
        wanted += [(name, to_px(xz), QColor("#e8e8e8")) for name, xz, _, person in self.subjects if person]
        wanted += [(str(i + 1), to_px(xz[-1]), QColor(SHOT_COLOURS[i % len(SHOT_COLOURS)])) for i, xz in enumerate(self.paths)]
        wanted += [(name, to_px(xz), QColor("#a8a8a8")) for name, xz, _, person in self.subjects if not person]
        asks = [Wanted(c.x(), c.y() - 3, metrics.horizontalAdvance(text) + 2) for text, c, _ in wanted]
        placed = place(asks, (0.0, 0.0, float(self.width()), float(self.height())), float(metrics.height()), 2.0)
        return [(wanted[i][0], box, wanted[i][2]) for i, box in placed]


def plan_report(plan: Plan) -> str:
    """What a proposal does, shot by shot, in words (HTML for a label)."""
    from html import escape

    lines = []
    for i, p in enumerate(plan.shots):
        s = p.shot
        colour = SHOT_COLOURS[i % len(SHOT_COLOURS)]
        lines.append(f"<b style='color:{colour}'>{i + 1}. {escape(s.name)}</b> — {s.duration} frames, {s.lens.focal_mm:.0f} mm, on {escape(p.subject)}")
        for words, choice in p.explanation:
            lines.append(f"&nbsp;&nbsp;{('“' + escape(words) + '” → ') if words else ''}{escape(choice)}")
        if p.spec.not_understood:
            lines.append(f"&nbsp;&nbsp;<span style='color:#e0a040'>not understood: {escape(', '.join(p.spec.not_understood))}</span>")
    for w in plan.warnings:
        lines.append(f"<span style='color:#e06040'>warning: {escape(w)}</span>")
    return "<br>".join(lines)


class PlannerPanel(QWidget):
    accepted = Signal(int)  # number of shots put in
    ghostPaths = Signal(list)  # camera positions (N,3) of each shot of the proposal shown; [] for none

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.plans: list[Plan] = []
        self.global_prompt = QLineEdit()
        self.global_prompt.setPlaceholderText("The whole sequence, e.g. “Night, a rooftop in the rain”")
        self.text = QPlainTextEdit()
        self.text.setMinimumHeight(60)
        self.text.setPlaceholderText(
            "What the camera does, e.g.\nShot 1: wide shot of Mara and Dev, slow crane down.\n"
            "Shot 2: over-the-shoulder on Dev.\nShot 3: close-up of Mara, push in."
        )
        self.alternatives = QSpinBox()
        self.alternatives.setRange(1, 8)
        self.alternatives.setValue(3)
        self.planner = QComboBox()
        self.planner.addItems(PLANNER_LABELS)
        self.planner.setToolTip("Rules: instant, from the cinematographer's grammar. Learned: the trajectory model moves the "
                                "rules' cameras (it hears the project's music); its alternatives are samples.")  # fmt: skip
        self.propose_button = QPushButton("Propose")
        self.propose_button.clicked.connect(self.propose)
        self.proposals = QListWidget()
        self.proposals.setMaximumHeight(64)
        self.proposals.currentRowChanged.connect(self._show)
        self.top_view = PlanTopView()
        self.report = QLabel()
        self.report.setWordWrap(True)
        self.report.setTextFormat(Qt.TextFormat.RichText)
        self.report.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.mode = QComboBox()
        self.mode.addItems(ACCEPT_MODES)
        self.accept_button = QPushButton("Accept")
        self.accept_button.setEnabled(False)
        self.accept_button.clicked.connect(self.accept)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #e06040")

        form = QFormLayout()
        form.addRow("Sequence", self.global_prompt)
        form.addRow("Planner", self.planner)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.text, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Alternatives"))
        row.addWidget(self.alternatives)
        row.addStretch(1)
        row.addWidget(self.propose_button)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.proposals)
        layout.addWidget(self.top_view, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.report)
        scroll.setMinimumHeight(70)
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addWidget(self.mode, 1)
        row.addWidget(self.accept_button)
        layout.addLayout(row)

    def propose(self) -> None:
        self.error.clear()
        self.proposals.clear()
        self.plans = []
        if not self.text.toPlainText().strip():
            # The planner makes a starting shot of empty words; a proposal of nothing is no use here.
            self.error.setText("the words are empty: say what the camera should do")
            self.accept_button.setEnabled(False)
            self._show(-1)
            return
        choice = PLANNERS[self.planner.currentIndex()]
        base_dir = self.document.path.parent if self.document.path else None
        try:
            used = resolve(choice, self.document.project)
            self.plans = plan_with(used, self.text.toPlainText(), self.document.project, self.alternatives.value(), base_dir=base_dir)
        except ShotlineError as exc:
            used = "rules"
            self.error.setText(str(exc))
        head = self.global_prompt.text().strip()
        for plan in self.plans:
            # The sequence line is the global prompt as typed; the body's own leading words add to it.
            plan.global_prompt = " ".join(t for t in (head, plan.global_prompt) if t)
        for k, plan in enumerate(self.plans):
            unknown = sum(len(p.spec.not_understood) for p in plan.shots)
            label = f"learned, sample {k + 1}" if used == "learned" else "as the rules say" if k == 0 else "variation"
            self.proposals.addItem(f"{k + 1}. {len(plan.shots)} shots, {label}" + (f" ({unknown} not understood)" if unknown else ""))
        if self.plans:
            self.proposals.setCurrentRow(0)
        self.accept_button.setEnabled(bool(self.plans))
        if not self.plans:
            self._show(-1)

    def current(self) -> Plan | None:
        row = self.proposals.currentRow()
        return self.plans[row] if 0 <= row < len(self.plans) else None

    def _show(self, _row: int) -> None:
        plan = self.current()
        positions = proposal_paths(plan, self.document) if plan else []
        self.top_view.show_plan(plan, positions)
        self.report.setText(plan_report(plan) if plan else "")
        self.ghostPaths.emit(positions)

    def accept(self) -> None:
        plan = self.current()
        if plan is None:
            return
        doc = self.document
        shots = [p.shot for p in plan.shots]
        if self.mode.currentIndex() == 0 or not doc.project.shots:
            doc.replace_shots(shots, plan.subjects, "Accept plan", plan.global_prompt or None)
        else:
            at = doc.shot_index(doc.selected_shot) + 1 if doc.selected_shot else len(doc.project.shots)
            existing = doc.project.shots
            doc.replace_shots(existing[:at] + shots + existing[at:], plan.subjects, "Insert planned shots", plan.global_prompt or None)
        doc.select(shots[0].id, -1)
        self.ghostPaths.emit([])  # the proposal is real now
        self.accepted.emit(len(shots))
