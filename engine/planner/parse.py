"""From a director's words to shot specifications: which size, angle, subject and moves each shot asks
for, which words said so, and which words the grammar did not understand."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from engine.planner import vocabulary as V

_L, _R = r"(?<![a-z0-9])", r"(?![a-z0-9])"


def _rx(pattern: str) -> re.Pattern:
    return re.compile(f"{_L}(?:{pattern}){_R}")


SIZE_RX = [(_rx(p), code) for p, code in V.SIZES]
FEATURE_CLOSE_UP_RX = _rx(V.FEATURE_CLOSE_UP)
ANGLE_RX = [(_rx(p), name) for p, name in V.ANGLES]
MOVE_RX = [(_rx(p), meaning) for p, meaning in V.MOVES]
DIRECTION_RX = [(_rx(p), d) for p, d in V.DIRECTIONS]
RIGHT_AS_CLOSE_RX = re.compile(V.RIGHT_AS_CLOSE)
SPEED_RX = [(_rx(p), s) for p, s in V.SPEEDS]
LENS_RX = [(_rx(p), f) for p, f in V.LENS_WORDS]
STATIC_RX = _rx(V.STATIC_WORDS)
TRIPOD_RX = _rx(V.TRIPOD_WORDS)
NEGATED_NOUN_RX = re.compile(rf"(?:{V.NEGATED_NOUNS}){_R}")
# "Jonas lunges for her", "the wind whips her coat", "the car pulls away": a move word whose subject is
# a thing of the set, not the camera (the horizon, the frame, the image rolling is the camera's).
THING_SUBJECT_RX = re.compile(r"(?<![a-z'])the\s+(?!camera|lens|frame|horizon|image|picture|shot|view|crane|jib|dolly|zoom|steadicam|operator|rig|move|head|arm|drone|column|slider|gimbal|pedestal)[a-z]+\s+(?:\w+ly\s+)?$")
NEGATION_RX = re.compile(rf"{_L}(?:{V.NEGATIONS})\s+(?:(?:a|an|any|the|camera|more|want|wants|need|needs|to|see)\s+)*")
# "we stay level", "keeping level": the camera does not tilt ("eye level", "ground level" are angles, read first)
# "locked, rolling", "we're rolling": the camera records (a roll of the frame says its way or stands before a noun)
ROLLING_RX = _rx(r"(?:we're |we are |camera(?:'s| is)? |and |keep |still )?rolling(?=\s*(?:[.,;!?]|$))")
LEVEL_SAID_RX = re.compile(r"lens level|gimbal level|horizon level|(?:lens|head|camera) (?:stays?|is|kept|keeps?) flat|(?:keep|keeps|keeping) (?:the )?(?:lens|head|camera) level|no tilt|no pitch|without tilting")
# ("roof level", "floor level", "street level" are heights, not a level lens)
LEVEL_RX = _rx(r"(?:lens|head|camera) (?:stays?|is|kept|keeps?) flat|(?:(?:stays?|staying|keeps?|keeping|kept|held|holding|dead|perfectly)\s+)*(?<!roof )(?<!floor )(?<!street )(?<!ground )(?<!table )(?<!waist )(?<!knee )(?<!hip )(?<!chest )(?<!head )(?<!shoulder )level(?! with)")
HANDHELD_RX = _rx(V.HANDHELD_WORDS)
STEADICAM_RX = _rx(V.STEADICAM_WORDS)
FLASH_RX = _rx(V.FLASH_WORDS)
TWO_SHOT_RX = _rx(V.TWO_SHOT_WORDS)
SINGLE_RX = _rx(V.SINGLE_WORDS)
TOGETHER_RX = _rx(V.TOGETHER)
CROSS_RX = _rx(V.CROSS_LINE)
REVERSE_RX = _rx(V.REVERSE)
SEQUENCE_RX = _rx(V.SEQUENCE)
NUMBER = r"\d+(?:\.\d+)?|" + "|".join(sorted((re.escape(w) for w in V.NUMBER_WORDS), key=len, reverse=True))
DURATION_RX = re.compile(
    rf"{_L}(?:for |over |lasting |hold for )?(?:(?P<n>{NUMBER})[- ]?(?P<u>seconds?|secs?|beats?|frames)|(?P<d>\d+(?:\.\d+)?) ?(?P<u2>s|f)){_R}"
)
DEGREES_RX = re.compile(rf"{_L}(?P<n>{NUMBER})[- ]?(?:°|degrees?|deg){_R}|(?P<n2>{NUMBER})°")
PORTION_RX = _rx(r"(?P<p>half|quarter|full|complete)(?:[- ]way)?(?: (?:orbit|circle|turn|arc|rotation))?|360")
FOCAL_RX = re.compile(rf"{_L}(?P<n>\d+(?:\.\d+)?) ?mm(?: lens)?{_R}")
METRES_RX = re.compile(rf"{_L}(?P<n>{NUMBER}) ?(?:m|metres?|meters?|(?P<ft>ft|feet|foot)){_R}")
# "from 50 to 150", "100 to 35mm": a zoom's focal lengths (a lens's range "24-290" is no move)
FOCAL_RANGE_RX = re.compile(r"(?:from\s+)?(?P<a>\d{2,3})\s*(?:mm)?\s+(?:to|->|→)\s+(?P<b>\d{2,3})(?:\s*mm)?(?![\d%°])(?!\s*(?:m\b|metres?|meters?|cm|ft|feet|deg|degrees|frames?|fr\b|f\b|sec|seconds?|s\b|%))")
RATIO_RX = re.compile(rf"{_L}(?P<n>\d+(?:\.\d+)?) ?x{_R}")
TARGET_SIZE_RX = re.compile(r"(?:to|into|until|ending on|landing on|settling on|finishing on) (?:an? |the )?$")
_COUNT = r"\d+|" + "|".join(w for w in V.NUMBER_WORDS if " " not in w and len(w) > 2)
_ORDINAL = "|".join(V.ORDINALS)
# "a 2 second shot", "a three-second shot" give a length; they are not "the second shot".
_NOT_AFTER_COUNT = r"(?<!\d)(?<!\d )(?<!\d-)" + "".join(f"(?<!{re.escape(w)} )(?<!{re.escape(w)}-)" for w in V.NUMBER_WORDS if w not in ("a", "an"))
# "Shot 2:", "Shot two.", "First shot:", "The third shot is", "In the next shot," — a new numbered shot.
SHOT_MARKER_RX = re.compile(
    rf"(?i)(?<![a-z])(?:(?:shot|panel|board|setup|set-up|frame|picture|fr\.|plate)\s*(?:{_COUNT}|[A-H](?=\s*[:.,)–—-])|(?-i:[A-H])(?=\s+[a-z]))\b(?![- ]shot)\s*[:.,)–—-]?|(?:in |for )?(?:the |our |a )?{_NOT_AFTER_COUNT}(?:{_ORDINAL}) (?:shot|picture|frame|panel|cut|plane|plan(?=\s*[:–—-]))\b(?:\s+(?:is|will be|be|should be|could be|can be))?\s*[:,–—-]?"
    # "After, other plan: camera stay fix": another shot said with a colon; "Bit one: … Bit two:"
    rf"|(?:(?<=[\s,.;])|^)(?:an)?other (?:shot|plan|plane|picture|angle|setup)\s*:|(?<![a-z])(?:bit|part|pass|run|cut|plan)\s+(?:{_COUNT})\s*[:–—-]|(?<![a-z])sh\s?\d{{2,4}}[a-z]?\s*[:–—-])\s*"
)
CUT_RX = re.compile(
    r"(?i)\b(?:smash |hard |match |jump |we |then )?cut(?:s|ting)? (?:(?:back |in )?to|into)\b[:,]?\s*|\bsmash cut\b[:,]?\s*|\b(?:and |then )?cut\s*[:–—]\s*"
    r"|,?\s*(?:and )?(?:then )?(?:we )?reset (?:for|to)\b\s*"  # "…, then reset for the wide": a new setup
    r"|,\s*(?:and )?(?:then )?(?:end|finish|close) (?:on|with) (?=an? (?:slow |quick |gentle |fast )?(?:zoom|push|pull|pan|tilt|crane|truck|arc|dolly|drift|track|whip)\b)"  # "…, and end on a slow zoom out from Jonas"
    r"|(?:\bthen\b[,:]?\s*)?\b(?:a |an )?(?:new|next|another|separate|second|different) (?:setup|set-up)\b[:,.–—]?\s*"
    r"|(?<=[;,.])\s*(?:then\s+)?(?:(?:uh|um|er)\s+)?cut\s*[;,.]\s*"  # "first a crane up off Jonas; cut; then a handheld MCU"
    r"|\s*(?:→|⟶|=>)\s*(?:cut\s*(?:→|⟶|=>)\s*)?"  # "high angle on both, static → cut → roll left on Jonas"
    r"|(?:\band then\b[,]?\s*)?\b(?:a |another )?(?:separate|new|different) shot\b(?:,\s*separate)?[:,.–—]?\s*"
    r"|,\s*(?:and )?then the (?:last|next|final|second|third|fourth) one\b[,:]?\s*"  # "…; then, new setup, zoom out": a camera set up anew
    r"|,?\s*(?:and )?then we (?:flip|turn|swing) (?:a)?round\b(?: (?:for|to|and))?\s*"  # "…, then we flip around for the single on Jonas"
)
# Sentence openings that start a new shot: "Then", "Next", "We see", "Reverse on", "Insert", "Meanwhile".
NEW_SHOT_RX = re.compile(r"(?i)^(?:(?:second|third|fourth|fifth|sixth)(?=[,:])|last up(?=[,:])|after(?:wards)?(?=,)|then|next|we see|we cut|reverse (?:on|angle|shot)|the reverse|insert|meanwhile|later|elsewhere|back (?:on|to)|and then|finally|lastly|last(?=[,:])|(?:and )?at the end(?=[, ])|in the end(?=,)|final (?:beat|shot|image|frame)(?=[,:])|open(?:ing)? on|(?:a |one )?flash(?: cut)? (?:of|to|on))\b[:,]?\s*")
_TIMES_OF_DAY = r"(?i:day|night|morning|evening|afternoon|dusk|dawn|sunset|sunrise|magic hour|moments later|later|continuous|same)"
# A scene heading, alone on its line or opening a paragraph ("INT. KITCHEN - NIGHT. Ana sits …"): up to
# its time of day, else to its first full stop, else to the end of the line — never the words after it.
SLUGLINE_RX = re.compile(
    rf"^[ \t]*(?:INT\./EXT|INT/EXT|I/E|INT|EXT|EST)\.?[ \t]+(?:[^\n]*?[ \t][-–—][ \t]*{_TIMES_OF_DAY}\b\.?|[^\n.]*(?:\.(?=\s|$))?)", re.M
)
PAN_WITH_RX = re.compile(r"(?:\s+(?:left|right|screen left|screen right))?\s+(?:with|after)\s+(?:him|her|them|[a-z]+)(?![a-z])(?! (?:shoulder|face|hand))")
FOLLOW_WITH_RX = re.compile(r"(?:to |and )?(?:follow|following|keep(?:ing)? with|stay(?:ing)? with)\s*$")
SENTENCE_RX = re.compile(r"(?<=[.!?])\s+")
# "First: … Second: … Third: …", "Finally - …": ordinals that open a sentence and number the shots.
ORDINAL_MARKER_RX = re.compile(rf"(?i)(?:^|(?<=[.!?;\n])\s*)(?:{_ORDINAL}|lastly|finally)\s*[:–—]\s*")
# "Two shots: first a pan right…, then Mara in close-up": a count said before the shots it lists.
SHOT_COUNT_RX = re.compile(rf"(?i)(?:^|(?<=[\s,(]))(?<!sc )(?<!sc\. )(?<!scene )(?<!seq )(?P<n>{_COUNT}) (?:(?:quick|short|little|extra|simple|more|fast|tiny)\s+)?(?:ones|options|versions|alternatives|variations|shots?|setups?|set-ups?|angles|planes|takes|bits|parts|pieces|pickups|more(?: shots| setups| pickups| angles)?)(?: please)?(?:(?:,| of| for)[^:.\n]{{1,40}}\s*[:.–—-]|\s+[^:.\n]{{1,40}}:|\s*[:.–—-])\s*")  # "Two shots, neither with a zoom:"
# "the first shot be a top shot …, and the second a tilt down": the list's next ordinal after a comma
# "…, and the third …", and in a spoken list "…, second, uh, pedestal up …, third one just a static wide"
ORDINAL_AND_RX = re.compile(rf"(?i)\s*[,;.]\s*(?:and\s+)?(?:(?:uh|um|er),?\s+)?(?=the (?:{_ORDINAL})\b(?! (?:time|half|take)\b)|(?:{_ORDINAL})(?: one\b|\s*,))")
THEN_SPLIT_RX = re.compile(r"(?i)\s*(?:[,;]\s*|\s)(?:and\s+)?(?:then|next|after that|and finally|finally|lastly|after(?=,)|afterwards(?=,))\b[:,]?\s*")
AND_SPLIT_RX = re.compile(r"(?i)\s*(?:[,;]\s*and\s+|;\s*|,\s*(?=an?\s|the\s))")
# "verse 1: … chorus: … bridge: …": a music video's sections, a shot each
SECTION_MARKER_RX = re.compile(r"(?i)(?:^|(?<=[.!?;\n])\s*)(?:intro|verse(?: \d+| one| two| three)?|pre-?chorus|chorus|bridge|breakdown|drop|outro|middle eight)\s*[:–—]\s*")
ANY_MARKER_RX = re.compile(f"{SHOT_MARKER_RX.pattern}|{ORDINAL_MARKER_RX.pattern.removeprefix('(?i)')}|{SECTION_MARKER_RX.pattern.removeprefix('(?i)')}", re.I)
LIST_ITEM_RX = re.compile(r"(?m)^[ \t]*(?:(?:\d{1,2}|[a-h])[.)]|[*•·–-])[ \t]+")
# "1) follow Mara 2) tilt down", "(1) top shot (2) …", "1A ped down. 1B pull out. 1C …": a list inside a line
INLINE_ITEM_RX = re.compile(
    r"(?:^|(?<=\s))(?:\((?P<a>\d{1,2})\)|(?P<b>\d{1,2})\)|(?P<n>\d{1,3})(?P<l>[A-H]|[a-h](?=[\s=:]))(?=[\s:.,)=])|\(?(?P<c>[a-h])\)|(?<![A-Za-z])(?P<u>[A-H])[:)](?=\s))[:.)=]?\s*"
    r"|(?i:(?:^|(?<=[.;!?:]\s)|(?<=\.\s\s)|(?<=[.;!?:]\sand\s))(?P<w>one|two|three|four|five|six|seven|eight)\b\s*[,:.–—-]\s*(?:(?:er|um|uh),?\s+(?:(?P=w)\b[,:]?\s*)?)?)"
    # an editor's shot codes, counting in tens: "020 - pedestal up is fine. 030 - change the pan …"
    r"|(?:^|(?<=[.;!?:]\s))(?P<k>\d{3,4})\s*[-–—:]\s+"
    # "… inevitable. 1. A dolly zoom out on Mara … 2. Cut hard to a static overhead": a list after a sentence
    r"|(?:^|(?<=[.;!?:]\s))(?P<d>[1-9])\.\s+(?=[A-Z])"
)
# "the second is a locked-off wide", "the last one:": the list's words, after a count
LIST_ORDINAL_RX = re.compile(rf"(?i)^(?:the )?(?:{_ORDINAL})(?: one| shot)?(?:'s| is| will be)?\b[:,]?\s*(?:(?:uh|um|er)\b,?\s*)?")
# "Two shots. The first is a zoom in … The second one's a truck right": sentences that open with the list's ordinal
LIST_SENTENCE_RX = re.compile(rf"(?i)(?<=[.;!?])\s+(?=the (?:{_ORDINAL})\b)")
FIRST_RX = re.compile(r"(?i)^(?:first(?:ly)?|to start|to begin)\b[:,]?\s*")
WORD_RX = re.compile(r"[a-z][a-z'’-]*")


def number(text: str) -> float:
    text = text.strip()
    return float(V.NUMBER_WORDS[text]) if text in V.NUMBER_WORDS else float(text)


@dataclass
class MoveSpec:
    family: str  # dolly, truck, pedestal, crane, arc, pan, tilt, roll, zoom, dolly_zoom, whip_pan, follow, reveal
    direction: str | None
    speed: str | None = None  # slow | normal | fast, None when not said
    degrees: float | None = None
    metres: float | None = None
    ratio: float | None = None
    seconds: float | None = None
    target_size: str | None = None
    words: str = ""
    start: int = 0  # character offset in the shot's text
    together: bool = False  # happens at the same time as the move before it ("crane up and tilt down")
    follows: str | None = None  # a pan or tilt that keeps this subject in frame as it moves


@dataclass
class Action:
    """What a subject does in the shot: a walk to somewhere, a change of pose."""

    subject: str
    verb: str  # walk | run | chase | sit | stand | crouch | lie | point | turn | talk
    words: str
    # a set piece's word ("door"), "past" (across the frame) or one of CAMERA_TARGETS
    target: str | None = None
    other: str | None = None  # whom a chase runs after ("" for "him"/"her": the other person)
    # "is sitting at the table", "is seated", "sits at the table, reading": how the shot finds them
    # (posed from its first frame), not something they do during it ("sits down", "takes a seat")
    state: bool = False
    # "by", "beside", "next to", "against" the piece: they stand with their back to it (the tank
    # behind Jonas), not facing it as someone "at" the table or the door does
    back_to: bool = False
    # a crossing's screen direction, "left" or "right" ("crosses the frame from right to left")
    way: str | None = None


# Where a walk goes that the camera, not the set, says: "toward us", "away from camera", "past the camera".
CAMERA_TARGETS = ("toward camera", "away from camera", "past camera")
# A walk's target when it goes to someone ("Jonas walks to Mara", "she walks over to him"): the
# action's ``other`` says whom ("" for "him"/"her": the other person).
TO_PERSON = "to person"


@dataclass
class Clause:
    """A piece of the shot's text between commas and joining words, with the words no rule used."""

    start: int
    end: int
    text: str
    leftovers: list[str]
    understood: bool  # some rule used a word of it


