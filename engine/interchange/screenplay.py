"""Screenplays in: Fountain (parsed by screenplain) and Final Draft ``.fdx`` (XML, read with the
standard library's ElementTree: no maintained FDX reader exists on PyPI, and FDX is a flat list of
typed paragraphs that ElementTree reads in a few lines; expat refuses entity bombs and
ElementTree never fetches external entities).

A script becomes scenes; each scene its heading, number and elements in order: action, shot
headings ("CLOSE ON MARA"), dialogue with its speaker, transitions. Characters are the speakers,
their extensions ("(V.O.)", "(CONT'D)") removed, named as people write them ("Detective Ruiz").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import ShotlineError

MAX_SCRIPT_BYTES = 32 * 1024 * 1024

# A shot heading: an all-capitals line naming a framing (Fountain has no element for it; writers
# type them as capital lines, Final Draft has the "Shot" paragraph type).
SHOT_HEADING_RX = re.compile(
    r"^(?:(?:EXTREME |MEDIUM |VERY )?CLOSE(?:[ -]UP| ON)|(?:EXTREME |MEDIUM )?WIDE|WIDE SHOT|ESTABLISHING|ANGLE ON|NEW ANGLE|REVERSE|"
    r"POV|(?:[A-Z' ]+'S )?POV|INSERT|OVER|OTS|TWO[ -]SHOT|TRACKING|AERIAL|HIGH ANGLE|LOW ANGLE|OVERHEAD|MCU|ECU|CU|MS|WS|FULL SHOT|MEDIUM SHOT|"
    r"BACK TO SCENE|ON [A-Z]|FAVOR(?:ING)?|PUSH IN|DOLLY|CRANE|PAN|TILT|STEADICAM|HANDHELD)\b"
)
EXTENSION_RX = re.compile(r"\s*\((?:[^)]*)\)\s*|\s*\^\s*$")


@dataclass
class Element:
    kind: str  # "action", "shot", "dialogue", "transition"
    text: str
    speaker: str = ""


@dataclass
class Scene:
    number: str
    heading: str
    elements: list[Element] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        out: list[str] = []
        for e in self.elements:
            if e.speaker and e.speaker not in out:
                out.append(e.speaker)
        return out


@dataclass
class Script:
    title: str
    scenes: list[Scene]
    source: str = ""

    @property
    def characters(self) -> list[str]:
        out: list[str] = []
        for scene in self.scenes:
            for name in scene.speakers:
                if name not in out:
                    out.append(name)
        return out


def character_name(cue: str) -> str:
    """'DETECTIVE RUIZ (O.S.)' -> 'Detective Ruiz'; '@McCLANE' keeps its own capitals."""
    cue = cue.strip()
    forced = cue.startswith("@")
    name = EXTENSION_RX.sub(" ", cue.lstrip("@")).strip()
    name = re.sub(r"\s+", " ", name)
    if forced and not name.isupper():
        return name
    return " ".join(w[:1].upper() + w[1:].lower() for w in name.split(" "))


def is_shot_heading(line: str) -> bool:
    line = line.strip()
    return bool(line) and line == line.upper() and "\n" not in line and bool(SHOT_HEADING_RX.match(line.lstrip("!")))


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ShotlineError("no such script", path) from None
    except OSError as exc:
        raise ShotlineError(f"cannot read ({exc.strerror})", path) from None
    if path.is_dir():
        raise ShotlineError("is a folder, not a script", path)
    if size > MAX_SCRIPT_BYTES:
        raise ShotlineError(f"is too large for a script ({size} bytes)", path)
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ShotlineError("is a binary file, not a screenplay", path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ShotlineError(f"is not UTF-8 text (byte {exc.start})", path) from None


def read_fountain(path: str | Path) -> Script:
    import io

    from screenplain.parsers import fountain
    from screenplain.types import Action, Dialog, DualDialog, Slug, Transition

    path = Path(path)
    text = _read_text(path)
    try:
        play = fountain.parse(io.StringIO(text))
    except Exception as exc:  # screenplain raises whatever its regexes hit on odd input
        raise ShotlineError(f"not a Fountain screenplay ({type(exc).__name__}: {str(exc)[:100]})", path) from None
    title = " ".join(play.title_page.get("Title", [])).strip() or path.stem
    scenes: list[Scene] = []

    def current() -> Scene:
        if not scenes:  # action before the first heading: a scene of its own
            scenes.append(Scene("", ""))
        return scenes[-1]

    for para in play:
        if isinstance(para, Slug):
            number = str(para.scene_number) if para.scene_number is not None else ""
            scenes.append(Scene(number, str(para.line).strip()))
        elif isinstance(para, Action):
            for line in _action_paragraphs(str(line) for line in para.lines):
                current().elements.append(Element("shot" if is_shot_heading(line) else "action", line))
        elif isinstance(para, (Dialog, DualDialog)):
            for d in (para.left, para.right) if isinstance(para, DualDialog) else (para,):
                spoken = " ".join(str(t) for paren, t in d.blocks if not paren)
                current().elements.append(Element("dialogue", spoken, character_name(str(d.character))))
        elif isinstance(para, Transition):
            current().elements.append(Element("transition", str(para.line).strip()))
    return _numbered(Script(title, scenes, str(path)), path)


def _action_paragraphs(lines) -> list[str]:
    """An action block's lines as paragraphs; a capital shot line inside a block stands alone."""
    out, buf = [], []
    for line in lines:
        line = line.strip()
        if is_shot_heading(line):
            if buf:
                out.append(" ".join(buf))
                buf = []
            out.append(line)
        elif line:
            buf.append(line)
    if buf:
        out.append(" ".join(buf))
    return out