@dataclass
class ShotSpec:
    text: str
    size: str | None = None
    angles: list[str] = field(default_factory=list)
    subject: str | None = None
    foreground: str | None = None  # over whose shoulder
    pov_of: str | None = None
    moves: list[MoveSpec] = field(default_factory=list)
    static: bool = False
    holds: tuple[float, float] = (0.0, 0.0)  # seconds the camera holds before its moves ("hold, then push in") and after them ("pan left, then hold")
    handheld: bool = False
    reverse: bool = False
    cross_line: bool = False
    seconds: float | None = None
    focal_mm: float | None = None
    steadicam: bool = False
    focus: list[str] = field(default_factory=list)  # rack focus words (the camera holds; see plan.py)
    flash: bool = False  # a flash cut: shorter than the minimum shot length
    two_shot: bool = False  # both people of the exchange in frame ("two-shot", "50-50")
    single: bool = False  # one person alone in frame ("a single on Mara")
    actions: list[Action] = field(default_factory=list)
    set_pieces: list[str] = field(default_factory=list)  # set-piece words named ("door", "table")
    locations: list[str] = field(default_factory=list)  # locations named ("kitchen", "corridor")
    clauses: list[Clause] = field(default_factory=list)
    bank_matches: list = field(default_factory=list)  # phrase_bank.Match of clauses the rules missed
    explanation: list[tuple[str, str]] = field(default_factory=list)  # (words, what they chose)
    not_understood: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# "handheld not needed", "handheld isn't necessary": a shake refused after it is said
HANDHELD_REFUSED_RX = re.compile(r"\s*(?:(?:is\s+)?not|isn't|is\s+not)\s+(?:needed|necessary|required|wanted)(?![a-z])|\s*(?:is\s+)?unnecessary(?![a-z])")
HYPHENATED_MOVE_RX = re.compile("(?:" + "|".join(f"(?<={w})" for w in ("dolly", "push", "pull", "track", "truck", "crab", "pan", "tilt", "zoom", "crane", "jib", "boom", "pedestal", "ped")) + r")-(?=(?:in|out|up|down|back|left|right)\b)")


class _Text:
    """Lower-case text with a record of which characters some rule has used."""

    def __init__(self, text: str):
        self.raw = text
        # "a dolly-out", "push-in", "tilt-up": a hyphenated move reads as the move (same length: the indices hold)
        self.low = HYPHENATED_MOVE_RX.sub(" ", text.lower().replace("’", "'"))
        self.used = [False] * len(self.low)

    def find(self, rx: re.Pattern, consume: bool = True, skip_used: bool = True):
        out = []
        for m in rx.finditer(self.low):
            if skip_used and any(self.used[m.start() : m.end()]):
                continue
            if consume:
                self.use(m.start(), m.end())
            out.append(m)
        return out

    def use(self, a: int, b: int) -> None:
        self.used[a:b] = [True] * (b - a)

    def words(self, a: int, b: int) -> str:
        return self.raw[a:b]

    def leftovers(self) -> list[str]:
        return self.leftovers_in(0, len(self.low))

    def leftovers_in(self, a: int, b: int) -> list[str]:
        out = []
        for m in WORD_RX.finditer(self.low, a, b):
            if any(self.used[m.start() : m.end()]):
                continue
            w = m.group().strip("'-")
            if w.endswith("'s"):
                w = w[:-2]
            if w and w not in V.STOPWORDS and w not in V.NUMBER_WORDS:
                out.append(self.raw[m.start() : m.start() + len(w)])
        return out


def _first(rxs, text: _Text, consume: bool = True):
    hits = [(m, value) for rx, value in rxs for m in text.find(rx, consume)]
    hits.sort(key=lambda h: (h[0].start(), -h[0].end()))
    out, end = [], -1
    for h in hits:  # of overlapping matches (not consumed), the first and longest
        if h[0].start() >= end:
            out.append(h)
            end = h[0].end()
    return out


OTS_ONTO = r"\s*(?:>|->|\||onto\b|on to\b|to\b|on\b|,?\s*(?:so|with) (?:his|her|their) shoulder\b|,?\s*(?:looking|seeing|facing|watching)\s+(?:at\s+|toward\s+|towards\s+)?|,?\s*over (?:his|her|their) shoulder\b|,?\s*(?:and\s+)?we see\b)"


def _subjects(text: _Text, names: list[str], spec: ShotSpec) -> None:
    named = []
    for name in names:
        rx = re.compile(rf"{_L}{re.escape(name.lower())}(?P<pos>'s)?{_R}")
        for m in text.find(rx, consume=False, skip_used=False):  # "over Jonas's shoulder" used the name
            text.use(m.start(), m.start() + len(name))
            named.append((m.start(), name, bool(m.group("pos"))))
    named.sort()
    low = text.low
    for start, name, possessive in named:
        after = low[start : start + len(name) + 20]
        before = low[max(0, start - 30) : start]
        if (possessive and "shoulder" in after) or re.search(r"shoulder (?:of|from)\s*$", before):
            spec.foreground = name
        elif re.search(r"\b(?:(?:ots|over[- ]the[- ]shoulder)(?:\s+shot)?(?:\s+(?:from\s+)?(?:behind|past|over))?|over|(?:from\s+)?behind)\s*$", before) and re.match(OTS_ONTO, low[start + len(name) + (2 if possessive else 0) :]):
            # "OTS Mara > Jonas", "over Jonas onto Mara", "from behind Jonas, over his shoulder, we see
            # her", "OTS from behind Mara looking at Jonas", "OTS over Jonas | Mara": the first is the
            # foreground shoulder
            spec.foreground = name
            if "over-the-shoulder" not in spec.angles:
                spec.angles.append("over-the-shoulder")
        elif re.search(r"\bpast\s*$", before) and re.match(r"\s+(?:toward|towards|to|onto|on to)\s+\S", low[start + len(name) :]):
            continue  # "Push past Mara toward Jonas": the shot is of who it ends on
        elif fg := FOREGROUND_RX.match(low, start + len(name) + (2 if possessive else 0)):
            # "OTS, Jonas in the foreground, on Mara", "Mara (foreground) and Jonas": hers is the shoulder
            spec.foreground = name
            text.use(fg.start("w"), fg.end())
        elif possessive and (re.search(r"\bpov\b|point of view", after) or (re.search(r"\beyes\b", after) and re.search(r"\b(?:through|(?<!out )(?<!back )(?<!away )(?<!in )(?<!up )(?<!down )from|(?<!level )with|behind)\s*$", before))):
            # ("zoom out from Mara's eyes": the move starts on her eyes; it is not through them)
            # "through Jonas's eyes" is his point of view; "into Jonas's eyes" frames them
            spec.pov_of = name
        elif spec.pov_of is None and re.search(r"\b(?:his|her|their)\s+(?:pov|point of view)\s+(?:of|on|onto)?\s*$", before):
            # "her POV of Jonas": Jonas is what she sees; she is the other person
            spec.subject = spec.subject or name
            others = [n for n in names if n != name]
            spec.pov_of = others[0] if len(others) == 1 else None
        elif spec.pov_of is None and re.search(r"\b(?:pov|point of view)(?: of)?\s*$", before):  # "Jonas's POV of Mara": hers is the shot
            spec.pov_of = name
        elif spec.subject is None:
            spec.subject = name
    if spec.subject is None and spec.foreground is not None and len(named) > 1:
        others = [n for _, n, _ in named if n != spec.foreground]
        spec.subject = others[0] if others else None


FOREGROUND_RX = re.compile(r"\s*\(?\s*(?P<w>(?:(?:is|stays|remains|sits|stands|framed|large|soft|blurred|out of focus)\s+)*(?:in\s+)?(?:the\s+)?(?:fg|foreground)\b\)?)")


HOLD_S = 1.0  # "hold, then push in": the beat of stillness before (or after) the moves, unless said


def hold_in_sequence(spec: ShotSpec, fps: float = 24.0) -> None:
    """"Hold on Jonas, then push in", "pan left, then hold", "push in and hold": a hold put in
    order with the moves is a beat of stillness before or after them, not a contradiction. A length
    said with it ("hold for two seconds, then …") is the hold's, not the shot's."""
    low = spec.text.lower()
    still = [(m.start(), m.end()) for m in STATIC_RX.finditer(low)]
    first, last = min(m.start for m in spec.moves), max(m.start + len(m.words) for m in spec.moves)
    before = next((b for _, b in still if b <= first and SEQUENCE_RX.search(low[b:first])), None)
    after = next((a for a, _ in still if a >= last and (SEQUENCE_RX.search(low[last:a]) or re.fullmatch(r"\W*and\W*", low[last:a]))), None)
    if before is None and after is None:
        return
    hold_before = 0.0
    if before is not None:
        said = DURATION_RX.search(low, before, first)
        hold_before = _seconds(said, fps) if said else HOLD_S
        if said and spec.seconds is not None and abs(spec.seconds - hold_before) < 1e-9:
            spec.seconds = None
        for move in spec.moves[:1]:
            if said and move.seconds is not None and abs(move.seconds - hold_before) < 1e-9:
                move.seconds = None
    spec.holds = (hold_before, HOLD_S if after is not None else 0.0)
    spec.static = False
    spec.explanation.append(("hold", "the camera holds " + " and ".join(f"{s:g} s {w}" for w, s in (("before the move", spec.holds[0]), ("after it", spec.holds[1])) if s)))


def _nearest(hits, a: int, b: int, prefer_after: int):
    """The hit nearest after ``prefer_after`` within [a, b), else the nearest before it."""
    after = [h for h in hits if prefer_after <= h[0].start() < b]
    if after:
        return min(after, key=lambda h: h[0].start())
    before = [h for h in hits if a <= h[0].start() < prefer_after]
    return max(before, key=lambda h: h[0].start()) if before else None


FAMILY_FIXES = {
    ("pan", "up"): ("tilt", "up", "a pan up is a tilt"),
    ("pan", "down"): ("tilt", "down", "a pan down is a tilt"),
    ("tilt", "left"): ("pan", "left", "a tilt left is a pan"),
    ("tilt", "right"): ("pan", "right", "a tilt right is a pan"),
    ("truck", "up"): ("pedestal", "up", "a truck up is a pedestal"),
    ("truck", "down"): ("pedestal", "down", "a truck down is a pedestal"),
    ("pedestal", "left"): ("truck", "left", "a pedestal left is a truck"),
    ("pedestal", "right"): ("truck", "right", "a pedestal right is a truck"),
    ("dolly", "left"): ("truck", "left", "a dolly left is a truck"),
    ("dolly", "right"): ("truck", "right", "a dolly right is a truck"),
}
ALLOWED = {
    "dolly": {"in", "out"}, "truck": {"left", "right"}, "pedestal": {"up", "down"}, "crane": {"up", "down"},
    "arc": {"left", "right", "clockwise", "counterclockwise"}, "pan": {"left", "right"}, "tilt": {"up", "down"},
    "roll": {"left", "right", "clockwise", "counterclockwise"}, "zoom": {"in", "out"}, "dolly_zoom": {"in", "out"},
    "whip_pan": {"left", "right"}, "follow": {"left", "right"}, "reveal": {"left", "right", "up", "out"},
}  # fmt: skip


CAMERA_ONLY = ("zoom", "dolly_zoom", "whip_pan", "focus", "crane")


def _persons_move(text: _Text, names: list[str], m: re.Match, meaning: tuple = ("", None)) -> int | None:
    """Where the doer of a move's verb starts, when a person or a thing of the set does it ("Mara and
    Jonas circle each other", "Jonas backs away", "she drops", "the wind whips her coat"): what they
    do, not the camera. None when the camera (or no one) does."""
    if re.match(r"(?:tracking|crane|jib) shot", m.group()):
        return None
    before = text.low[max(0, m.start() - 60) : m.start()]
    thing = THING_SUBJECT_RX.search(before)
    if thing and re.match(r"[a-z]+(?:s|es|ing)\b", m.group()):  # "the wind whips", "the car pulls away" (a verb of the thing)
        return m.start() - len(before) + thing.start()
    if meaning[0] in CAMERA_ONLY or re.match(r"(?:dolly|dollies|truck|trucks|crab|crabs|ped|pedestal|pan|pans|jib|boom)\b", m.group()):
        return None  # "whip pan left to mara then crash zoom on her", "12B mcu mara dolly in": no one but the camera zooms or dollies
    people = "|".join([re.escape(n.lower()) for n in names] + ["he", "she", "they"])
    # ("Jonas sort of sinks", "Mara stands and turns to the left": theirs too)
    who = re.search(rf"(?<![a-z'])(?P<w>(?:{people})(?:\s+(?:and|&)\s+(?:{people}))?)\s+(?:(?:is|are|was|were)\s+)?(?:\w+ly\s+|then\s+|still\s+|both\s+|just\s+|sort of\s+|kind of\s+|[a-z]+s\s+and\s+(?:then\s+)?)?$", before)
    return m.start() - len(before) + who.start("w") if who else None


LOOK_LOCKED_RX = re.compile(r"(?<![a-z])keep(?:s|ing)? (?:him|her|them|mara|jonas) (?:framed|in frame|in the frame|in shot)|(?<![a-z])look(?:s|ing)? (?:at|on|down (?:at|on|to)) (?:him|her|them|the two|both|mara|jonas)(?: and (?:mara|jonas))? (?:the )?(?:whole|all the|all) time\b|(?:look-?at|target|aim)\s+(?:stays?\s+|is\s+)?(?:locked|fixed|glued|pinned)\s+(?:on|to)\b|(?<![a-z])(?:still|always|all the while|the whole time|all (?:the )?time) (?:watching|looking at|looking on|on|framing) (?:him|her|them|the two|both|mara|jonas)(?![a-z])|(?<![a-z])(?:watching|looking (?:at|on|down (?:at|on|to))) (?:him|her|them|the two|both|mara|jonas)(?: and (?:mara|jonas))? (?:the )?(?:whole|all the|all) time\b")
ABOVE_SUBJECT_RX = re.compile(r"(?<![a-z])(?:(?:high |far |way )?above (?:her|him|them|the two of them|the pair|both)(?![a-z])|looks? up (?:into the lens|into camera|at (?:us|the camera|camera|the lens))|look(?:s|ing)? down (?:on|at)\b|(?:still|while) looking at (?:him|her|them|the two|both|[a-z]+)\b)")
# "a boom down onto Mara in the chair", "boom down from the top of the antenna to Mara": a descent from
# high onto someone keeps them in the lens (a level lens would start on the sky); "to her eye line" is level
_WHO = r"(?:him|her|them|the two|the pair|both|mara|jonas)(?![a-z'])"
DOWN_ONTO_SUBJECT_RX = re.compile(rf"(?<![a-z])onto {_WHO}|(?<![a-z])from (?:the top of|high|way up|up high|high above|above|the roof of|the (?:antenna|tank|water tank|water tower|sky|stair housing|roof))\b[^.;]{{0,50}}?\bto {_WHO}")
GENERIC_SIZE_RX = re.compile(r"(?:tight|close) on|tight shot|close shot|establishing(?: shot)?")
def keeps_looking_at_the_subject(low: str, direction: str | None, after: int = 0, word: str = "") -> bool:
    """A pedestal that keeps its lens on the subject, which makes it a crane: "boom up off Mara,
    rising high above her", "lift up while still looking at Jonas" (after ``after``), or a descent
    "with the look-at locked on her" (not when the lens is said to stay level)."""
    # (a pedestal said by its name stays one: "pedestal down from the antenna to Jonas"; the words
    # looked at end at the next move's: "ped down while panning right onto Jonas" is the pan's landing)
    descends_onto = False
    if direction == "down" and not re.match(r"ped(?:estal)?s?\b", word) and not LEVEL_SAID_RX.search(low):
        ahead = [h.start() for rx, _ in MOVE_RX if (h := rx.search(low, after)) is not None]
        descends_onto = DOWN_ONTO_SUBJECT_RX.search(low, after, min(ahead, default=len(low))) is not None
    return (direction == "up" and ABOVE_SUBJECT_RX.search(low, after) is not None) or descends_onto or (LOOK_LOCKED_RX.search(low) is not None and not LEVEL_SAID_RX.search(low))


def _direction_of(m: re.Match) -> str | None:
    return next((d for rx, d in DIRECTION_RX if rx.fullmatch(m.group())), None)


def _way_near(text: _Text, m: re.Match, directions: list) -> bool:
    """A way is said within a few words after the move word ("circle Mara to the right")."""
    return any(0 <= d.start() - m.end() <= 25 and not re.search(r"[.;!?]", text.low[m.end() : d.start()]) for d, _ in directions)


def _own_way(text: _Text, m: re.Match) -> str | None:
    """The way a move word says itself: in the word ("push in") or straight after it ("pan left")."""
    return next((d for rx, d in DIRECTION_RX if rx.search(m.group()) or rx.match(text.low, m.end() + 1)), None)


def _says_its_way(text: _Text, m: re.Match) -> bool:
    return _own_way(text, m) is not None


AS_WE_RX = re.compile(r"\bas (?:we|you|it|the (?:camera|jib|crane|drone|arm))\s+$")
RIG_RX = re.compile(r"(?:pedestal|crane|jib|dolly|boom)s?")


def _moves(text: _Text, spec: ShotSpec, sizes: list, fps: float, names: list[str] = ()) -> None:
    move_hits = []
    for m, meaning in _first(MOVE_RX, text):
        who = _persons_move(text, list(names), m, meaning)
        if who is None:
            move_hits.append((m, meaning))
        else:
            spec.explanation.append((text.words(who, m.end()), "what they do, not the camera"))
    if len(move_hits) > 1 and any(mn[0] == "reveal" for _, mn in move_hits):
        # "pull back and reveal the whole roof", "truck left, revealing Jonas": what the move shows
        for m, mn in move_hits:
            if mn[0] == "reveal":
                spec.explanation.append((text.words(m.start(), m.end()), "what the move reveals: no move of its own"))
        move_hits = [(m, mn) for m, mn in move_hits if mn[0] != "reveal"]
    if not move_hits:
        return
    # Modifiers are only used up when a move takes them.
    # "circle Mara to the right, not the left": a way said not to go is no way
    close = [m.start() for m in RIGHT_AS_CLOSE_RX.finditer(text.low)]
    directions = [d for d in _first(DIRECTION_RX, text, consume=False) if d[0].start() not in close and not re.search(r"(?:not|never|rather than|instead of)\s+(?:the\s+|to the\s+|to\s+)?$", text.low[max(0, d[0].start() - 20) : d[0].start()])]
    speeds = _first(SPEED_RX, text, consume=False)
    durations = [(m, None) for m in text.find(DURATION_RX, consume=False)]
    degrees = [(m, None) for m in text.find(DEGREES_RX, consume=False)] + [(m, None) for m in text.find(PORTION_RX, consume=False)]
    metres = [(m, None) for m in text.find(METRES_RX, consume=False)]
    ratios = [(m, None) for m in text.find(RATIO_RX, consume=False)]
    # "tracking shot following Mara": two words for one move, nothing saying "then" between them.
    kept = move_hits[:1]
    follows: dict[int, bool] = {}
    merged_ways: set[int] = set()  # moves whose way came from a second word merged into them
    for m, meaning in move_hits[1:]:
        prev_m, prev_meaning = kept[-1]
        between = text.low[prev_m.end() : m.start()]
        vertical = {meaning[0], prev_meaning[0]} == {"pedestal", "crane"}  # "rise up on a crane": one crane
        # "lower the camera on the pedestal", "descend on the jib": the rig the move is made on, not a second move
        rig = RIG_RX.fullmatch(m.group()) is not None and re.search(r"(?:on|from|off|with|using|via) (?:(?:the|a|an|our)\s*)?$", between) is not None
        if rig and vertical and len(between) < 60 and not SEQUENCE_RX.search(between) and not re.search(r"[.;!?]", between):
            # "we float up from rooftop level on a jib": the rig the rise is made on, a crane if a crane's
            if meaning[0] == "crane":
                kept[-1] = (prev_m, ("crane", prev_meaning[1]))
            text.use(m.start(), m.end())
            continue
        said_way = _says_its_way(text, m)
        opposite = meaning[0] == prev_meaning[0] and None not in (meaning[1], prev_meaning[1]) and meaning[1] != prev_meaning[1] and not rig and said_way
        again = meaning[0] == prev_meaning[0] and not said_way and (re.search(r"(?:the|that|this|our)\s*$", between) is not None or len(between) < 60) and not SEQUENCE_RX.search(between)
        again = again or (meaning[0] == "follow" and prev_meaning[0] == "follow" and len(between) < 150 and not SEQUENCE_RX.search(between))
        # "…, then the camera looks down until we find Jonas. …, it just looks down.": the move explained again
        again = again or (meaning[0] == prev_meaning[0] and re.search(r"\b(?:just|only|simply)\b", text.low[max(0, m.start() - 12) : m.end()]) is not None and not re.search(r"\b(?:then|next|after|again)\b", between))
        if again and not _says_its_way(text, prev_m) and prev_meaning[1] in (None, "left") and _way_near(text, m, directions) and not _way_near(text, prev_m, directions):
            # "the orbit is good but reverse it — camera should circle Mara to the right": the way comes with the second word
            text.use(prev_m.start(), prev_m.end())
            kept[-1] = (m, meaning)
            continue
        if again:  # "Swing the head left and carry Mara on the pan", "circle camera-right …, slow arc": the move said again
            text.use(m.start(), m.end())
            continue
        same = next((k for k in reversed(kept[:-1]) if k[1][0] == meaning[0] or {k[1][0], meaning[0]} == {"pedestal", "crane"}), None)
        span = text.low[same[0].end() : m.start()] if same else ""
        if same and not said_way and AS_WE_RX.search(between) and len(span) < 150 and not SEQUENCE_RX.search(span):
            # "Jib up …, tilting down as we rise": the rise is the jib's, said again with the tilt
            text.use(m.start(), m.end())
            continue
        prev_way = _says_its_way(text, prev_m)
        if meaning[0] == prev_meaning[0] and said_way and not prev_way and prev_meaning[1] is None and not SEQUENCE_RX.search(between):
            # "a dead simple pan — off Jonas … Camera stays where it is, just swing the head left": one pan, this way
            text.use(prev_m.start(), prev_m.end())
            kept[-1] = (m, meaning)
            continue
        if (meaning[0] == prev_meaning[0] or vertical) and not opposite and not SEQUENCE_RX.search(between) and len(between) < 25:
            way = _own_way(text, m) or meaning[1]
            if vertical and prev_meaning[0] == "pedestal":
                kept[-1] = (prev_m, ("crane", prev_meaning[1]))
            elif way is not None or prev_meaning[1] is None:
                # "Technocrane drops down", "the crane camera comes down", "pedestal down on the column": the
                # second word's way, unless the first says its own straight after it
                adjacent = _own_way(text, prev_m)
                if adjacent or way:
                    kept[-1] = (prev_m, (prev_meaning[0], adjacent or way))
                    merged_ways.add(prev_m.start())
            text.use(m.start(), m.end())
            continue
        if meaning[0] == "crane" and not said_way and prev_meaning[0] in ("pedestal", "crane") and len(between) < 150 and not SEQUENCE_RX.search(between):
            # "I want us to come down to Jonas from way above. A real crane move": the rig of the descent before
            kept[-1] = (prev_m, ("crane", prev_meaning[1]))
            text.use(m.start(), m.end())
            spec.explanation.append((text.words(m.start(), m.end()), f"the rig of '{text.words(prev_m.start(), prev_m.end())}': a crane"))
            continue
        crane = next((k for k in reversed(kept) if k[1][0] == "crane"), None)
        span = text.low[crane[0].end() : m.start()] if crane else ""
        # (across a full stop only as a restatement: "Jib up off Jonas. Keep him in frame as we rise …")
        if crane and meaning[0] in ("pedestal", "crane") and len(span) < 150 and not SEQUENCE_RX.search(span) and (not re.search(r"[.;!?]", span) or AS_WE_RX.search(between)):
            if meaning[1] is None or not said_way:
                # "jib up on Jonas, tilt with him …, rise to about 12 ft": the crane's rise said again
                text.use(m.start(), m.end())
                if crane[1][1] is None and meaning[1] is not None:
                    kept[kept.index(crane)] = (crane[0], ("crane", meaning[1]))
                continue
            if not _says_its_way(text, crane[0]):
                # "Technocrane: we start way up above the tower and boom down onto Jonas": the rig, then its move
                text.use(crane[0].start(), crane[0].end())
                spec.explanation.append((text.words(crane[0].start(), crane[0].end()), f"the rig of '{text.words(m.start(), m.end())}'"))
                kept[kept.index(crane)] = (m, ("crane", meaning[1]))
                continue
        crane_way = crane and (_own_way(text, crane[0]) or crane[1][1])
        if meaning[0] == "tilt" and crane_way in ("up", "down"):
            keeping = "down" if crane_way == "up" else "up"
            span = text.low[crane[0].end() : m.start()]
            way = next((d for d, w in directions if 0 <= d.start() - m.end() <= 12 and w in ("up", "down")), None)
            if len(span) < 80 and not SEQUENCE_RX.search(span) and not re.search(r"[.;!?]", span) and (way is None or _direction_of(way) == keeping):
                # "jib up on Jonas, tilting to hold him": the tilt that keeps the crane's subject framed is the crane's
                if way is not None:
                    text.use(way.start(), way.end())
                    directions = [d for d in directions if d[0] is not way]
                text.use(m.start(), m.end())
                spec.explanation.append((text.words(m.start(), m.end()), "the crane's own tilt, keeping its subject framed: no move of its own"))
                continue
        # "pan right to follow Jonas": one pan that keeps Jonas in frame, not a pan then a follow.
        if meaning[0] == "follow" and prev_meaning[0] in ("pan", "tilt", "whip_pan") and len(between) < 30 and FOLLOW_WITH_RX.search(text.low[prev_m.end() : m.end()]):
            text.use(m.start(), m.end())
            follows[prev_m.start()] = True
            continue
        kept.append((m, meaning))
    move_hits = kept
    bounds = [m.start() for m, _ in move_hits] + [len(text.low)]
    taken: set[int] = set()
    for i, (m, (family, default)) in enumerate(move_hits):
        lo = bounds[i - 1] if i else 0
        if i:
            lo = max(lo, move_hits[i - 1][0].end())
        hi = bounds[i + 1]

        def pick(hits, lo=lo, hi=hi, at=m.end()):
            free = [h for h in hits if id(h[0]) not in taken]
            h = _nearest(free, lo, hi, at)
            if h is not None:
                taken.add(id(h[0]))
                text.use(h[0].start(), h[0].end())
            return h

        bare = re.sub(r"\b(?:right|straight|all the way) (?=(?:in|out|up|down|back)\b)", "", m.group())  # "push right in"
        inner = next((way for rx, way in DIRECTION_RX if rx.search(bare)), None)
        # "Dolly out from Mara while the head pans right": a move word that says its way takes no other
        # "turn around Jonas in a circle to the right": an orbit or a roll takes a sideways way only, not the "in" of
        # "in a circle"; a crane only up or down ("jib descends to Mara at the left ledge")
        ways = [h for h in directions if h[1] in ALLOWED[family]] if family in ("arc", "roll", "crane", "truck") else directions
        d = None if inner or (family == "zoom" and default) or family == "follow" or m.start() in merged_ways else pick(ways, m.end(), min(hi, m.end() + 40)) or pick(ways, max(lo, m.start() - 20), m.start())
        direction = d[1] if d else (inner or default)
        words = text.words(m.start(), m.end()) + (f" {text.words(d[0].start(), d[0].end())}" if d else "")
        if family in ("arc", "roll") and direction in ("up", "down", "in", "out"):
            direction = default
        fix = FAMILY_FIXES.get((family, direction))
        if fix:
            family, direction, why = fix
            spec.explanation.append((words, why))
        if family not in ALLOWED:  # rack focus: no direction of travel
            direction = None
        elif direction is not None and direction not in ALLOWED[family]:
            spec.warnings.append(f"'{words}': a {family.replace('_', ' ')} does not go {direction}; used its usual direction")
            direction = default
        if family == "pedestal" and keeps_looking_at_the_subject(text.low, direction, m.end(), m.group()):
            family = "crane"
            spec.explanation.append((words, "a rise or descent that keeps looking at the subject is a crane"))
        move = MoveSpec(family, direction, words=words, start=m.start())
        if i:
            between = text.low[move_hits[i - 1][0].end() : m.start()]
            after = text.low[m.end() : hi]
            # "Descend on the jib, tilting up": a participle after a comma goes with the move before it
            participle = re.match(r"[a-z]+ing\b", text.low[m.start() : m.end()]) is not None and re.search(r",\s*$", between) and not re.search(r"[.;!?]", between)
            move.together = not SEQUENCE_RX.search(between) and (
                bool(TOGETHER_RX.search(between)) or bool(participle) or bool(re.search(rf"^\W*(?:\w+\W+){{0,4}}?(?:{V.AT_ONCE})", after))
            )
        if follows.get(m.start()) or (family in ("pan", "tilt", "whip_pan") and PAN_WITH_RX.match(text.low, m.end())):
            move.follows = spec.subject or ""  # "pan right to follow Jonas", "we pan with him"
        s = pick(speeds, lo, hi)
        if family == "zoom" and re.match(r"(?:snap|crash)", text.low[m.start() : m.end()]):
            move.speed = "fast"
            if direction is None:
                move.direction = "in"
        if s:
            move.speed = s[1]
            spec.explanation.append((text.words(s[0].start(), s[0].end()), f"speed: {s[1]}"))
        dur = pick(durations, lo, hi)
        if dur:
            move.seconds = _seconds(dur[0], fps)
        deg = pick(degrees, lo, hi)
        if deg:
            move.degrees = _degrees(deg[0])
        met = pick(metres, lo, hi)
        if met:
            move.metres = _metres(met[0])
        rat = pick(ratios, lo, hi)
        if rat:
            move.ratio = float(rat[0].group("n"))
        span = FOCAL_RANGE_RX.search(text.low, m.end(), min(hi, m.end() + 30))
        if span and move.family in ("zoom", "dolly") and float(span.group("a")) != float(span.group("b")):
            # "creep in from 50 to 150 on Mara. No track.", "zoom out 100 to 35": the lens's travel
            a, b = float(span.group("a")), float(span.group("b"))
            if move.family == "dolly":
                spec.explanation.append((text.words(span.start(), span.end()), f"from {a:.0f} to {b:.0f} mm: the zoom, not the dolly"))
            move.family, move.direction, move.ratio = "zoom", ("in" if b > a else "out"), max(a, b) / min(a, b)
            text.use(span.start(), span.end())
        for k, (sm, code) in enumerate(sizes):
            prefix = TARGET_SIZE_RX.search(text.low[max(m.end(), sm.start() - 20) : sm.start()])
            if code and m.end() <= sm.start() < hi and prefix:
                move.target_size = code
                text.use(sm.start() - len(prefix.group()), sm.start())
                sizes[k] = (sm, None)  # the size a move ends on, not the shot's
        spec.moves.append(move)
    # "camera drive back from Mara, zoom go in, so she stay same size": a dolly and the opposite zoom
    # that hold the subject's size are one dolly zoom, said in any order
    if re.search(r"(?<![a-z])same size|(?:keeps?|holds?) (?:her|his|their|the) size", text.low):
        dolly = next((mv for mv in spec.moves if mv.family == "dolly"), None)
        zoom = next((mv for mv in spec.moves if mv.family == "zoom" and dolly is not None and mv.direction != dolly.direction), None)
        if dolly is not None and zoom is not None:
            later = max(dolly, zoom, key=lambda mv: mv.start)
            later.together = True
    # "Push in … while the column rises …, both about a metre": one amount said of every move
    said = next((m for m, _ in metres if re.search(r"(?:both|each|all)\s+(?:(?:about|around|roughly|just)\s+)?$", text.low[max(0, m.start() - 20) : m.start()])), None)
    if said is not None and len(spec.moves) > 1:
        for mv in spec.moves:
            if mv.metres is None and mv.family in ("dolly", "truck", "pedestal", "crane"):
                mv.metres = _metres(said)
    # A whole-shot duration said once applies to the shot, not to the move it happened to be near.
    if len(spec.moves) == 1 and spec.moves[0].seconds is not None:
        spec.seconds, spec.moves[0].seconds = spec.moves[0].seconds, None


def _metres(m: re.Match) -> float:
    """The distance a METRES_RX match says, in metres ("3ft" on a shot list is 0.91 m)."""
    return number(m.group("n")) * (0.3048 if m.group("ft") else 1.0)


TEMPO_BPM = 60.0  # "two beats": a beat of a scene, one second


def _seconds(m: re.Match, fps: float) -> float:
    n, unit = number(m.group("n") or m.group("d")), m.group("u") or m.group("u2")
    if unit.startswith("beat"):
        return n * 60.0 / TEMPO_BPM
    if unit in ("frames", "f"):
        return n / fps
    return n


def _degrees(m: re.Match) -> float:
    if "p" in m.groupdict() and m.groupdict().get("p"):
        return {"half": 180.0, "quarter": 90.0, "full": 360.0, "complete": 360.0}[m.group("p")]
    if m.group() == "360":
        return 360.0
    return number(m.group("n") or m.group("n2"))