def read_fdx(path: str | Path) -> Script:
    import xml.etree.ElementTree as ET

    path = Path(path)
    text = _read_text(path)
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        line, col = exc.position
        raise ShotlineError(f"not a Final Draft file: bad XML at line {line} column {col}", path) from None
    if root.tag != "FinalDraft":
        raise ShotlineError(f"not a Final Draft file (the root element is <{root.tag}>, not <FinalDraft>)", path)
    content = root.find("Content")
    if content is None:
        raise ShotlineError("has no <Content> (a Final Draft script keeps its paragraphs there)", path, "Content")
    title_el = root.find("TitlePage/Content/Paragraph/Text")
    title = (title_el.text or "").strip() if title_el is not None else ""
    scenes: list[Scene] = []
    speaker = ""
    for para in content.iter("Paragraph"):
        kind = para.get("Type", "")
        words = re.sub(r"\s+", " ", "".join(t.text or "" for t in para.iter("Text"))).strip()
        if kind == "Scene Heading":
            scenes.append(Scene(para.get("Number", ""), words))
            continue
        if not words:
            continue
        if not scenes:
            scenes.append(Scene("", ""))
        scene = scenes[-1]
        if kind == "Character":
            speaker = character_name(words)
        elif kind == "Dialogue":
            scene.elements.append(Element("dialogue", words, speaker))
        elif kind == "Shot":
            scene.elements.append(Element("shot", words))
        elif kind == "Action":
            scene.elements.append(Element("shot" if is_shot_heading(words) else "action", words))
        elif kind == "Transition":
            scene.elements.append(Element("transition", words))
        # Parenthetical, General, Cast List …: not what the camera does
    return _numbered(Script(title or path.stem, scenes, str(path)), path)


def _numbered(script: Script, path: Path) -> Script:
    script.scenes = [s for s in script.scenes if s.heading or s.elements]
    if not script.scenes:
        raise ShotlineError("has no scenes: no scene heading, action or dialogue", path)
    for i, scene in enumerate(script.scenes):
        if not scene.number:
            scene.number = str(i + 1)
    return script


def read_script(path: str | Path) -> Script:
    """A Fountain (.fountain, .spmd, .txt) or Final Draft (.fdx) screenplay, by its name."""
    path = Path(path)
    if path.suffix.lower() == ".fdx":
        return read_fdx(path)
    if path.suffix.lower() in (".fountain", ".spmd", ".txt", ""):
        return read_fountain(path)
    raise ShotlineError(f"unknown screenplay type {path.suffix!r}: Shotline reads .fountain and .fdx", path)