def _negated_moves(t: _Text, spec: ShotSpec) -> None:
    """"No tilt", "without panning", "don't zoom", "a push, not a zoom", "we stay level": words of a
    move said so that it is not made. They are read (and listed) and make no move."""
    for neg in t.find(NEGATION_RX, consume=False):
        for rx, (family, _) in MOVE_RX + [(NEGATED_NOUN_RX, ("move", None))]:
            m = rx.match(t.low, neg.end())
            if m is None or any(t.used[m.start() : m.end()]):
                continue
            end = m.end()
            d = re.match(r"\s+(?:up|down|left|right|in|out)\b", t.low[end:])
            end += d.end() if d else 0
            t.use(neg.start(), end)
            if family == "move" and re.match(r"mov|motion", m.group()):  # "we don't move", "no camera motion"
                spec.static = True
                spec.explanation.append((t.words(neg.start(), end), "static camera"))
                break
            said = family.replace("_", " ") if family != "move" else m.group().removesuffix("s")
            spec.explanation.append((t.words(neg.start(), end), f"not a move: no {said}"))
            if not re.match(r"instead of|rather than", neg.group()):
                _refused_after(t, end, spec)  # ("instead of pushing in, pull back": what follows is the move made)
            break
    for m in t.find(LEVEL_RX):
        spec.explanation.append((t.words(m.start(), m.end()), "not a move: the camera stays level (no tilt)"))
    for m in t.find(ROLLING_RX):
        spec.explanation.append((t.words(m.start(), m.end()), "the camera is recording: no move"))


REFUSAL_JOINT_RX = re.compile(r"\s*(?:,\s*)?(?:or|nor|and|,)\s+(?:(?:a|an|any|the)\s+)?")


def _refused_after(t: _Text, at: int, spec: ShotSpec) -> None:
    """"I don't want a zoom or a push", "no pan, tilt or zoom": the moves listed after a refused one are refused too."""
    while (joint := REFUSAL_JOINT_RX.match(t.low, at)) is not None:
        hit = next((m for rx, _ in MOVE_RX + [(NEGATED_NOUN_RX, None)] if (m := rx.match(t.low, joint.end())) is not None and not any(t.used[m.start() : m.end()])), None)
        if hit is None:
            return
        t.use(at, hit.end())
        spec.explanation.append((t.words(joint.end(), hit.end()), f"not a move: no {hit.group()}"))
        at = hit.end()


# "Currently it drifts sideways.", "the cam is currently dollying": how the shot is now, in a review
# note, not what is asked of it
CURRENT_STATE_RX = re.compile(r"(?:^|(?<=[.;,!?]\s)|(?<=[.;,!?]))\s*(?:but\s+)?(?:currently|at the moment|as it stands|in the current (?:version|cut|pass))\b[^.;!?]*|(?:the\s+)?(?:cam|camera|shot|move|previs)\s+(?:is|was)\s+currently\b[^.;!?]*")


# "48 frames, ease in/out": the move's easing, not a push
EASING_RX = re.compile(r"(?<![a-z])eas(?:e|ed|ing)[- ]in\s*(?:/|and|&)\s*out\b|(?<![a-z])ease[- ]in[- ]ease[- ]out\b|(?<![a-z])eased (?:in and out|in/out)")
# "start really close on the crates with the zoom": the lens a framing is made with, not a zoom
WITH_THE_LENS_RX = re.compile(r"(?<![a-z])with (?:the )?(?:zoom|long lens|long end|lens)(?! (?:in|out|back|wider|tighter|going|goes|creeping|widening|pushing))")
# "kind of a drop", "sort of a push": a feeling the shot should have, not a second move
ANALOGY_RX = re.compile(r"(?<![a-z])(?:kind of|sort of|like) an? (?=(?:drop|fall|dive|push|lift|float)\b)")


def _words_of_no_move(t: _Text, spec: ShotSpec) -> None:
    """The lens a framing is made with, a feeling likened to a move, how a reviewed shot is now, the easing of a move."""
    for m in t.find(EASING_RX):
        spec.explanation.append((t.words(m.start(), m.end()), "the move's easing, not a move of its own"))
    for m in t.find(WITH_THE_LENS_RX, consume=False):
        if re.search(r"(?:push|creep|pull|widen|tighten|ease|go|move|punch|get)\w*(?: \w+)? $", t.low[max(0, m.start() - 25) : m.start()]):
            continue  # "push in with the zoom": the lens makes the move
        t.use(m.start(), m.end())
        spec.explanation.append((t.words(m.start(), m.end()), "the lens the framing is made with: no move of its own"))
    for m in t.find(ANALOGY_RX):
        word = re.match(r"[a-z]+", t.low[m.end() :])
        t.use(m.start(), m.end() + (word.end() if word else 0))
        spec.explanation.append((t.words(m.start(), m.end() + (word.end() if word else 0)), "what the move feels like, not a move of its own"))
    for m in t.find(CURRENT_STATE_RX):
        spec.explanation.append((t.words(m.start(), m.end()).strip(), "how the shot is now, not what is asked: no move"))


def _light_clauses(t: _Text, spec: ShotSpec) -> None:
    """"…, bounce from the left", "Light's dropping fast": a clause of the light moves no camera (its
    "from the left" is where the light comes from)."""
    for m in t.find(LIGHT_CLAUSE_RX, consume=False):
        rest = LIGHT_FADING_RX.sub(" ", m.group())
        if m.group().strip() and not any(rx.search(rest) for rx, _ in MOVE_RX) and not any(rx.search(rest) for rx, _ in SIZE_RX):
            t.use(m.start(), m.end())
            spec.explanation.append((t.words(m.start(), m.end()).strip(), "a note of the light: no camera move"))


def _kept_in_frame(t: _Text, names: list[str], spec: ShotSpec) -> None:
    """"tilting up to hold Mara", "keeping him in frame": what a move aims at, not a hold of the camera."""
    who = "|".join([re.escape(n.lower()) for n in names] + ["him", "her", "them", "both", "the two of them"])
    rx = re.compile(rf"(?:(?<=,)|(?<=\s)|^)\s*(?:(?:(?:so as )?to|and)\s+(?:hold|keep|frame)|holding(?: on)?|keeping|framing|(?:(?<=^)|(?<=\. ))(?:keep|hold))\s+(?:(?:{who})(?:'s)?)(?:\s+(?:face\s+)?in (?:the )?(?:frame|shot|view))?{_R}")
    for m in t.find(rx, consume=False, skip_used=False):  # the name in it is already read
        if any(r.search(t.low, 0, m.start()) for r, _ in MOVE_RX):
            t.use(m.start(), m.end())
            spec.explanation.append((t.words(m.start(), m.end()).strip(), "the move keeps them framed (not a hold)"))


def parse_shot(text: str, names: list[str], fps: float = 24.0) -> ShotSpec:
    """One shot's words -> its specification. ``names``: the subjects of the set."""
    spec = ShotSpec(text=text)
    t = _Text(text)
    for m in t.find(re.compile(re.escape(CORRECTION_MARK))):
        spec.explanation.append(("no, …", "a change of mind: the words before it were withdrawn"))
    for m in t.find(CROSS_RX):
        spec.cross_line = True
        spec.explanation.append((t.words(m.start(), m.end()), "camera crosses the line of action"))
    for m in t.find(REVERSE_RX, consume=False):
        if re.match(r"\s+(?:dolly[- ]zoom|vertigo|zolly|hitchcock)", t.low[m.end() :]):
            continue  # "reverse dolly zoom" is a way of the move, not a reverse shot
        t.use(m.start(), m.end())
        spec.reverse = True
        spec.explanation.append((t.words(m.start(), m.end()), "reverse shot: the other subject, from the same side of the line"))
    for m, angle in _first(ANGLE_RX, t):
        if angle not in spec.angles:
            spec.angles.append(angle)
            spec.explanation.append((t.words(m.start(), m.end()), f"angle: {angle}"))
    features = [(m, "ECU") for m in t.find(FEATURE_CLOSE_UP_RX)]  # before the name in it is read as the subject
    _subjects(t, names, spec)
    _words_of_no_move(t, spec)
    _negated_moves(t, spec)
    _light_clauses(t, spec)
    _kept_in_frame(t, names, spec)  # before the holds: "tilting up to hold Mara" aims, it does not hold
    for m in t.find(STATIC_RX):
        spec.static = True
        spec.explanation.append((t.words(m.start(), m.end()), "static camera"))
    for m in t.find(HANDHELD_RX):
        refused = HANDHELD_REFUSED_RX.match(t.low, m.end())
        if refused or re.search(r"\b(?:no|not|without|never)\s+(?:a\s+)?$", t.low[max(0, m.start() - 12) : m.start()]):
            t.use(m.start(), refused.end() if refused else m.end())
            spec.explanation.append((t.words(m.start(), m.end()), "not handheld: said not to be"))
            continue
        spec.handheld = True
        spec.explanation.append((t.words(m.start(), m.end()), "handheld sway on top of the move"))
    for m in t.find(STEADICAM_RX):
        spec.steadicam = True
        spec.explanation.append((t.words(m.start(), m.end()), "Steadicam: a smooth moving camera (a follow unless another move is said)"))
    for m in t.find(TWO_SHOT_RX):
        spec.two_shot = True
        spec.explanation.append((t.words(m.start(), m.end()), "two-shot: both people in frame"))
    for m in t.find(SINGLE_RX):
        spec.single = True
        spec.explanation.append((t.words(m.start(), m.end()), "single: one person alone in frame"))
    for m in t.find(FLASH_RX):
        spec.flash = True
        spec.explanation.append((t.words(m.start(), m.end()), "flash cut: shorter than the minimum shot length"))
    _actions(t, names, spec)
    _whereabouts(t, names, spec)
    _on_the_heels(t, names, spec)
    for m in t.find(FOCAL_RX):
        spec.focal_mm = float(m.group("n"))
        spec.explanation.append((t.words(m.start(), m.end()), f"lens: {spec.focal_mm:g} mm"))
    for m, focal in _first(LENS_RX, t):
        spec.focal_mm = spec.focal_mm or focal
        spec.explanation.append((t.words(m.start(), m.end()), f"lens: {focal:g} mm"))
    sizes = sorted(features + _first(SIZE_RX, t), key=lambda h: h[0].start())
    _moves(t, spec, sizes, fps, names)
    _places(t, spec)  # after the moves: "counter-clockwise" is a direction, not a counter
    generic = [h for h in sizes if h[1] and GENERIC_SIZE_RX.fullmatch(h[0].group())]
    if generic and len([h for h in sizes if h[1]]) > len(generic):
        sizes = [h for h in sizes if h not in generic]  # "start tight on Mara, ECU": the size named outright
    for m, code in sizes:
        if code is None:
            continue
        if spec.size is None:
            spec.size = code
            spec.explanation.append((t.words(m.start(), m.end()), f"size: {code}"))
        elif code != spec.size:
            spec.warnings.append(f"'{t.words(m.start(), m.end())}' contradicts the size already asked for ({spec.size}); kept {spec.size}")
    if spec.seconds is None:
        for m in t.find(DURATION_RX):
            spec.seconds = _seconds(m, fps)
            spec.explanation.append((t.words(m.start(), m.end()), "duration"))
            break
    for move in spec.moves:
        if move.family == "focus":
            spec.focus.append(move.words)
            continue
        what = f"move: {move.family.replace('_', ' ')} {move.direction or ''}".strip()
        if move.together:
            what += ", at the same time as the move before"
        if move.follows is not None:
            what += f", keeping {move.follows or 'the subject'} in frame as they move"
        spec.explanation.append((move.words, what))
    spec.moves = [m for m in spec.moves if m.family != "focus"]
    fold_into_dolly_zoom(spec)
    for words in spec.focus:
        spec.explanation.append((words, "rack focus: the camera holds while focus moves between two people"))
    if spec.steadicam and not spec.moves and spec.subject is not None:
        spec.moves.append(MoveSpec("follow", None, words="steadicam"))
    if spec.static and spec.moves:
        hold_in_sequence(spec, fps)
    turns = ("pan", "tilt", "whip_pan", "zoom")
    if spec.static and spec.moves and all(m.family in turns for m in spec.moves) and not [m for m in STATIC_RX.finditer(t.low) if not TRIPOD_RX.fullmatch(m.group())]:
        # "Camera stays planted; swivel right", "on sticks, pan left": a tripod turns, it does not travel
        spec.static = False
        spec.explanation.append(("tripod", "the camera stands still and turns: no contradiction"))
    if spec.static and spec.moves:
        spec.warnings.append(f"'static' contradicts '{spec.moves[0].words}'; planned the move")
    if spec.static and spec.handheld and re.search(r"locked|lock[- ]off|tripod|sticks", t.low):
        spec.warnings.append("'locked off' contradicts 'handheld'; planned handheld")
    for a, b in zip(spec.moves, spec.moves[1:]):
        if b.together and a.family == b.family and a.direction and b.direction and a.direction != b.direction:
            spec.warnings.append(f"'{a.words}' and '{b.words}' at the same time contradict each other; planned them one after the other")
            b.together = False
    # "straight down from above, top shot": the overhead is the high angle at its steepest, no contradiction
    for steep, mild in (("overhead", "high"), ("worm's eye", "low")):
        if steep in spec.angles and mild in spec.angles:
            spec.angles.remove(mild)
            spec.angles.insert(0, spec.angles.pop(spec.angles.index(steep)))
    if any(m.family == "pedestal" for m in spec.moves) and ("high" in spec.angles or "low" in spec.angles) and LEVEL_SAID_RX.search(t.low):
        # "Straight down on the column, lens level, from above the vent unit": the lens stays level;
        # "from above" is where the pedestal starts, not a lens looking down (that descent reads as a push)
        for a in ("high", "low"):
            if a in spec.angles:
                spec.angles.remove(a)
                spec.explanation.append((a, f"the pedestal keeps the lens level: '{a}' is where it starts, not an angle"))
    vertical = [a for a in spec.angles if a in V.VERTICAL_ANGLES]
    if len(vertical) > 1:
        spec.warnings.append(f"the angles {' and '.join(vertical)} contradict each other; used {vertical[0]}")
    t.find(SEQUENCE_RX)  # use up "then", "followed by": they order the moves and choose nothing else
    t.find(_rx(V.AT_ONCE))
    spec.not_understood = t.leftovers()
    spec.clauses = _clauses(t, names)
    return spec


def fold_into_dolly_zoom(spec: ShotSpec) -> None:
    """"Dolly zoom on Mara, the camera moving in as the lens widens": the push and the zoom said beside
    a dolly zoom say which way it goes; they are not moves of their own. A camera that moves in (or a
    lens that widens) is a dolly zoom in, one that pulls out (or zooms in) a dolly zoom out. A move put
    after it in order ("…, then push in") stays a move."""
    low = spec.text.lower()
    # "Track toward him while the lens goes wider": a push and the opposite zoom at once are one
    for a, b in zip(list(spec.moves), list(spec.moves)[1:]) if not any(m.family == "dolly_zoom" for m in spec.moves) else ():
        pair = {a.family, b.family}
        if pair == {"dolly", "zoom"} and b.together and a.direction and b.direction and a.direction != b.direction:
            dolly = a if a.family == "dolly" else b
            dz = MoveSpec("dolly_zoom", dolly.direction, words=f"{a.words} … {b.words}", start=a.start)
            dz.speed = a.speed or b.speed
            dz.together, dz.seconds = a.together, a.seconds or b.seconds
            spec.moves[spec.moves.index(a)] = dz
            spec.moves.remove(b)
            spec.explanation.append((dz.words, f"a push and the opposite zoom at once: a dolly zoom {dz.direction}"))
    for dz in [m for m in spec.moves if m.family == "dolly_zoom"]:
        parts = []
        for m in spec.moves:
            if m is dz or m.family not in ("dolly", "zoom"):
                continue
            a, b = sorted((dz.start, m.start))
            if not SEQUENCE_RX.search(low, a, b):  # "Pull the dolly back while the zoom goes in. Classic Vertigo."
                parts.append(m)
        if not parts:
            continue
        ways = [("in" if m.direction == "in" else "out") if m.family == "dolly" else ("out" if m.direction == "in" else "in") for m in parts]
        dolly_way = next((w for m, w in zip(parts, ways) if m.family == "dolly"), ways[0])
        dz.direction = dolly_way
        spec.moves = [m for m in spec.moves if m not in parts]
        said = " and ".join(m.words for m in parts)
        spec.explanation.append((said, f"part of the dolly zoom: a dolly zoom {dz.direction} (the camera moves {'in' if dz.direction == 'in' else 'out'} as the lens goes {'wider' if dz.direction == 'in' else 'longer'})"))
    # two dolly zooms said for one ("dolly zoom …, pulling out as the lens zooms in" is read as both)
    seen = []
    for m in list(spec.moves):
        if m.family == "dolly_zoom" and seen and not SEQUENCE_RX.search(low, seen[-1].start, m.start):
            seen[-1].direction = m.direction
            spec.moves.remove(m)
        elif m.family == "dolly_zoom":
            seen.append(m)


CLAUSE_RX = re.compile(r"[,;:.!?()\n]+|\s(?:and then|then|and|while|but|as)\s")
PRONOUN = "him"


def _clauses(t: _Text, names: list[str]) -> list[Clause]:
    out, start = [], 0
    bounds = [(m.start(), m.end()) for m in CLAUSE_RX.finditer(t.low)] + [(len(t.low), len(t.low))]
    for a, b in bounds:
        if a > start:
            piece = t.raw[start:a].strip()
            if piece:
                words = [w for w in _Text.leftovers_in(t, start, a) if w.lower() not in {n.lower() for n in names}]
                out.append(Clause(start, a, piece, words, any(t.used[start:a])))
        start = b
    return out


def bank_query(clause: Clause, names: list[str]) -> str:
    """The clause as the bank is written: names become a pronoun ("we drift right with him")."""
    text = clause.text.lower()
    for n in names:
        text = re.sub(rf"(?<![a-z]){re.escape(n.lower())}(?:'s)?(?![a-z])", PRONOUN, text)
    return text


ACTION_VERBS: list[tuple[str, str]] = [
    (r"walk(?:s|ing|ed)?|stroll(?:s|ing)?|head(?:s|ing)?|cross(?:es|ing)?|mov(?:es|ing)|step(?:s|ping)?|climb(?:s|ing)?|pac(?:es|ing)|approach(?:es|ing)?|(?:goes|go(?:ing)?)(?! (?:quiet|silent|still|pale|white|red|limp|dark|numb|cold|blank|rigid|stiff|dead|mute|soft|tense|very|all|wide)\b)|com(?:es|ing)|wander(?:s|ing)?|advanc(?:es|ing)|arriv(?:es|ing)|catch(?:es|ing)? up(?: with| to)?|caught up(?: with| to)?|enter(?:s|ing)?(?= (?:the )?(?:frame|shot|screen|from|left|right))|exit(?:s|ing)?(?= (?:the )?(?:frame|shot|screen|left|right|to))|leav(?:es|ing) (?:the )?(?:frame|shot)", "walk"),
    # Before "run": "runs after Mara" is a chase. "follows" is only a person's when someone follows someone.
    (r"chas(?:es|ing|ed|e)(?: after)?|run(?:s|ning)? after|ran after|follow(?:s|ing|ed)?(?! by)", "chase"),
    (r"run(?:s|ning)?|ran|sprint(?:s|ing)?|dash(?:es|ing)?|rush(?:es|ing)?|race(?:s)?|racing|hurr(?:ies|ying)|bolt(?:s|ing)?|leap(?:s|ing|t)?|jump(?:s|ing|ed)?|vault(?:s|ing|ed)?", "run"),
    (r"sit(?:s|ting)?(?: down)?|sat(?: down)?|seated|take(?:s)? a seat", "sit"),
    # A bare "stands", "standing" is only read as a state ("is standing by the door"), never a getting up.
    (r"stand(?:s|ing)? up|st(?:ands|ood) up|gets? up|ris(?:es|ing) to (?:her|his|their) feet|rise(?:s)?|stand(?:s|ing)|stood", "stand"),
    (r"crouch(?:es|ing)?|kneel(?:s|ing)?|squat(?:s|ting)?|duck(?:s|ing)?|(?:sink|drop|fall|sank|dropped|fell)(?:s|ing)? to (?:his|her|their|one|both) knees?", "crouch"),
    (r"lie(?:s)? down|lies|lying|lay(?:s)? down", "lie"),
    (r"point(?:s|ing)?", "point"),
    (r"talk(?:s|ing)?|speak(?:s|ing)?|argu(?:es|ing)|explain(?:s|ing)?", "talk"),
    (r"turn(?:s|ing)? (?:away|around|round|back)|turn(?:s)?", "turn"),
]
ACTION_RX = [(re.compile(rf"{_L}(?:{p}){_R}"), verb) for p, verb in ACTION_VERBS]
ACTION_ANY_RX = re.compile(rf"{_L}(?:" + "|".join(p for p, _ in ACTION_VERBS) + rf"){_R}")
TARGET_RX = re.compile(r"\s*(?:over |up |back |slowly |quickly )?(?P<prep>towards|toward|to|into|across|past|through|down|onto|on|at|by|from)?\s*(?:the |a |an |his |her |their )?(?P<what>[a-z]+(?: [a-z]+)?)?")
PRONOUNS = {"he", "she", "they", "him", "her"}
POSTURES = ("sit", "stand", "crouch", "lie")
HALT_RX = re.compile(r"[^.;!?]*?\b(?P<halt>stops|halts|comes to a (?:stop|halt)|arrives)\b")
STATE_WORDS = {"sit": "seated", "stand": "standing", "crouch": "crouching", "lie": "lying"}
# A posture verb that changes the pose: "sits down", "stands up", "gets up", "takes a seat", "rises".
POSE_CHANGE_RX = re.compile(r"\b(?:down|up|take|takes|gets?|rise|rises|rising|ris)\b")
BE_RX = re.compile(r"(?:(?<![a-z])(?:is|are|was|were)|'s)\s+(?:\w+ly\s+|still\s+|already\s+)?$")
# What a posture in the present simple is followed by when it is a state: where ("sits at the table",
# "stands by the door", "lies on the bed") or what they do there ("sits reading", "sits, waiting").
STATE_AFTER_RX = re.compile(r"\s*(?:,\s*)?(?:(?:at|on|by|in|near|beside|behind|against|alone|quietly|still|in front of|across from|opposite)\b|[a-z]+ing\b)")
_CAMERA_WORDS = r"(?:us|the camera|camera|the lens|lens|the viewer)"
# "walks toward us", "runs straight at the camera", "walks away from camera", "approaches the lens".
# A bare "walks away" (nothing said after it to walk away from) is away from the camera too.
CAMERA_DIR_RX = re.compile(
    rf"\s*(?:\w+ly\s+|straight\s+|right\s+)?(?:(?P<d>toward(?:s)?|away from|at|up to)\s+{_CAMERA_WORDS}{_R}|(?P<away>away)(?=\s*(?:[,.;!?]|$|(?:and|then|as|while|from (?:us|the camera|camera))\b)))"
)
APPROACH_CAMERA_RX = re.compile(rf"\s*{_CAMERA_WORDS}{_R}")
# "runs past the camera", "runs past us", a bare "runs past": close by the lens.
PAST_CAMERA_RX = re.compile(rf"\s*(?:\w+ly\s+|right\s+|straight\s+)?past(?:\s+{_CAMERA_WORDS}{_R}|\s*(?=[,.;!?]|$|\s(?:and|then|as|while|static|locked|in)\b))")


def _actions(t: _Text, names: list[str], spec: ShotSpec) -> None:
    """"Jonas walks to the door", "she sits", "Ana and Ben sit", "she stands up and walks to the
    door": subject keys for the planner. The actor is the name (or pronoun) just before the verb, both
    of two names joined by "and", or — for a verb chained on with "and"/"then" — the actor of the
    action before it; "he"/"she" is the shot's subject or the one named before."""
    from engine.planner.set_pieces import piece_phrase

    found = sorted(((m, verb) for rx, verb in ACTION_RX for m in rx.finditer(t.low)), key=lambda mv: (mv[0].start(), -len(mv[0].group())))
    adverb = r"(?:(?:is|are|was|were)\s+)?(?:\w+ly\s+|then\s+|slowly\s+|finally\s+|still\s+|already\s+)?"  # "Jonas is chasing Mara"
    for m, verb in found:  # in the order they are written, so a chained verb finds the one it follows
        if any(t.used[m.start() : m.end()]):
            continue
        before = t.low[max(0, m.start() - 60) : m.start()]
        actors: list[str] | None = None
        for a in names:
            for b in names:
                if a != b and re.search(rf"(?<![a-z]){re.escape(a.lower())}\s+(?:and|&)\s+{re.escape(b.lower())}\s+{adverb}$", before):
                    actors = [a, b]
        if actors is None:
            for n in names:
                said = re.search(rf"(?<![a-z]){re.escape(n.lower())}(?P<s>'s)?\s+{adverb}$", before)
                # "Mara's walking" is what she does; "Jonas's head" is a part of him, not a verb
                if said and (not said.group("s") or re.match(r"[a-z]+ing\b", m.group())):
                    # "the camera turn around Mara going to the left": the camera's going, round the one it circles
                    circled = re.search(r"(?:a?round|circl\w*|orbit\w*)\s+$", before[: said.start()])
                    if circled and re.match(r"go(?:es|ing)?\b", m.group()):
                        continue
                    actors = [n]
        if actors is None and re.search(rf"(?<![a-z])(?:he|she|they)\s+{adverb}$", before):
            actors = [""]
        chained = False
        if actors is None and spec.actions and re.search(r"(?:,\s*|\s)(?:and|then|and then)\s+(?:\w+ly\s+)?$", before):
            actors = [a.subject for a in spec.actions if a.words == spec.actions[-1].words]
            chained = True
        if actors is None:
            continue
        # After something the same person did ("walks to the table. She sits at it."): a change, not a
        # state; a pronoun may be anyone who acted before.
        acted = chained or any(a.subject in actors or not a.subject or "" in actors for a in spec.actions)
        state = verb in POSTURES and _is_state(t.low, m, before, acted)
        if verb == "stand" and not state and not POSE_CHANGE_RX.search(m.group()):
            continue  # "Mara stands." says too little to be read as getting up
        after_verb = m.end()
        other = None
        if verb == "chase":
            who = re.match(r"\s+(?P<w>[a-z]+)(?:'s)?(?![a-z])", t.low[m.end() :])
            w = who.group("w") if who else ""
            named = next((n for n in names if n.lower() == w), None)
            if named is None and w not in ("him", "her") or re.match(r"\s+\w+\s+with (?:her|his|their) (?:eyes|gaze)", t.low[m.end() :]):
                continue  # "follows" with nobody after it is the camera's word; "follows him with her eyes" a look
            other = named or ""
            t.use(m.end() + who.start("w"), m.end() + who.end("w"))
            after_verb = m.end() + who.end()
        camera = _camera_target(t, verb, after_verb, m.group())
        tm = TARGET_RX.match(t.low, after_verb)
        target = None
        if tm and tm.group("what"):
            hit = piece_phrase(tm.group("what"))
            if hit:
                target = hit
            elif tm.group("prep") == "past":
                target = "past"
        catching = tm is not None and tm.group("prep") is None and m.group().startswith(("catch", "caught"))  # "catches up with Jonas"
        if verb in ("walk", "run") and target is None and tm and tm.group("what") and (tm.group("prep") in ("to", "toward", "towards") or catching):
            w = tm.group("what").split()[0]
            named = next((n for n in names if n.lower() == w), None)
            if named is not None or w in ("him", "her"):
                target, other = TO_PERSON, named or ""
                t.use(tm.start("prep"), tm.start("what") + len(w))  # read: not a move for the phrase bank
        if verb in ("walk", "run", "chase") and target is None and (tm and tm.group("prep") in ("past", "across", "through") or m.group().startswith("cross")):
            target = "past"  # "walks past Mara", "crosses the frame": across the frame
        if target == "past" and tm and tm.group("prep") == "past":
            t.use(tm.start("prep"), tm.end("prep"))  # read, not left for the phrase bank to take for a move
        way = _crossing_way(t, after_verb) if target == "past" else None
        if m.group().startswith(("enter", "exit", "leav")):
            target, way = _frame_edge(t, after_verb, m.group())
        if camera is not None and verb in ("walk", "run", "chase"):
            target = camera
            way = None
        if verb in ("walk", "run"):
            # "walks toward Mara and stops", "runs to the door, then halts": the walk's end, which it has anyway
            halt = HALT_RX.match(t.low, m.end())
            if halt:
                t.use(halt.start("halt"), halt.end("halt"))
        t.use(m.start(), m.end())
        words = t.words(m.start(), m.end())
        back_to = state and verb == "stand" and target is not None and tm is not None and tm.group("prep") == "by"
        for actor in actors:
            spec.actions.append(Action(actor, verb, words, target, other, state, back_to, way))
        who = " and ".join(a or "the subject" for a in actors)
        if state:
            what = f"{who} {'are' if len(actors) > 1 else 'is'} {STATE_WORDS[verb]} from the first frame"
        elif verb == "chase":
            chased = other or "the other person"
            what = f"{who} chase{'' if len(actors) > 1 else 's'} {chased}: both run the same way, {who} behind"
        else:
            what = f"{who} {verb}{'' if len(actors) > 1 else 's'}"
        whither = (
            f"to {other or 'the other person'}" if target == TO_PERSON
            else f"into the frame from screen {'left' if way == 'right' else 'right'}" if target == "enters"
            else f"out of the frame to screen {way}" if target == "exits"
            else f"across, to screen {way}" if way else target
        )  # fmt: skip
        spec.explanation.append((words, what + (f" ({whither})" if target else "")))


# "Jonas by the water tank", "Mara is at the door", "Jonas waits beside the car": where someone is,
# with no verb of what they do. Group "w" is the words read (the linking verb and the preposition).
WHEREABOUTS_RX = re.compile(
    r"(?P<w>\s+(?:(?:is|are|was|were|stays|remains|waits|waiting|lingers|leans|leaning|stands? around)\s+)?(?:still\s+|alone\s+|already\s+)?"
    r"(?P<prep>at|by|beside|next to|near|against|in front of))\s+(?:the|a|an|his|her|their)\s+(?P<what>[a-z]+(?: [a-z]+)?)"
)
BACK_TO_PREPS = ("by", "beside", "next to", "near", "against")


def _whereabouts(t: _Text, names: list[str], spec: ShotSpec) -> None:
    """A person said to be at a set piece with nothing they do: found standing there from the first
    frame (as "is standing by the door" is)."""
    from engine.planner.set_pieces import piece_phrase

    acting = {a.subject for a in spec.actions}
    placed: set[str] = set()
    others = "|".join(re.escape(n.lower()) for n in names)
    for name in names:
        if name in acting or name in placed:
            continue  # "Jonas walks to the door" already says where he goes
        for m in re.finditer(rf"(?<![a-z]){re.escape(name.lower())}(?='?s?\s)", t.low):
            # "Mara and Jonas at the parapet": both of them are there
            pair = re.match(rf"\s+(?:and|&)\s+(?P<o>{others})(?![a-z])", t.low[m.end() :]) if others else None
            w = WHEREABOUTS_RX.match(t.low, m.end() + (pair.end() if pair else 0))
            if w is None:
                continue
            piece = piece_phrase(w.group("what"))
            if piece is None:
                continue
            t.use(w.start("w") + len(w.group("w")) - len(w.group("w").lstrip()), w.end("w"))
            said = t.words(m.start(), w.end())
            who = [name] + ([n for n in names if n.lower() == pair.group("o")] if pair else [])
            for person in who:
                if person in acting or person in placed:
                    continue
                spec.actions.append(Action(person, "stand", said, piece, state=True, back_to=w.group("prep") in BACK_TO_PREPS))
                spec.explanation.append((said, f"{person} is standing {w.group('prep')} the {piece} from the first frame"))
                placed.add(person)
            break


# "Mara right behind him", "Jonas hot on her heels", "Mara close behind Jonas": a chase said without a verb.
HEELS_RX = re.compile(r"\s+(?:(?:is|are|runs?|running)\s+)?(?:right |close |hot |just |not far )?(?:behind|on (?:his|her|their) heels|at (?:his|her|their) heels)(?:\s+(?P<who>him|her|them|[a-z]+))?(?![a-z])")


def _on_the_heels(t: _Text, names: list[str], spec: ShotSpec) -> None:
    """"Jonas sprints toward the ledge, Mara right behind him": Mara chases Jonas."""
    acting = {a.subject for a in spec.actions}
    for name in names:
        if name in acting:
            continue
        for m in re.finditer(rf"(?<![a-z]){re.escape(name.lower())}(?![a-z'])", t.low):
            h = HEELS_RX.match(t.low, m.end())
            if h is None or any(t.used[h.start() : h.end()]):
                continue
            who = h.group("who")
            other = next((n for n in names if n.lower() == who), None) if who not in (None, "him", "her", "them") else ""
            if other is None or other == name:
                continue
            t.use(h.start(), h.end())
            said = t.words(m.start(), h.end())
            spec.actions.append(Action(name, "chase", said, None, other))
            spec.explanation.append((said, f"{name} chases {other or 'the other person'}: both run the same way, {name} behind"))
            break


_SIDE = r"(?:the\s+)?(?:(?:screen|frame|camera)[- ])?(?P<{0}>left|right)(?:\s+(?:of\s+)?(?:the\s+)?(?:frame|screen))?"
# "from right to left", "left to right", "from frame left", "to the right", "towards screen left", "leftwards"
WAY_RXS = [
    (re.compile(rf"(?:from\s+)?{_SIDE.format('a')}\s+to\s+{_SIDE.format('b')}"), "b", False),
    (re.compile(rf"from\s+{_SIDE.format('a')}"), "a", True),
    (re.compile(rf"(?:to|toward|towards|into)\s+{_SIDE.format('b')}|(?P<w>left|right)wards?|(?:screen|frame)[- ](?P<s>left|right)"), "b", False),
]


FRAME_EDGE_RX = re.compile(r"\s*(?:the\s+)?(?:frame|shot|screen)?\s*(?:from\s+|to\s+|at\s+)?(?:the\s+)?(?:(?:screen|frame)[- ])?(?P<side>left|right)?(?:\s+(?:of\s+)?(?:the\s+)?(?:frame|screen))?")


def _frame_edge(t: _Text, at: int, verb: str) -> tuple[str, str]:
    """("enters" or "exits", the screen direction they walk) of "enters frame left" (from the left,
    walking right), "enters from the right", "exits frame right", "leaves the frame": the side
    said is where they come in or go out (entering from the left unless said, leaving to the right)."""
    entering = verb.startswith("enter")
    m = FRAME_EDGE_RX.match(t.low, at)
    side = m.group("side") if m else None
    if m and m.end() > m.start():
        t.use(m.start(), m.end())
    side = side or ("left" if entering else "right")
    return ("enters", {"left": "right", "right": "left"}[side]) if entering else ("exits", side)


def _crossing_way(t: _Text, at: int) -> str | None:
    """The screen direction a crossing says in the rest of its sentence ("crosses the frame from
    right to left": left), the words used up; None when it says none."""
    end = len(t.low)
    # to the end of its clause: "… as we pan left to right" is the camera's
    stop = re.search(r"[.;!?]|\b(?:as|while|we|camera|pan|pans|panning|tilt|tilts|track|tracks|tracking|follow|follows|following)\b", t.low[at:])
    if stop:
        end = at + stop.start()
    for rx, group, opposite in WAY_RXS:
        m = rx.search(t.low, at, end)
        if m:
            side = m.group(group) or (m.groupdict().get("w") or m.groupdict().get("s"))
            t.use(m.start(), m.end())
            return {"left": "right", "right": "left"}[side] if opposite else side
    return None


def _is_state(low: str, m: re.Match, before: str, acted_before: bool) -> bool:
    """A posture said as how someone is, not as what they do: "is sitting", "are seated", "is lying",
    "sitting at the table", "sits at the table, reading", "stands by the door". "Sits down", "stands
    up", "takes a seat" change the pose; so does a posture after something the person did in the shot
    ("walks to the table and sits at it": she was not there at the start)."""
    word = m.group()
    if POSE_CHANGE_RX.search(word) or acted_before or re.match(r"\s+(?:down|up)\b", low[m.end() :]):
        return False
    if word == "seated" or BE_RX.search(before) or word.endswith("ing"):
        return True
    return bool(re.fullmatch(r"sits|stands|lies|kneels|stood|sat", word)) and bool(STATE_AFTER_RX.match(low, m.end()))


def _camera_target(t: _Text, verb: str, at: int, verb_words: str) -> str | None:
    """"toward us", "away from camera", "past the camera" just after a verb: the walk goes by the
    shot's camera; the words are used up (else "away" and "past" would be left not understood)."""
    if verb not in ("walk", "run", "chase"):
        return None
    m = CAMERA_DIR_RX.match(t.low, at)
    if m:
        t.use(m.start() + len(m.group()) - len(m.group().lstrip()), m.end())
        return "away from camera" if m.group("away") or m.group("d") == "away from" else "toward camera"
    if verb_words.startswith("approach"):
        m = APPROACH_CAMERA_RX.match(t.low, at)
        if m:
            t.use(m.start(), m.end())
            return "toward camera"
    m = PAST_CAMERA_RX.match(t.low, at)
    if m:
        t.use(m.start(), m.end())
        return "past camera"
    return None


@lru_cache(maxsize=1)
def _piece_rx() -> re.Pattern:
    from engine.planner.set_pieces import PIECE_WORDS

    words = "|".join(re.escape(w) for w in sorted(PIECE_WORDS, key=len, reverse=True))
    return re.compile(rf"{_L}(?P<w>{words})s?{_R}(?![- ]?clockwise)")


@lru_cache(maxsize=1)
def _qualified_piece_rx() -> re.Pattern:
    """"the stair door", "the left ledge": a piece word with the one word before it that names which."""
    return re.compile(rf"{_L}(?:the|a|an|his|her|their|this|that)\s+(?P<q>[a-z]+)\s+{_piece_rx().pattern.removeprefix(_L)}")


def _places(t: _Text, spec: ShotSpec) -> None:
    """Set pieces and locations the words name: "the door", "at the table", "the stair door",
    "INT. KITCHEN"."""
    from engine.planner.set_pieces import LOCATION_WORDS, NOT_QUALIFIERS, piece_shape

    if any(mv.family == "pedestal" for mv in spec.moves):
        t.find(re.compile(r"(?:on|up) the (?:pedestal'?s? )?column"))  # "straight up on the column": the pedestal's, not a set piece
    found = []
    for m in _qualified_piece_rx().finditer(t.low):
        if m.group("q") not in NOT_QUALIFIERS and not any(t.used[m.start("q") : m.end("w")]):
            phrase = f"{m.group('q')} {m.group('w')}"
            found.append((m.start("q"), m.end(), phrase))
    for m in _piece_rx().finditer(t.low):
        if not any(a <= m.start() < b for a, b, _ in found):
            found.append((m.start(), m.end(), m.group("w")))
    for start, end, word in sorted(found):
        if any(t.used[start:end]):
            continue
        t.use(start, end)
        if word not in spec.set_pieces:
            spec.set_pieces.append(word)
            spec.explanation.append((t.words(start, end), f"set piece: {piece_shape(word)}"))
    for word in LOCATION_WORDS:
        for m in re.finditer(rf"{_L}{re.escape(word)}{_R}", t.low):
            t.use(m.start(), m.end())
            if word not in spec.locations:
                spec.locations.append(word)
                spec.explanation.append((t.words(m.start(), m.end()), f"location: {word}"))


def has_camera_words(sentence: str) -> bool:
    low = sentence.lower()
    rxs = [rx for rx, _ in SIZE_RX + ANGLE_RX + MOVE_RX] + [STATIC_RX, REVERSE_RX, HANDHELD_RX, TWO_SHOT_RX, SINGLE_RX]
    return any(rx.search(low) for rx in rxs)


# "Over Jonas onto Mara", "OTS Mara > Jonas": an over-the-shoulder said by its two people, a framing.
OVER_ONTO_RX = re.compile(r"(?<![a-z])(?:over|ots)\s+[a-z]+(?:'s)?\s+(?:onto|on to|to|>|->)\s")


def _starts_shot(sentence: str) -> bool:
    low = sentence.lower()
    return any(rx.search(low) for rx, _ in SIZE_RX + ANGLE_RX) or bool(REVERSE_RX.search(low) or TWO_SHOT_RX.search(low) or SINGLE_RX.search(low) or OVER_ONTO_RX.search(low))


# "Jonas pans right... no, sorry, the CAMERA pans right", "pan left, actually no, make it a tilt",
# "Close-up. Scratch that, a wide.": the director changes their mind, and the words before are withdrawn.
CORRECTION_RX = re.compile(
    r"(?i)(?:\.\.\.|…|\s[-–—]+|[,;])?\s*(?:(?:actually|wait|sorry|oops|hmm|erm?|um)[,.!]?\s+)*(?<![a-z'])(?:no|nope|nah)(?:\s*(?:[,.!;:…—–]|\.\.\.|\s-+)+|\s+(?=wait|sorry|actually))\s*(?!\s*(?:not|no|never|don't|do not)\b)"
    r"(?:(?:sorry|wait|actually|i mean|rather|scratch that|make (?:it|that)(?: an?)?|let's (?:do|go with|make it)(?: an?)?|instead)\b(?:\s*[,.!:–—-])*\s*)*"
    r"|(?:[,;.]|\s[-–—]+)\s*(?:scratch that|scrap that|forget that|strike that|cancel that|or rather|sorry,? i mean|i mean)\b[,.!:]?\s*(?:(?:make (?:it|that)|let's do)(?: an?)?\b\s*)?"
    r"|(?:[,;.]|\s[-–—]+)\s*actually,?\s+(?:make (?:it|that)|let's (?:do|go with|make it)|go with)(?: an?)?\b\s*"
)
CORRECTION_MARK = "(changed:) "
SAID_RX = re.compile(r"(?i)(?<![a-z])(?:says?|said|saying|answers?|answered|shouts?|yells?|repl(?:ies|ied)|whispers?|mutters?|tells? (?:him|her|them))\s*$")


def withdraw_corrections(text: str) -> str:
    """``text`` without the words a change of mind withdraws: the clause before "no, sorry," (the
    sentence before, when the change opens a sentence). Each change leaves CORRECTION_MARK."""
    for m in reversed(list(CORRECTION_RX.finditer(text))):
        if SAID_RX.search(text[: m.start()].rstrip(" ,")) or (m.start() and text[m.start() - 1] in "\"“'‘"):
            continue  # "Mara says no, Jonas walks off", '"No, stop."': a line of the scene, not the director's
        start = m.start()
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        before = text[:start].rstrip(".…")
        cut = max(before.rfind(c) for c in ",;:!?\n(")
        sentence_end = max(before.rfind(". "), before.rfind("! "), before.rfind("? "))
        cut = max(cut, sentence_end + 1 if sentence_end >= 0 else -1)
        if not before[cut + 1 :].strip() and cut >= 0:  # "Close-up. Actually no, a wide.": the sentence before
            prev = before[:cut].rstrip(".!? ")
            cut = max(max(prev.rfind(c) for c in ";:!?\n("), max(prev.rfind(". "), prev.rfind("! "), prev.rfind("? ")) + 1)
        for marker in [*INLINE_ITEM_RX.finditer(before), *ANY_MARKER_RX.finditer(before), *LIST_ITEM_RX.finditer(before), *SHOT_COUNT_RX.finditer(before)]:
            cut = max(cut, marker.end() - 1)  # "(2) Jonas pans right... no,": the list's marker stays
        keep = text[: cut + 1] if cut >= 0 else ""
        text = f"{keep.rstrip()} {CORRECTION_MARK}{text[m.end():]}".lstrip() if keep.strip() else f"{CORRECTION_MARK}{text[m.end():]}"
    return text


# A screenplay's character cue ("JONAS (O.S.)", "MARA (CONT'D)") and the lines spoken under it
CUE_RX = re.compile(r"^[ \t]*[A-Z][A-Z.'’ -]{1,30}?(?:[ \t]*\((?:O\.S\.|V\.O\.|O\.C\.|CONT'D|CONT’D|OS|VO)\))?[ \t]*$")
# "CUT.", "DISSOLVE TO:", "BACK TO SCENE": a screenplay's transition, in caps like a cue but no one speaking
TRANSITION_RX = re.compile(r"(?i)^\s*(?:(?:smash |match |jump |hard )?cut(?: to)?|dissolve(?: to)?|fade (?:in|out|to(?: black)?)|intercut(?: with)?|back to(?: scene)?|continuous|later|the end)\s*[:.!]?\s*$")
# "thats it thx", "Cheers!", "thanks all": a sign-off, no shot
SIGN_OFF_RX = re.compile(r"(?im)^[ \t]*(?:that'?s (?:it|all)|thanks?(?: all| everyone| guys)?|thx|ty|cheers)\b[ \t\w!.,]{0,20}$")
# "… lens level, from above the vent to just over the crates. Yeah.": a word of assent alone is no shot
ASSENT_RX = re.compile(r"(?i)^\W*(?:yeah|yep|yes|ok|okay|right|cool|good|great|perfect|done)\W*$")


# "that's a wrap on the tank tilt, moving on.": a shot already shot, no shot to plan
WRAPPED_RX = re.compile(r"(?i)\b(?:that'?s|it'?s) a wrap on [^.;!?\n]*(?:[,;]\s*moving on)?[.;!]?\s*")
# crews' shorthand: "walk w jonas frm the crates", "w/ her", "thru the door"
SHORTHAND = ((re.compile(r"(?i)(?<![a-z'])w/\s*"), "with "), (re.compile(r"(?i)(?<=\s)w(?=\s+[a-z])"), "with"), (re.compile(r"(?i)(?<![a-z])frm(?![a-z])"), "from"), (re.compile(r"(?i)(?<![a-z])thru(?![a-z])"), "through"), (re.compile(r"(?i)(?<![a-z])b4(?![a-z])"), "before"), (re.compile(r"(?i)(?<![a-z])trk(?![a-z])"), "truck"),
             # "Cover it in two: …", "let's do this in three:": a count of the shots that follow
             (re.compile(r"(?i)\b(?:cover|do|shoot|get|play|break) (?:it|this|that|the scene|the moment|it up) in(?:to)? (two|three|four|five|2|3|4|5)\s*:"), r"\1 shots:"))


CSV_COLUMNS = {"shot", "#", "no", "size", "angle", "move", "movement", "camera", "camera move", "subject", "who", "description", "action", "notes", "note", "lens", "framing", "type", "shot type", "scene", "sc", "setup"}
ANGLE_COLUMNS = {"angle", "camera angle"}
NUMBER_COLUMNS = {"shot", "#", "no", "scene", "sc", "setup", "shot #", "shot no"}


def _from_csv(text: str) -> str:
    """A shot list exported as CSV ("Shot,Size,Angle,Move,Subject,Notes" then a row a shot): a line
    a shot, its cells as the crew would say them ("CU, Low angle, Push in, Jonas"). Other text is
    left as it is."""
    import csv

    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    if len(lines) < 2 or "," not in lines[0]:
        return text
    header = [h.strip().lower() for h in next(csv.reader([lines[0]]))]
    if sum(h in CSV_COLUMNS for h in header) < 3 or len(header) < 3:
        return text
    rows = []
    for row in csv.reader(lines[1:]):
        cells = []
        for name, cell in zip(header, row):
            cell = cell.strip()
            if not cell or name in NUMBER_COLUMNS:
                continue
            if name in ANGLE_COLUMNS and not re.search(r"(?i)angle|level|eye|overhead|dutch|pov|shoulder|ots", cell):
                cell = f"{cell} angle"  # "Low" in the angle column is a low angle
            cells.append(cell)
        rows.append(", ".join(cells))
    return "\n".join(rows)


# "Tk 1 NG (boom in shot).", "Tk 2 print.", "Tk 2 was pretty but the zoom drifted.": a camera report's
# word on a take already shot, no shot asked for ("Tk 3 pls: zoom out …" asks for one)
TAKE_REPORT_RX = re.compile(r"(?i)(?:^|(?<=[.!?;]\s))(?:tk|take)\s*\d+[a-z]?\b(?!\s*(?:pls|please|again)\b)(?![^.!?\n]*:)[^.!?\n]*\b(?:ng|no good|print(?:ed)?|good|circled?|was|were|drifted|late|early|soft|bumped|missed|fine|ok|keeper|hold)\b[^.!?\n]*[.!?]?")
# "Continuity: Mara's hair behind left ear from 22C onward.": another department's sentence
# the departments whose sentence ("Continuity: …") or list line ("- props: …") is theirs, not the camera's
DEPARTMENTS = r"continuity|hair|make-?up|wardrobe|costume|props?|sound|vfx|sfx|art dept|catering"
DEPARTMENT_SENTENCE_RX = re.compile(rf"(?i)(?:^|(?<=[.!?]\s))(?:{DEPARTMENTS})\s*:[^.!?\n]*[.!?]?")
# "tilt dn antenna tip → gravel": an arrow between two places is "to", not a cut
PLACE_ARROW_RX = re.compile(r"(?<=[a-z]) *(?:→|->|⟶) *(?=([a-z][a-z ]{0,30}?)(?:[,.;]|$))")


def _place_arrows(text: str) -> str:
    return PLACE_ARROW_RX.sub(lambda m: m.group() if has_camera_words(m.group(1)) else " to ", text)


def _spelled_out(text: str) -> str:
    """The crew's shorthand written out, and shots already wrapped taken out."""
    text = _from_csv(WRAPPED_RX.sub("", text))
    for rx, word in SHORTHAND:
        text = rx.sub(word, text)
    text = DEPARTMENT_SENTENCE_RX.sub("", TAKE_REPORT_RX.sub("", text))
    return _place_arrows(text).strip() or text


def _without_dialogue(text: str) -> str:
    """``text`` without the lines spoken under a character cue (to the next blank line) and sign-offs."""
    out, speaking = [], False
    for line in text.split("\n"):
        # a camera direction in capitals ends the speech without a blank line ("Mara?\nCAMERA PANS RIGHT …")
        said_by_the_camera = CAMERA_DIRECTION_RX.match(line) or SLUGLINE_RX.match(line) or (re.match(r"\s*[A-Z]{2,}(?:\s+[A-Z]{2,})+\b", line) and has_camera_words(line))
        if speaking and line.strip() and not said_by_the_camera:
            continue
        speaking = False
        if CUE_RX.match(line) and not has_camera_words(line) and not SLUGLINE_RX.match(line) and not TRANSITION_RX.match(line) and len(line.split()) <= 4:
            speaking = True
            continue
        if SIGN_OFF_RX.match(line):
            continue
        out.append(line)
    return "\n".join(out).strip() or text


FIRST_PERSON = (("i'm", "{} is"), ("i am", "{} is"), ("i'll", "{} will"), ("i've", "{} has"), ("i'd", "{} would"), ("myself", "{}"), ("my", "{}'s"), ("me", "{}"), ("i", "{}"))
FIRST_PERSON_RX = re.compile(r"(?i)(?<![A-Za-z'’])(" + "|".join(re.escape(w).replace("'", "['’]") for w, _ in FIRST_PERSON) + r")(?![A-Za-z'’])")


def _said_by_the_actor(text: str, names: list[str] | None) -> str:
    """"Jonas: … the camera tracks beside me", "Mara here — I'll walk up to the lens": an actor's own
    words about their shot, where "I" and "me" are the one who signs them."""
    m = re.match(r"\s*([A-Za-z]+)(?:\s+here)?\s*[:—–-]\s*", text)
    name = next((n for n in names or () if m and m.group(1).lower() == n.lower()), None)
    if name is None or not FIRST_PERSON_RX.search(text, m.end()):
        return text
    said = dict((w, f) for w, f in FIRST_PERSON)
    body = FIRST_PERSON_RX.sub(lambda w: said[w.group().lower().replace("’", "'")].format(name), text[m.end() :])
    return f"{text[: m.end()]}{body}"


def split_shots(paragraph: str, names: list[str] | None = None) -> tuple[str, list[str]]:
    """(global prompt, per-shot texts) of a paragraph (see :func:`split_scenes`)."""
    head, shots, _, _ = split_scenes(paragraph, names)
    return head, shots


def split_scenes(paragraph: str, names: list[str] | None = None) -> tuple[str, list[str], list[int], dict[int, str]]:
    """(global prompt, per-shot texts, each shot's scene, each scene's description) of a paragraph.
    A shot's scene is 0 before any scene heading and k under the k-th one: a new scene starts from
    the set's blocking, and what its description says of people ("Jonas by the water tank.") holds
    from its first shot.

    Sluglines (INT./EXT.) head scenes and are not shots themselves (their words join the global
    prompt, and the shot after them reads them for its location). Numbered shots ("Shot 2:", "Shot
    two", "the third shot") split there; else paragraphs and lines split; inside a line, "cut to",
    "smash cut" and sentences that open with "Then", "Next", "We see", "Reverse on", "Insert",
    "Meanwhile" or a new framing (a size, an angle) start shots; other sentences belong to the shot
    before them. Leading sentences without camera words are the global prompt, unless a cut follows
    them (what is cut from was a shot).
    """
    text = _said_by_the_actor(_without_dialogue(withdraw_corrections(_spelled_out(paragraph.strip()))), names)
    scenes: list[str] = []
    for m in SLUGLINE_RX.finditer(text):
        scenes.append(m.group().strip())
    if scenes:
        # Each slugline's location stays with the first shot of its scene.
        parts = SLUGLINE_RX.split(text)
        heads: list[str] = []
        shots: list[str] = []
        scene_of: list[int] = []
        described: dict[int, str] = {}
        before = parts[0].strip()
        if before and not any(has_camera_words(sentence) for sentence in SENTENCE_RX.split(before.replace("\n", " "))):
            heads.append(before)  # words before the first heading that say nothing of a camera describe it all
        elif before:  # … or they are shots of their own
            before_head, shots = split_shots(before, names)
            heads += [before_head] if before_head else []
            described[0] = before_head
            scene_of = [0] * len(shots)
        for k, (slug, body) in enumerate(zip(scenes, parts[1:]), start=1):
            body = body.lstrip(" \t-–—:.,")
            inner_head, inner = split_shots(body, names) if body.strip() else ("", [])
            heads += [slug, inner_head] if inner_head else [slug]  # the scene's description joins the global prompt
            described[k] = inner_head
            location = _slug_location(slug)
            if inner and location:
                inner[0] = f"{inner[0]} ({location})"
            shots += inner
            scene_of += [k] * len(inner)
        return " ".join(heads).strip(), shots, scene_of, described
    count = SHOT_COUNT_RX.search(text)
    if count and text[count.end() :].strip():
        # "Hi all - for sc. 14 I'd like two setups: …": what comes before the count is no shot
        head, shots, scene_of, described = split_scenes(text[count.end() :], names)
        head = " ".join(w for w in (text[: count.start()].strip(), head) if w)
        shots = _as_many_shots(shots, int(number(count.group("n").lower())))
        return head, shots, scene_of if len(scene_of) == len(shots) else [0] * len(shots), described
    items = _inline_items(text)
    one_ticket = len(SHOT_MARKER_RX.findall(text)) == 1 and len(items) > 1 and items[0].start() > SHOT_MARKER_RX.search(text).start()
    if (SHOT_MARKER_RX.search(text) and not one_ticket) or len(ORDINAL_MARKER_RX.findall(text)) > 1 or len(SECTION_MARKER_RX.findall(text)) > 1:
        # ("Shot 070 – notes: … 070A: … 070B: …" is one ticket's list: its codes split it, below)
        # "First shot: … Second shot: … Third: …": either marker numbers a shot, and a cut inside one starts another
        parts = ANY_MARKER_RX.split(text)
        head = parts[0].strip()
        shots = [piece.strip(" \n,;") for p in parts[1:] for cut in CUT_RX.split(p) for part in ORDINAL_AND_RX.split(cut) for piece in _then_framings(part, names) if piece.strip(" \n,;.:")]
        shots = [LIST_ORDINAL_RX.sub("", shot, count=1).strip(" ,;") or shot for shot in shots]
        if head and any(has_camera_words(x) for x in SENTENCE_RX.split(head)) and not SHOT_COUNT_RX.search(head):
            shots, head = [head, *shots], ""  # "Cowboy on Mara. Second shot: …": the words before the first marker were a shot
        return head, shots, [0] * len(shots), {0: head}
    if items:
        head = text[: items[0].start()].strip()
        parts = [text[a.end() : b.start() if b else len(text)] for a, b in zip(items, items[1:] + [None])]
        shots, light = _without_light([piece.strip(" \n,;") for p in parts for piece in CUT_RX.split(p) if piece.strip(" \n,;.:")], names)
        head = " ".join(x for x in (head, light) if x)
        return head, shots, [0] * len(shots), {0: head}
    first = FIRST_RX.match(text)
    if first:
        # "First a close-up of Mara, then a wide of the roof": "then" before a new framing is a new shot
        pieces = [q for p in THEN_SPLIT_RX.split(text[first.end() :]) for q in CUT_RX.split(p) if q.strip(" ,;.:")]
        if len(pieces) > 1 and all(_starts_shot(p) for p in pieces[1:]) and "\n" not in text.strip():
            return "", [p.strip(" ,;") for p in pieces], [0] * len(pieces), {0: ""}
    text, notes = _department_notes(_with_sub_points(text))
    was_list = len(LIST_ITEM_RX.findall(text)) > 1
    # lines of a numbered list that carry no number, and a schedule's lines ("14:00  LUNCH"): notes, if they say no camera words
    unnumbered = {ln.strip() for ln in text.splitlines() if ln.strip() and not LIST_ITEM_RX.match(ln)} if was_list else set()
    if was_list:
        text = LIST_ITEM_RX.sub("", text)  # "1. WS rooftop.\n2. MCU Mara.": a numbered list, a shot a line
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if len(lines) > 1:
        head = notes
        # Leading lines with no camera words and nobody of the set in them set the scene.
        while len(lines) > 1 and not has_camera_words(lines[0]) and not (names and mentions(lines[0], names)) and not NEW_SHOT_RX.match(lines[1]) and not CUT_RX.match(lines[1]):
            head.append(lines.pop(0))
        # A screenplay's action paragraphs ("The stair door bangs open. Mara.") between its camera
        # directions are what happens in the shot around them, not shots of their own.
        # (a screenplay's lines are its paragraphs even without blank lines between: a scene heading, a
        # transition or a camera direction on a line of its own says it is one)
        screenplay = SLUGLINE_RX.search(text) is not None or any(TRANSITION_RX.match(ln) or re.match(r"\s*(?:(?:THE )?CAMERA [A-Z]|(?:CLOSE|ANGLE|WIDE|BACK) (?:ON|TO)\b|INSERT\b|REVERSE ON\b)", ln) for ln in lines)
        prose = not was_list and (re.search(r"\n[ \t]*\n", text) is not None or screenplay) and any(has_camera_words(ln) for ln in lines)  # paragraphs, not a line a shot
        shots: list[str] = []
        pending: list[str] = []
        cut = False
        for ln in lines:
            if TRANSITION_RX.match(ln):  # "CUT.", "DISSOLVE TO:" on a line of its own: the next line is another shot
                cut = True
                continue
            # "CAMERA TILTS UP to the window." after "CLOSE ON the door handle.": the shot's camera, not a new shot
            directs = prose and shots and _camera_direction(ln) and not _starts_shot(ln) and not NEW_SHOT_RX.match(ln) and not CUT_RX.match(ln)
            joins = directs or (prose and not has_camera_words(ln) and not NEW_SHOT_RX.match(ln) and not CUT_RX.search(ln))
            if cut:
                joins, cut = False, False
            if joins:
                if shots:
                    shots[-1] += " " + ln
                else:
                    pending.append(ln)
                continue
            note = ln in unnumbered or SCHEDULE_LINE_RX.match(ln) is not None
            if note and not prose and shots and not has_camera_words(ln) and not (names and mentions(ln, names)) and not NEW_SHOT_RX.match(ln) and not CUT_RX.search(ln):
                head.append(ln)  # "sun's going fast so 1 take each", "14:00  LUNCH": a note under the list, no shot
                continue
            if prose:
                line_head, got = _split_line_with_head(ln, names)
                got = [f"{line_head} {got[0]}"] + got[1:] if line_head and got else got or ([line_head] if line_head else [])
            else:
                got = _split_line(ln, bool(shots), names)
            if pending and got:
                # what happens before the first camera direction: after it, so the shot is of whom the camera frames
                got[0], pending = " ".join([got[0]] + pending), []
            shots += got
        shots += [" ".join(pending)] if pending else []
        return " ".join(head), shots, [0] * len(shots), {0: " ".join(head)}
    if notes:  # the one line left of a department list is the shot; the notes are the prompt's
        text = LIST_ITEM_RX.sub("", text).strip()
    head_text, shots = _split_line_with_head(text, names)
    if notes:
        head_text = ". ".join(x.rstrip(". ") for x in (*notes, head_text) if x)
    named_in_head = [n for n in names or () if mentions(head_text, [n])]
    # "Jonas gets it. Track toward him": the one person the opening names is who "him" is
    pronoun_of_head = len(named_in_head) == 1 and re.search(r"(?<![a-z])(?:him|her|he|she|his)(?![a-z])", shots[0].lower()) is not None if shots else False
    if head_text and shots and names and mentions(head_text, names) and not mentions(shots[0], names) and (ACTION_ANY_RX.search(head_text.lower()) or _places_someone(head_text, names) or pronoun_of_head):
        # "Jonas walks to the door. Medium shot.", "Jonas by the water tank. Close-up.": what someone
        # does or where they are, then how it is framed: one shot. Sentences before it that only set
        # the scene ("A rooftop at night.") stay the global prompt.
        sentences = [x.strip() for x in SENTENCE_RX.split(head_text) if x.strip()]
        first = next(i for i, x in enumerate(sentences) if mentions(x, names) and (ACTION_ANY_RX.search(x.lower()) or _places_someone(x, names) or pronoun_of_head))
        shots[0] = " ".join(sentences[first:] + [shots[0]])
        head_text = " ".join(sentences[:first])
    return head_text, shots, [0] * len(shots), {0: head_text}


def _camera_direction(line: str) -> bool:
    """A screenplay's camera direction, maybe after the action it answers ("She turns. The CAMERA PANS
    LEFT to find Jonas."): a sentence that opens "(The) CAMERA …", and no other camera words."""
    sentences = [x for x in SENTENCE_RX.split(line.strip()) if x.strip()]
    directed = [x for x in sentences if CAMERA_DIRECTION_RX.match(x)]
    return bool(directed) and not any(has_camera_words(x) for x in sentences if x not in directed)


SCHEDULE_LINE_RX = re.compile(r"^\s*\d{1,2}[:.h]\d{2}\b")
# A screenplay's camera direction: "CAMERA PUSHES IN on him.", "The camera tilts up to the window."
CAMERA_DIRECTION_RX = re.compile(r"^\s*(?:the )?camera\s+(?!angle|on\b)[A-Za-z]+", re.I)
# "- wardrobe: Mara's coat wet down", "- sound: wild track": a department's note in a shot's list
DEPARTMENT_RX = re.compile(rf"(?im)^[ \t]*(?:[-*•–]|\d{{1,2}}[.)])?[ \t]*(?:{DEPARTMENTS}|audio|lighting|lights?|electric|grip notes?|hmu|art|cast|talent|location|notes?)[ \t]*:[^\n]*$")
# "- camera: pull back …": the line the camera's words are on
CAMERA_LABEL_RX = re.compile(r"(?im)^([ \t]*(?:[-*•–][ \t]*)?)(?:camera|cam|camera move|move|movement)[ \t]*:[ \t]*")
SUB_POINT_RX = re.compile(r"^[ \t]+[-*•–·][ \t]+")


def _department_notes(text: str) -> tuple[str, list[str]]:
    """``text`` without the other departments' lines of a list, and those lines (the prompt's)."""
    lines = text.splitlines()
    notes = [ln for ln in lines if DEPARTMENT_RX.match(ln)]
    if not notes or len(notes) == len([ln for ln in lines if ln.strip()]):
        return text, []
    kept = "\n".join(ln for ln in lines if not DEPARTMENT_RX.match(ln))
    return CAMERA_LABEL_RX.sub(lambda m: m.group(1), kept), [ln.strip(" \t-*•–") for ln in notes]


def _with_sub_points(text: str) -> str:
    """"1. Push in on Mara\n   - she stops at the left ledge": an indented point under a list's item
    is said of that item, not a shot of its own."""
    out: list[str] = []
    for ln in text.splitlines():
        if SUB_POINT_RX.match(ln) and out and out[-1].strip():
            out[-1] = f"{out[-1].rstrip(' .;,')}; {SUB_POINT_RX.sub('', ln).strip()}"
        else:
            out.append(ln)
    return "\n".join(out)


def _inline_items(text: str) -> list[re.Match]:
    """The markers of a list written inside a line, when they count on (1, 2, 3 or 1A, 1B, 1C)."""
    found = list(INLINE_ITEM_RX.finditer(text))
    numbered = [m for m in found if m.group("a") or m.group("b") or m.group("d")]
    coded = [m for m in found if m.group("n")]
    lettered = [m for m in found if m.group("c") or m.group("u")]
    spelled = [m for m in found if m.group("w")]
    codes = [m for m in found if m.group("k")]
    steps = [int(b.group("k")) - int(a.group("k")) for a, b in zip(codes, codes[1:])]
    if len(codes) > 1 and len(set(steps)) == 1 and steps[0] in (1, 5, 10, 100):
        return codes
    for ms, key in (
        (numbered, lambda m: int(m.group("a") or m.group("b") or m.group("d"))),
        (coded, lambda m: (int(m.group("n")), ord(m.group("l").lower()))),
        (lettered, lambda m: ord((m.group("c") or m.group("u")).lower())),
        (spelled, lambda m: int(V.NUMBER_WORDS[m.group("w").lower()])),
    ):
        if len(ms) < 2:
            continue
        keys = [key(m) for m in ms]
        if any(m.group("d") for m in ms) and keys[0] != 1:
            continue  # "1. WS rooftop.\n2. MCU Mara.": a list of lines (its first number opens the text), not one inside a line
        steps = [(b - a) if isinstance(a, int) else (b[0] == a[0] and b[1] - a[1]) for a, b in zip(keys, keys[1:])]
        if all(step == 1 for step in steps):
            return ms
    return []


def _as_many_shots(shots: list[str], n: int) -> list[str]:
    """The shots of a text that said how many there are ("Two shots: first a pan right across the
    skyline, then Mara in close-up"): split at "then" when that gives exactly as many; a leading
    "first" is the list's word, not the shot's."""
    if len(shots) == 1 and n > 1:
        # "3 setups: 1 roll left on jonas 2 ecu mara eyes static 3 pull out to wide": bare numbers 1 … n
        marks = list(re.finditer(r"(?:^|(?<=\s))([1-9])\s+(?=[a-z])", shots[0]))
        if [int(m.group(1)) for m in marks] == list(range(1, n + 1)):
            ends = [m.start() for m in marks[1:]] + [len(shots[0])]
            return [shots[0][m.end() : e].strip(" ,;") for m, e in zip(marks, ends)]
    for rx in (LIST_SENTENCE_RX, THEN_SPLIT_RX, AND_SPLIT_RX):  # "The first … The second …", "…, then …", else "…, and …" / "…; …"
        if len(shots) < n:
            pieces = [p for shot in shots for p in rx.split(shot) if p.strip(" ,;.")]
            if len(pieces) == n:
                shots = pieces
    return [LIST_ORDINAL_RX.sub("", FIRST_RX.sub("", shot, count=1), count=1).strip(" ,;") or shot for shot in shots]


def _places_someone(text: str, names: list[str]) -> bool:
    """``text`` says where someone of ``names`` is ("Jonas by the water tank")."""
    spec = ShotSpec(text=text)
    _whereabouts(_Text(text), names, spec)
    return bool(spec.actions)


def mentions(text: str, names: list[str]) -> bool:
    """``text`` names someone of ``names`` (as a word, in the case written)."""
    return any(re.search(rf"(?<![A-Za-z]){re.escape(n)}(?![a-z])", text) for n in names)


def _slug_location(slug: str) -> str:
    body = re.sub(r"^\s*(?:INT|EXT|INT\./EXT|I/E|EST)\.?\s+", "", slug)
    return re.split(r"\s+[-–—]\s*", body)[0].strip(" .").lower()


def _split_line(text: str, after_shots: bool, names: list[str] | None = None) -> list[str]:
    head, shots = _split_line_with_head(text, names)
    if head:  # a line of its own without camera words is still a shot of its own in a list of lines
        shots = [head] + shots if not shots or after_shots else [f"{head} {shots[0]}"] + shots[1:]
    return shots


# "I need that full move uncut.", "All in one take.": the shot before is one continuous shot
ONE_TAKE_RX = re.compile(r"(?i)\b(?:uncut|in one(?: take| shot| go| move)?(?=\s*[.,!;]|\s*$)|one take|no cuts?|without (?:a )?cut(?:ting)?|all (?:in )?one|one continuous|single take|oner)\b")
MOVE_NOUN_RX = re.compile(r"\b(?:move|moves|shot|take|camera)\b")


def _refines(shot: str, sentence: str, names: list[str] | None) -> bool:
    """The sentence says more of the shot before it, moving nothing and framing no one else: its size
    for a shot asked for by whom it is of ("I'm missing a clean single of Mara. Just a locked-off MCU
    at eye level."), or the same angle again and how the camera is held ("I want Jonas's close-up from
    below. We look up at him … Camera doesn't move.")."""
    low, before = sentence.lower(), shot.lower()
    if not has_camera_words(sentence) or any(rx.search(low) for rx, _ in MOVE_RX) or NEW_SHOT_RX.match(sentence) or CUT_RX.search(sentence):
        return False
    if REVERSE_RX.search(low) or TWO_SHOT_RX.search(low) or OVER_ONTO_RX.search(low):
        return False
    # (a shot said by its camera first takes whom the next sentence names: "she doesn't want the camera
    # moving in this one at all. Just Jonas in a medium shot, eye level.")
    if names and mentions(shot, names) and any(mentions(sentence, [n]) and not mentions(shot, [n]) for n in names):
        return False
    if names and not mentions(shot, names) and (not mentions(sentence, names) or any(rx.search(before) for rx, _ in MOVE_RX)):
        return False
    sizes = {code for rx, code in SIZE_RX if rx.search(low)}
    angles = {a for rx, a in ANGLE_RX if rx.search(low)}
    shot_sizes = {code for rx, code in SIZE_RX if rx.search(before)}
    shot_angles = {a for rx, a in ANGLE_RX if rx.search(before)}
    if sizes and (shot_sizes or shot_angles):
        return False
    return not angles or not shot_angles or angles <= shot_angles


def _split_line_with_head(text: str, names: list[str] | None = None) -> tuple[str, list[str]]:
    pieces = [p for p in CUT_RX.split(text) if p.strip(" ,;:")]
    cut_first = bool(CUT_RX.match(text.strip()))
    shots: list[str] = []
    head: list[str] = []
    opened = False  # "Final beat: hard cut to Jonas": an opener said alone starts the shot after it
    for i, piece in enumerate(pieces):
        sentences = [s.strip() for s in SENTENCE_RX.split(piece.strip()) if s.strip()]
        # the framings after "then" that _then_framings split off are shots of their own
        framed = [(part, k > 0) for sentence in sentences for k, part in enumerate(_then_framings(sentence, names))]
        for j, (sentence, split_off) in enumerate(framed):
            new_piece = (j == 0 and (i > 0 or cut_first)) or opened or split_off
            opened = False
            opener = NEW_SHOT_RX.match(sentence)
            if opener and not sentence[opener.end() :].strip(" .:,;–—-") and not (REVERSE_RX.match(sentence.lower()) or opener.group().lower().startswith(("insert", "the reverse", "we see", "back", "open"))):
                opened = True
                continue
            if opener and opener.group().lower().startswith("we see") and shots and not _starts_shot(shots[-1]) and not (names and mentions(shots[-1], names)):
                opener = None  # "The camera is in the hand of the operator … We see Jonas full body": what that camera frames
            if opener and not new_piece:
                rest = sentence[opener.end() :].strip()
                if opener.group().lower().strip(" ,:") in ("then", "and then", "next", "later", "finally", "lastly", "last", "at the end", "and at the end", "in the end", "meanwhile", "elsewhere", "open on", "opening on", "we see", "second", "third", "fourth", "fifth", "sixth"):
                    sentence = rest or sentence
                new_piece = True
            both = BOTH_RX.match(sentence)
            sized = any(rx.search(sentence.lower()) for rx, _ in SIZE_RX)
            # "Both static, medium close-ups." is said of each shot; "Both, wide and locked off." is a shot of the two
            if both and len(shots) >= 2 and not new_piece and has_camera_words(sentence) and (not sized or PLURAL_SIZE_RX.search(sentence)):
                # "… a clean single of Mara, and a reverse on Jonas. Both static, medium close-ups.": said of each
                shots = [f"{shot} {sentence[both.end():]}" for shot in shots]
                continue
            if ASSENT_RX.match(sentence):
                continue
            if shots and not new_piece and ONE_TAKE_RX.search(sentence) and not any(rx.search(MOVE_NOUN_RX.sub(" ", sentence.lower())) for rx, _ in MOVE_RX):
                shots[-1] += " " + sentence  # "… then boom up over the tank. I need that full move uncut.": of that shot
                continue
            if not new_piece and _about_light(sentence, names):
                head.append(sentence)  # a lighting note: the picture's prompt, no shot and no angle of the lens
            elif not shots and not new_piece and not has_camera_words(sentence):
                head.append(sentence)
            elif shots and not new_piece and _size_only(sentence, shots[-1], names):
                shots[-1] += " " + sentence  # "Handheld on Mara … MCU.", "ECU Mara's eyes. 100 macro.": that shot's size
            elif shots and not new_piece and _angle_only(sentence, names):
                shots[-1] += " " + sentence  # "Reverse on Mara, waiting. Dutch.": the angle of that shot
            elif shots and not new_piece and _refusals_only(ANGLE_WORDS_RX.sub(" ", sentence)) and not (names and mentions(sentence, names)):
                shots[-1] += " " + sentence  # "… crooked, like slanted, on Mara. Not spinning, just stuck tilted.": how that shot is held
            elif shots and not new_piece and (_modifier_only(shots[-1], names) or _refusals_only(shots[-1])):
                shots[-1] += " " + sentence  # "Tripod. MCU on Jonas.", "No pan, no zoom. A close-up …": how the next framing is shot, not a shot
            # ("Jonas sits on the ledge. We hold a wide static on him. Mara comes out; the camera pans
            # right to take her in.": whom "him" is comes from the opening sentences)
            elif shots and not new_piece and _refines(shots[-1], sentence, names):
                shots[-1] += " " + sentence  # "I'm missing a clean single of Mara. Just a locked-off MCU at eye level, no moves."
            elif not shots or new_piece or _starts_shot(sentence) or _new_subject(shots[-1] if (names and mentions(shots[-1], names)) or len(shots) > 1 else " ".join([*head, shots[-1]]), sentence, names):
                if new_piece and not shots and head:
                    # A cut from the opening sentences: they were a shot.
                    shots.append(" ".join(head))
                    head = []
                shots.append(sentence)
            else:
                shots[-1] += " " + sentence
    if not shots and head:
        shots, head = [" ".join(head)], []
    return " ".join(head), shots


THEN_FRAMING_RX = re.compile(r"(?i)^(?:(?:a|an|the|another|her|his)\s+)?")


def _then_framings(sentence: str, names: list[str] | None) -> list[str]:
    """"grab jonas ECU then mara ECU", "a close-up of Mara, then a wide of the roof": a framing, then
    another framing said straight after "then" (or after "and" or a semicolon), are two shots.
    "Start wide, then push in to a close-up" is one (the second part opens with a move, not a framing)."""
    people = [n.lower() for n in names or ()]
    pieces = [p for p in THEN_SPLIT_RX.split(sentence) if p.strip(" ,;.")]
    if len(pieces) < 2:
        # "a clean single of Mara, and a reverse on Jonas", "a two-shot, wide; an over-the-shoulder …":
        # a list of framings joined by "and" or semicolons (a piece that opens no framing stays with the one before)
        parts = [p for p in COVERAGE_SPLIT_RX.split(sentence) if p.strip(" ,;.")]
        if len(parts) < 2:
            return [sentence]
        pieces = [parts[0]]
        for part in parts[1:]:
            # (once two framings are listed, the list is of shots: "…; a reverse on Mara, also static;
            # and something to get out on - a crane up off both of them")
            if _opens_framing(part, people) or (len(pieces) > 1 and has_camera_words(part)):
                pieces.append(part)
            else:
                pieces[-1] = f"{pieces[-1]}; {part}"
        if len(pieces) < 2 or not _starts_shot(pieces[0]):
            return [sentence]
        return [p.strip(" ,;") for p in pieces]

    reverses = all(REVERSE_RX.match(p.lower().strip(" ,;:")) for p in pieces[1:])  # "…, and then the reverse on Jonas": always another shot
    if (_starts_shot(pieces[0]) or (reverses and has_camera_words(pieces[0]))) and all(_opens_framing(p, people) for p in pieces[1:]):
        return [p.strip(" ,;") for p in pieces]
    # "mara from a high angle first, then same angle on jonas, then a truck right past the both of
    # them": once two framings are listed, the list is of shots; "a close-up of Jonas, then pull back
    # from Mara": a travelling move on someone the piece before did not frame is their shot
    groups = [pieces[0]]
    for piece in pieces[1:]:
        listing = len(groups) > 1 and _starts_shot(groups[0])
        if (_opens_framing(piece, people) and (_starts_shot(groups[0]) or listing)) or listing or _moves_on_another(piece, groups[-1], names or []):
            groups.append(piece)
        else:
            groups[-1] = f"{groups[-1]}, then {piece.strip(' ,;')}"
    return [g.strip(" ,;") for g in groups] if len(groups) > 1 else [sentence]


TRAVEL_FAMILIES = ("dolly", "truck", "arc", "crane", "pedestal", "zoom", "dolly_zoom", "follow")


def _moves_on_another(piece: str, before: str, names: list[str]) -> bool:
    """The piece opens with a travelling move on, from or round someone the piece before framed
    no one or another of ("a close-up of Jonas, then pull back from Mara"); a pan or a tilt to them
    is one shot that turns."""
    low = piece.lower().strip(" ,;:")
    opening = next((m for rx, mn in MOVE_RX if mn[0] in TRAVEL_FAMILIES and (m := rx.match(low)) is not None), None)
    on = [n for n in names if re.search(rf"(?:on|from|round|around|off|with|in on) {re.escape(n.lower())}\b", low)]
    framed = [n for n in names if mentions(before, [n]) or n.lower() in before.lower()]
    return opening is not None and len(on) == 1 and bool(framed) and on[0] not in framed


PLURAL_SIZE_RX = re.compile(r"(?i)\b(?:close[- ]?ups|wides|singles|mediums|mcus|cus|ecus|shots)\b")
BOTH_RX = re.compile(r"(?i)^(?:both|all (?:three|four|of the shots|shots))\b(?! of (?:them|us))[,:]?\s*")
COVERAGE_SPLIT_RX = re.compile(r"(?i)\s*(?:,\s*and\s+|;\s*(?:and\s+)?)")


def _opens_framing(piece: str, people: list[str]) -> bool:
    """The piece starts with a framing ("a wide of the roof", "mara ECU", "the reverse"), not a move."""
    low = piece.lower().strip(" ,;:")
    low = low[THEN_FRAMING_RX.match(low).end() :]
    if any(re.match(rf"for {re.escape(n)}'s\b", low) for n in people):
        return True  # "…, and then for Jonas's a slow arc": his shot
    if re.match(r"same(?: angle| shot| framing| size| thing| again)? (?:on|for|of|with)\b", low):
        return True  # "…, then same angle on jonas": that framing of another
    if any(re.match(rf"{re.escape(n)}(?:'s)?\b", low) for n in people):
        return _starts_shot(piece) and not any(rx.search(low) for rx, _ in MOVE_RX)
    return any(rx.match(low) for rx, _ in SIZE_RX + ANGLE_RX) or bool(REVERSE_RX.match(low) or TWO_SHOT_RX.match(low) or SINGLE_RX.match(low))


def _size_only(sentence: str, shot: str, names: list[str] | None) -> bool:
    """A sentence of a size (and a lens) and nothing else, after a shot that has no size or the same one."""
    low = sentence.lower().strip(" .!;")
    hits = [(m, code) for rx, code in SIZE_RX for m in rx.finditer(low)]
    if not hits or any(rx.search(low) for rx, _ in MOVE_RX):
        return False
    named = [n for n in names or () if mentions(sentence, [n])]
    if named and (len(named) > 1 or any(mentions(shot, [n]) for n in names or () if n not in named)):
        return False  # "… Jonas MCU." after a shot of Mara is a shot of Jonas
    # "Roll left during her line. Mara MCU on the 50.", "… Until close-up.": the name and the size of that shot
    blank = lambda m: " " * len(m.group())  # noqa: E731 (the size hits' places in ``low`` must stay put)
    rest = re.sub(r"\b(?:until|till|to|into|ending on|ends on|on the|on a|start(?:s|ing)? (?:on|with|in|at|around|from)|open(?:s|ing)? on|begin(?:s|ning)? (?:on|with))\b", blank, FOCAL_RX.sub(blank, low))
    for n in named:
        rest = re.sub(rf"\b{re.escape(n.lower())}(?:'s)?\b", blank, rest)
    for m, _ in sorted(hits, key=lambda h: -h[0].start()):
        rest = rest[: m.start()] + rest[m.end() :]
    if [w for w in WORD_RX.findall(rest) if w not in V.STOPWORDS and not w.isdigit()]:
        return False
    before = {code for rx, code in SIZE_RX if rx.search(shot.lower())}
    return not before or bool(before & {code for _, code in hits})


def _angle_only(sentence: str, names: list[str] | None) -> bool:
    """A sentence of an angle and nothing else ("Dutch.", "Low angle."): it qualifies the shot it follows."""
    low = sentence.lower().strip(" .!;")
    hits = [m for rx, _ in ANGLE_RX for m in rx.finditer(low)]
    if not hits or any(rx.search(low) for rx, _ in SIZE_RX + MOVE_RX) or (names and mentions(sentence, names)):
        return False
    rest = low
    for m in sorted(hits, key=lambda m: -m.start()):
        rest = rest[: m.start()] + rest[m.end() :]
    return not [w for w in WORD_RX.findall(rest) if w not in V.STOPWORDS]


def _modifier_only(shot: str, names: list[str] | None) -> bool:
    """Words that say how a shot is made and nothing of what it frames or does: "Tripod.",
    "Handheld.", "On a long lens." (no size, angle, move or person)."""
    low = shot.lower()
    if any(rx.search(low) for rx, _ in SIZE_RX + ANGLE_RX + MOVE_RX) or TWO_SHOT_RX.search(low) or SINGLE_RX.search(low) or REVERSE_RX.search(low):
        return False
    if names and mentions(shot, names) or NAME_WORD_RX.search(shot[1:]):
        return False
    return bool(STATIC_RX.search(low) or HANDHELD_RX.search(low) or STEADICAM_RX.search(low) or FOCAL_RX.search(low) or any(rx.search(low) for rx, _ in LENS_RX))


LIGHT_RX = _rx(V.LIGHT_WORDS)
LIGHT_FADING_RX = _rx(V.LIGHT_FADING)
# "static MS Mara, bounce from the left", "locked off on a wide, strobe from the left": a clause of the light
LIGHT_CLAUSE_RX = re.compile(rf"(?:^|(?<=[,;.—–]))\s*(?:(?:a|an|the|some|little|bit of|soft|hard|warm|cool|cold|big|small)\s+)*(?:{V.LIGHT_WORDS})(?![a-z])[^,;.!?]*")


def _without_light(shots: list[str], names: list[str] | None) -> tuple[list[str], str]:
    """The shots without their lighting notes, and the notes (the picture's prompt)."""
    kept, light = [], []
    for shot in shots:
        sentences = [x for x in SENTENCE_RX.split(shot) if x.strip()]
        notes = [x for x in sentences[1:] if _about_light(x, names)]
        kept.append(" ".join(x for x in sentences if x not in notes))
        light += notes
    return kept, " ".join(light)


def _about_light(sentence: str, names: list[str] | None) -> bool:
    """"Practical lantern on the crates gives us the key, a little warm fill from below.": a note
    of the light that moves no camera and frames no one."""
    low = LIGHT_FADING_RX.sub(" the light ", sentence.lower())
    return bool(LIGHT_RX.search(low)) and not any(rx.search(low) for rx, _ in MOVE_RX) and not any(rx.search(low) for rx, _ in SIZE_RX) and not (names and mentions(sentence, names))


ANGLE_WORDS_RX = re.compile("|".join(f"(?:{rx.pattern})" for rx, _ in ANGLE_RX) + r"|\bjust\b")


def _refusals_only(shot: str) -> bool:
    """"No pan, no push, no zoom.": moves said not to be made, and nothing else."""
    t = _Text(shot)
    spec = ShotSpec(text=shot)
    _negated_moves(t, spec)
    return bool(spec.explanation) and not t.leftovers()


# A capitalised word, not the first half of a contraction ("Don't", "I'll" are no one).
NAME_WORD_RX = re.compile(r"(?<![A-Za-z'’])[A-Z][a-z]+(?![a-z]|['’](?:t|ll|re|ve|d|m)\b)")


def _new_subject(shot: str, sentence: str, names: list[str] | None = None) -> bool:
    """A sentence with camera words about someone the shot so far does not name: a new shot. With
    the set's people known, only they count ("Slowly zoom in." after "Close-up of Mara." names no one)."""
    if not has_camera_words(sentence):
        return False
    if re.match(r"\W*(?:we\s+)?(?:hold|holding|stay|linger)\s+(?:as|while|until|till|through)\b", sentence.lower()) and not has_camera_words(STATIC_RX.sub(" ", sentence.lower())):
        return False  # "HOLD as Mara's shadow falls across him": the shot holds on, whoever comes into it
    if names:
        return mentions(shot, names) and any(mentions(sentence, [n]) and not mentions(shot, [n]) for n in names)
    named = {w for w in NAME_WORD_RX.findall(shot) if not has_camera_words(w)}
    new = [w for w in NAME_WORD_RX.findall(sentence)[0:] if not has_camera_words(w) and w not in named and w.lower() not in V.STOPWORDS]
    return bool(named) and bool(new)


def _names_someone(sentence: str) -> bool:
    """A capitalised word past the first that is not camera language: a person doing something."""
    words = NAME_WORD_RX.findall(sentence)
    return any(not has_camera_words(w) for w in words)
