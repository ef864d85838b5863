"""The words of the rules planner: shot sizes, angles, moves, speeds, durations, lenses.

Every entry is a regular expression over lower-case text (word boundaries added by the parser) and
what it means. Longer phrases come first so "medium close-up" wins over "close-up".
"""

from __future__ import annotations

SIZES: list[tuple[str, str]] = [
    (r"extreme wide(?: shot)?|extreme long shot|ews|els|very wide(?: shot)?", "EWS"),
    (r"extreme close[- ]?ups?|extreme close(?= on)|ecu|extreme cu|macro(?!,? (?:insert|detail|shot of))|big close[- ]?ups?|bcu", "ECU"),
    (r"medium close(?:[- ]?ups?)?|mcu|medium cu|chest[- ]up|head and shoulders|head[- ]and[- ]shoulders shot", "MCU"),
    (r"american shot|plan am[ée]ricain|piano americano|medium long(?: shot)?|medium wide(?: shot)?|cowboy(?: shot)?|mls|mws|knee[- ]up", "MLS"),
    (r"medium plane|plano medio|medium(?: shot)?|mid[- ]shot|ms|waist[- ]up|mid(?![- ](?:scene|way|air|point|sentence|line|take|shot)|way|dle)", "MS"),
    (r"full(?: body)?(?: shot)?(?! \d| circle| turn| rotation| orbit| 360| speed| stop| swing| arc| roll)|fs|head[- ]to[- ](?:toe|feet)", "FS"),
    (r"close[- ]?ups?|cu|closeup|close plane|primer plano|close one|close on|tight on|tight shot|close shot|choker|(?:(?<=— )|(?<=, )|(?<=- ))close(?=\s*[.,;!—-]|\s*$)", "CU"),
    (r"insert(?: shot)?|detail(?: shot)?", "INSERT"),
    (r"establishing(?: shot)?|(?<!zoom goes )(?<!lens goes )(?<!zoom going )(?<!lens going )wide(?: shot)?|ws|general plane?|general shot|plano general|(?<![a-z] )total(?= of| shot|,|\s*$)|long shot|ls|master(?: shot)?|wide angle shot", "WS"),
]

# "Tight on Mara's eyes", "close on his mouth": a close-up of a feature of the face is an extreme close-up
FEATURE_CLOSE_UP = r"(?:tight|close|open(?:s|ing)?|start(?:s|ing)?|just|only) on (?:[a-z]+'s|her|his|their) (?:eyes|eye|mouth|lips)"

# Size words an angle can qualify: "a high wide", "low two-shot", "high angle" is said in full.
SIZE_AFTER = r"(?:wide|two[- ]shot|shot|single|medium|mid|close|cu|mcu|ms|ws|ls|full|establishing|master)\b"

# A person who "looks up at" someone is an eyeline, not the camera's angle: only "we" or the
# camera looking up or down sets one.
ANGLES: list[tuple[str, str]] = [
    (r"over[- ]the[- ]shoulder|ots|(?:over|past|behind) (?:her|his|their|\w+'s) shoulder|dirty single", "over-the-shoulder"),
    (r"bird'?s[- ]eye(?: view)?|overhead|top[- ]down|top shot|god'?s[- ]eye|zenith(?:al)?(?: view| shot| angle)?|cenital|plano cenital|looking straight down (?:at|on)|straight down (?:at|on) (?:both|them|the two)|like a map", "overhead"),
    (r"aerial(?: shot| view)?|drone(?: shot)?|from the air|helicopter shot", "aerial"),
    (r"worm'?s[- ]eye(?: view)?|from the ground|ground[- ]level|floor[- ]level|ant'?s(?:[- ]eye| point of view)|on the (?:floor|ground) looking (?:straight )?up|(?:lying|lies|lie) on the (?:ground|floor)(?: and)? looks? up", "worm's eye"),
    # "dutch clockwise", "dutch to the left": the frame rolls (a move), not a held dutch angle
    (r"dutch(?: angle| tilt)?(?! (?:(?:counter|anti)[- ]?)?clockwise| (?:to the )?(?:left|right))|canted(?: angle| frame)?|tilted (?:horizon|frame)|(?:kind of |a bit |slightly )?crooked|slanted|stuck tilted|(?<=camera stands )crooked|off[- ]kilter|askew", "dutch"),
    (r"contre[- ]?plong[ée]e|contrapicado|low[- ]angle|from below|looking (?:straight )?up at|(?:we|the camera) looks? up at|hero (?:angle|shot)|(?:at|from) (?:ankle|knee|hip|waist)[- ](?:height|level)|from low(?![a-z])|tilted up at\b|low camera|(?:knee|hip|waist)[- ](?:height|level)(?= (?:angle|shot|camera|on))|low(?=[- ]" + SIZE_AFTER + r")|(?:(?<=, )|(?<=^)|(?<=\. )|(?<=- )|(?<=– )|(?<=— ))low(?=\s*[.,;!]|\s*[-–—] |\s*$)", "low"),
    (r"(?<!contre-)(?<!contre )(?<!contre)plong[ée]e|(?<!contra)picado|high[- ]angle|from above|from high(?![a-z])(?! above| over| up)|tilted down (?:at|on|onto)\b|looking down (?:at|on)|(?:we|the camera) looks? down (?:at|on|onto)|high(?=[- ]" + SIZE_AFTER + r")|(?:(?<=, )|(?<=^)|(?<=\. )|(?<=- )|(?<=– )|(?<=— ))high(?=\s*[.,;!]|\s*[-–—] |\s*$)", "high"),
    (r"eye[- ]level|eye[- ]line", "eye level"),
    (r"pov|point[- ]of[- ]view|through (?:her|his|their|\w+'s) eyes", "POV"),
    (r"profile|side[- ]on|from the side", "profile"),
    (r"three[- ]quarters?(?: view| angle)?|3/4(?: view)?", "three-quarter"),
    (r"frontal|head-on|head on(?= shot| angle| view|\s*[,.;!]|\s*$)|face[- ]on|from the front", "frontal"),
    (r"from behind|from the back|back view|rear view", "from behind"),
]

# The angles that put the lens above or below the eyes (one a shot: two of them contradict).
VERTICAL_ANGLES = ("low", "high", "overhead", "worm's eye", "aerial")

# "arc R", "pan L" in a shot list's cell: a letter straight after the move word
_AFTER_A_MOVE = "(?:" + "|".join(f"(?<={w} )" for w in ("arc", "arcs", "pan", "pans", "truck", "trucks", "crab", "crabs", "track", "tracks", "dolly", "roll", "rolls", "orbit", "orbits", "slide", "slides", "whip")) + ")"
# "tilt D", "ped U" in a layout note: the vertical way as a letter
_AFTER_A_RISE = "(?:" + "|".join(f"(?<={w} )" for w in ("tilt", "tilts", "ped", "peds", "crane", "cranes", "boom", "booms", "jib", "jibs")) + ")"
# Direction words: the move's direction is taken from the first one that follows it (or precedes it).
DIRECTIONS: list[tuple[str, str]] = [
    (r"screen[- ]left|camera[- ]left|to the left|leftwards?|left|" + _AFTER_A_MOVE + "l", "left"),
    (r"screen[- ]right|camera[- ]right|to the right|rightwards?|right|rite|" + _AFTER_A_MOVE + "r", "right"),
    (r"counter[- ]?clockwise|anti[- ]?clockwise", "counterclockwise"),
    (r"clockwise", "clockwise"),
    (r"straight up|upwards?|up|" + _AFTER_A_RISE + "u", "up"),
    (r"straight down|downwards?|down|dn|" + _AFTER_A_RISE + "d", "down"),
    (r"in(?!(?: the)? (?:frame|shot|view|focus|centre|center|middle|front|place)\b)(?:wards?)?|closer|toward(?:s)?", "in"),
    (r"out(?:wards?)?|back(?:wards?)?(?! ledge| wall| door| of\b| to\b| in\b| on\b)|away", "out"),
]

# "stay right on her back", "walking right next to her", "staying right with him": "right" that says how close, not a way
_CLOSE_VERBS = ("stay", "stays", "staying", "keep", "keeps", "keeping", "walk", "walks", "walking", "be", "is", "are", "'re", "sit", "sits", "sitting", "stand", "stands", "standing", "stick", "sticks", "sticking", "glued", "tucked")
RIGHT_AS_CLOSE = "(?:" + "|".join(f"(?<={v} )" for v in _CLOSE_VERBS) + r")right(?= (?:on|next to|with|behind|beside|at|in front of|over|there|here|alongside|up against|by|in on|up close|against)\b)"

# Move words -> (move family, default direction). Families map to presets in plan.py.
MOVES: list[tuple[str, tuple[str, str | None]]] = [
    (r"(?:reverse|inverse|backwards?) (?:dolly[- ]zoom|vertigo(?: shot| effect)?|zolly|hitchcock zoom)", ("dolly_zoom", "out")),
    (r"dolly[- ]zoom(?:s|ing)?|vertigo(?: shot| effect| pull| push)?|zolly|contra[- ]zoom|trombone shot|hitchcock (?:zoom|thing|shot|effect|move|trick)|jaws (?:zoom|thing|shot|effect|move)", ("dolly_zoom", "in")),
    (r"kubrick(?:'s|ian)? (?:one[- ]point )?push|one[- ]point push", ("dolly", "in")),
    # what the lens does, before the moves that share its words ("widen out on the zoom" is no pull out)
    (r"zoom(?:s|ing|ed)? back(?! in)|(?:the )?(?:zoom|lens) (?:widens?|widening|goes wider|going wider|goes wide|going wide|opens? up|opening up|loosens?)|zoom(?:s|ing)? (?:out )?wider|let the zoom widen|widen(?:s|ing)?(?: out)? (?:on |with )?(?:the zoom|the lens)", ("zoom", "out")),
    (r"(?:the )?(?:zoom|lens) (?:push(?:es)?|creep(?:s)?|go(?:es)?|ease(?:s)?|punch(?:es)?) in|(?:the )?(?:zoom|lens) (?:tightens?|tightening|goes tighter|goes longer)|zoom(?:s|ing)? (?:in )?tighter|(?:a (?:slow |gentle |quick )?)?creep(?:s|ing)? (?:in )?on the (?:lens|zoom)", ("zoom", "in")),
    (r"whip[- ]?pan(?:s|ning)?|swish[- ]pan|snap pan|whip(?:s|ping)?(?![- ]?zoom)", ("whip_pan", None)),
    (r"rack(?:s|ing|ed)?(?: the)? focus|pull(?:s|ing)? focus|focus pull|rack(?:s|ing)? (?=to )|shift(?:s|ing)? focus", ("focus", None)),
    (r"push(?:es|ing)?[- ]in|dolly(?:ing)? in|dolli(?:es|ed) in|track(?:s|ing)? in|mov(?:e|es|ing) in(?! this\b| (?:the|that) (?:shot|scene|take|one)\b)|creep(?:s|ing)? in|push(?:es|ing)? (?:closer|forward)|dolly forward|drift(?:s|ing)? in|glid(?:e|es|ing) (?:in|forward)|creep(?:s|ing)? (?:forward|toward|closer)|(?:creep|push|ease|inch|bring|move|take|track)(?:s|es|ing)? the (?:dolly|camera|lens) (?:in|forward|toward|closer)|(?:the camera|camera|it|we) (?:goes|go|moves?|gets?|comes?) (?:closer|forward)|track(?:s|ing)? (?:toward|forward|closer)|eas(?:e|es|ing) in(?!to)(?!\s*(?:/|and) ?out)|(?:a|one) (?:(?:really|very|super|nice|little|tiny|long|subtle|soft|gentle|slow|quick|fast|small|slight|steady|creeping)[ -]){0,3}push(?! (?:out|back|off|away))|push(?:es|ing)? (?:toward|towards|into)|walk(?:s|ing)? in on|walk(?:s|ing)? (?:it|the camera) in|(?:float|drift|glide|creep|sweep)(?:s|ing)? (?:in )?(?:toward|towards|closer)|fl(?:y|ies|ying) (?:forward|in|closer|toward|towards)|com(?:e|es|ing) (?:in (?:from|toward|towards|close)|close to)|trolley(?:s|ing)? in|clos(?:e|es|ing) in on|(?:(?<=camera )|(?<=it )|(?<=and after )|(?<=after ))go(?:es)?(?= to (?:her|him|them|mara|jonas)\b)|(?<=for the )push(?= on)|drift(?:s|ing)? (?:toward|towards|closer)|doll(?:y|ies|ied|ying) (?:toward|towards|closer)|(?:(?<=camera )|(?<=cam ))driv(?:e|es|ing) (?:in|forward|closer)|(?:com(?:e|es|ing)|go(?:es|ing)?|mov(?:e|es|ing)|get(?:s|ting)?) (?:a (?:bit|little) )?nearer|(?:(?<=while )|(?<=and )|(?<=also ))moving closer|push(?:es|ing)? (?:right|straight|all the way) in|travel(?:s|ling)? (?:in|forward|toward)|travell?ing (?:forwards?|in)", ("dolly", "in")),
    (r"fl(?:y|ies|ying) (?:back|backwards?|away)|travell?ing (?:backwards?|back|out)|trolley(?:s|ing)? (?:out|back)|(?:(?<=camera )|(?<=cam )|(?<=should )|(?<=we ))retreat(?:s|ing)?|(?:go(?:es|ing)?|mov(?:e|es|ing)|get(?:s|ting)?) (?:more )?(?:far|farther|further)(?: away)? from|pull(?:s|ing)?[- ](?:out|back)|dolly(?:ing)? (?:out|back)|dolli(?:es|ed) (?:out|back)|track(?:s|ing)? (?:out|back)|pull[- ]back|pullback|back(?:s|ing)? away|(?:(?<=camera )|(?<=shot )|(?<=lens ))pulls away|(?<=we )pull away|eas(?:e|es|ing) (?:back|out)|widen(?:s|ing)? out|(?:the camera|camera|we|it)(?: is| are|'s|'re)? go(?:es|ing)? (?:backwards?|back)(?! to)|(?:(?<=camera )|(?<=we )|(?<=lens )|(?<=it ))(?:\w+ly )?mov(?:e|es|ing) (?:away|back(?:wards?)?)|back(?:s|ing)? the (?:dolly|camera) (?:away|off|out|back)|(?:(?<=camera )|(?<=cam ))driv(?:e|es|ing) (?:back(?:wards?)?|away)", ("dolly", "out")),
    # "the camera leans over sideways to the right": the frame rolls
    (r"(?:(?<=camera )|(?<=it ))bank(?:s|ing)?(?= (?:to the )?(?:left|right))|(?:(?<=camera )|(?<=it )|(?<=itself ))lean(?:s|ing)?(?: over)?(?: sideways)?(?= (?:to the |to its |to )?(?:left|right))|(?<=and )lean(?:s|ing)? over sideways(?= (?:to the |to )?(?:left|right))", ("roll", None)),
    (r"lateral dolly(?: move)?|trolley(?:s|ing)?(?= (?:screen[- ])?(?:left|right))|truck(?:s|ing|ed)?|crab(?:s|bing|bed)?|sidestep(?:s|ping|ped)?|(?:(?<=it )|(?<=camera ))go(?:es)?(?= to (?:the )?(?:left|right)(?: side)?\b)|(?<=we )go with the camera(?= (?:\w+ly )?(?:to the )?(?:left|right))|walk(?:s|ing)? (?:it|the camera) sideways|slid(?:e|es|ing)|(?:(?<=camera )|(?<=cam )|(?<=it ))driv(?:e|es|ing)(?= (?:to the |to |screen[- ])?(?:left|right))|(?:dolly(?:ing)?|dolli(?:es|ed))(?= (?:screen[- ])?(?:left|right))|track(?:s|ing)?(?= (?:screen[- ])?(?:left|right))|lateral move|(?:track|travel)(?:s|ing|ling)?(?= (?:(?:[\d.]+|one|two|three|four|five|six) ?(?:m|metres?|meters?|feet|foot|ft)|the full [a-z ]+?|[a-z]+ (?:metres?|meters?|feet)) (?:to the |screen[- ])?(?:left|right))|travel(?:s|ling)?(?= (?:to the |screen[- ])?(?:left|right))|sideways (?:dolly|move|track)|(?<=dolly )sideways|(?<=slide )sideways|(?<=slides )sideways|(?<=go )sideways|(?:drift|glide|float)(?:s|ing)?(?= (?:to the |screen[- ])?(?:left|right))|glid(?:e|es|ing)(?= (?:to the |screen[- ])?(?:left|right))|slider(?: move| shot)?(?= (?:to the |screen[- ]|camera[- ])?(?:left|right))|lateral travell?ing|(?:slip(?:s|ping)?|drift(?:s|ing)?|glid(?:e|es|ing)|mov(?:e|es|ing)|float(?:s|ing)?|crab(?:s|bing)?) sideways", ("truck", None)),
    # the pedestal's column: "the column rises straight up", "the column comes down"
    (r"(?<=the )column (?:ris(?:es|ing)|lift(?:s|ing)?|go(?:es|ing) up|com(?:es|ing) up|mov(?:es|ing) up)", ("pedestal", "up")),
    (r"(?<=the )column (?:drop(?:s|ping)?|sink(?:s|ing)?|lower(?:s|ing)?|descend(?:s|ing)?|go(?:es|ing) down|com(?:es|ing) down|mov(?:es|ing) down)", ("pedestal", "down")),
    (r"climb(?:s|ing)?(?! (?:on|onto|over|the|down))|lift(?:s|ing)? the rig|(?<![a-z])arm(?= up\b)|pedestal(?:s|ling)?|peds?(?= up| down| [ud]\b| dn\b)|boom(?:s|ing)?|rais(?:e|es|ing) the camera", ("pedestal", "up")),
    (r"translat(?:e|es|ing) (?:straight |vertically )?(?:up|down)|(?:straight )?(?:up|down) on the column|(?:the camera|camera|it|we|us) (?:to )?(?:just |simply |slowly )?(?:goes|go|going|moves?|travels?|comes?|come|coming) (?:straight |vertically )?(?:up|down)(?! (?:the|to|off|onto)\b(?! (?:him|her|them|mara|jonas)\b)| on (?!the (?:crane|jib|pedestal|column|arm|techno|dolly))| (?:only )?with the head)", ("pedestal", None)),
    (r"bring(?:s|ing)? the camera(?= (?:straight |slowly )?down)|lower(?:s|ing)? the camera|(?:(?<=camera )|(?<=we ))lowers?", ("pedestal", "down")),
    (r"(?:techno[- ]?)?cran(?:e|es|ed|ing)(?: shot)?|(?<=the )techno(?![a-z])|(?:jimmy )?jib(?:s|bing)?|(?:(?<=the )(?:crane |jib )?arm |(?<=drone ))(?:com(?:es|ing)|swing(?:s|ing)?|go(?:es|ing)|drop(?:s|ping)?|lift(?:s|ing)?|ris(?:es|ing)|sweep(?:s|ing)?|sink(?:s|ing)?|fl(?:ies|ying))(?= (?:\w+ )?(?:up|down))", ("crane", None)),
    (r"circular (?:travell?ing|track|dolly|move)|curv(?:ed|ing) (?:track|dolly|move)|arc(?:s|ing|ed|ked)?|(?:spin|swoop)(?:s|ning|ing)? a?round(?= (?:him|her|them|the two|the pair|both|mara|jonas)\b)|orbit(?:s|ing)?|circl(?:e|es|ing)|swing(?:s|ing)? (?:round|around)|go(?:es|ing)? a?round(?= (?:him|her|them|the two|the pair|both|(?!the |a |an |to )[a-z]+))|mov(?:e|es|ing) around|revolv(?:e|es|ing)|(?<=a )360(?= (?:around|round))|doll(?:y|ies|ied|ying) (?:round|around)|(?:drift|float|glide|slide|travel|walk|creep|track|crab)(?:s|es|ed|ing)? (?:a)?round(?= (?:him|her|them|the two|the pair|both|mara|jonas)\b)|(?<=camera )turn(?:s|ing)? (?:a)?round|turn(?:s|ing)? (?:a)?round(?= (?:him|her|them)\b)", ("arc", "left")),
    (r"yaw(?:s|ing)?(?= (?:to the )?(?:left|right))|walk(?:s|ing)? the head(?= (?:to the )?(?:left|right))|(?<=and )turns?(?= (?:to the |to )(?:left|right))|(?<!vertical )panoramic(?! (?:view|shot of))|pan(?:s|ning|ned)?|swivel(?:s|ling|led)?|(?:(?<=camera )|(?<=it ))swing(?:s|ing)?(?= (?:to the |screen[- ])?(?:left|right))|rotat(?:e|es|ing)(?= (?:to the |screen[- ])?(?:left|right))|swing(?:s|ing)? the (?:head|lens|camera)(?= (?:to the |screen[- ])?(?:left|right))|(?:(?:(?<=camera )|(?<=simply )|(?<=just )|(?<=it ))turns?(?: on itself)?|turns? itself|turn(?:s|ing)? (?:its|the) head)(?= (?:to the |to |screen[- ])?(?:left|right))", ("pan", None)),
    (r"(?<!still )(?<!stays )(?<!remains )tilt(?:s|ing|ed)?(?! (?:horizon|frame))|vertical panoramic|(?:tip|angl)(?:e|es|s|ing|ping)? the (?:gimbal|head)(?= (?:up|down))|(?<=camera )turns?(?= (?:up|down)\b)|(?:go(?:es)?|mov(?:e|es))(?= (?:up|down) (?:only )?with the head)|(?:(?<=it )|(?<=camera )|(?<=only it )|(?<=just )|(?<=lens ))look(?:s|ing)?(?= from [^.,;]{1,40}? (?:up|down) to\b)|nod(?:s|ding)? the (?:camera|lens|head)(?= (?:up|down))|walk(?:s|ing)? the head(?= (?:up|down))|(?:(?<=camera )|(?<=it ))angl(?:e|es|ing)(?= (?:up|down)\b)|tip(?:s|ping|ped)?(?= (?:(?:the camera|the lens|it) )?(?:up|down))", ("tilt", None)),
    (r"tip(?:s|ping)? over sideways|rolls?|rolling(?!\s*(?:[.,;!?]|$))|barrel roll|rotat(?:e|es|ing) the (?:frame|horizon)|tip(?:s|ping)? the (?:horizon|frame)|rotat(?:e|es|ing)(?= (?:(?:counter|anti)[- ]?)?clockwise)|dutch(?:es|ing)?(?= (?:(?:counter|anti)[- ]?)?clockwise| (?:to the )?(?:left|right))", ("roll", "left")),
    (r"(?:snap|crash)[- ]zoom(?:s|ing|ed)?|zoom(?:s|ing|ed)?|punch[- ]in", ("zoom", None)),
    (r"(?:bend|bends|bending|dip|dips|dipping|nod|nods|nodding|tip|tips|tipping) (?:its|the|his) (?:head|lens|nose)(?= (?:up|down))", ("tilt", None)),
    # "the camera looks down until we find Jonas": the lens turns down (looking down "at" someone is an angle)
    (r"(?:the camera|camera|it|we|and just|and simply) (?:just |simply |slowly )?looks? (?:up|down)(?! (?:at|on|onto)\b)", ("tilt", None)),
    # "we go with Jonas", "stay with her": the camera goes along with someone (a person doing it is theirs)
    (r"lead(?:s|ing)?(?= (?:him|her|them|mara|jonas)\b)|stay(?:s|ing)? on(?= (?:[a-z]+'s|her|his|their) back\b)|follow(?:s|ing|ed)?(?! by)|(?:(?<=^)|(?<=[,.;:] )|(?<=we ))chase(?= (?:him|her|them|[a-z]+))|tracking shot|track(?:s|ing)? (?:with|alongside|beside|behind)|walk(?:s|ing)? (?:together )?with|(?:go(?:es|ing)?|mov(?:e|es|ing)|travel(?:s|ling)?|run(?:s|ning)?|stay(?:s|ing)?|keep(?:s|ing)? pace|com(?:e|es|ing)) (?:along )?(?:with|beside|alongside|next to)(?= (?:the two|the pair|both|(?!the |a |an )[a-z]+))|(?<=camera )(?:is )?go(?:es|ing) after(?= (?:the two|the pair|both|(?!the |a |an )[a-z]+))|(?:driv(?:e|es|ing)|rid(?:e|es|ing)|roll(?:s|ing)|mov(?:e|es|ing)|travel(?:s|ling)?) (?:along )?(?:with|beside|alongside|next to|behind)(?= (?:the two|the pair|both|(?!the |a |an )[a-z]+))", ("follow", None)),
    (r"(?<!to )reveal(?:s|ing)?", ("reveal", "right")),
    (r"rising|ris(?:e|es)|ascend(?:s|ing)?|float(?:s|ing)? up|fl(?:y|ies|ying) up", ("pedestal", "up")),
    (r"descend(?:s|ing)?|sinking|sink(?:s)?|(?<!the )(?<!bass )(?<!beat )drop(?:s|ping)?(?: down)?(?! focus)(?!\s*:)", ("pedestal", "down")),
]

# "We don't move", "the camera never moves", "no camera move", "on sticks": said of the camera only.
STATIC_WORDS = (
    r"static|locked[- ]off|lock[- ]off|still camera|fixed camera|no (?:camera )?(?:movement|moves?|motion)|tripod|on sticks|"
    r"(?:we|the camera|camera|the lens|it) (?:don't|do not|doesn't|does not|never|won't|will not) (?:move|budge)s?|(?:we|the camera|camera|the frame|frame) (?:stays?|remains?|is|sits) (?:put|still|locked|planted|fixed)|"
    r"(?:the )?camera(?:'s| is) (?:locked|planted|fixed|fix|frozen|static|still)(?: down| off)?|(?:the )?camera (?:locked|planted|fixed|fix|frozen)(?: down| off)?|(?:the )?frame (?:is |stays |remains )?frozen|locked down|dead still|stock[- ]still|perfectly still|nothing fancy|"
    r"(?<!hand )(?<!hand-)hold(?:s|ing)?(?: on)?|linger(?:s|ing)?(?: on)?|(?:stays?|remains?) in (?:one|the same) place|(?:we|the camera|camera|it) (?:don't|do not|doesn't|does not|won't) go anywhere|not moving|(?<=camera is )standing(?: still)?|(?<=camera )stands still|hover(?:s|ing)?(?! (?:up|down|over to|toward))|hold (?:your|its|the) position|(?:doesn't|does not|don't|do not|won't) change (?:its |the )?place|(?<=camera )stand(?=\s*[,.;]|\s*$)|(?:(?<=, )|(?<=; ))(?:fixed|locked)(?=\s*[,.;]|\s*$)|(?:(?<=a )|(?<=^))(?:fixed|locked)(?= shot| frame| wide| camera| dutch| close| medium| two-shot| 2-shot| single)"
)
# "no tilt", "without panning", "don't zoom", "rather than a push": a move said so as not to make it.
NEGATED_NOUNS = r"turn(?:ing)? the (?:camera|head|lens)|spin(?:s|ning)?|chas(?:e|es|ing)|go(?:ing)? with (?:him|her|them)|push(?:es|ing)?|pans?|panning|tilts?|tilting|zooms?|zooming|dolly|dollying|crane|craning|roll(?:s|ing)?|track(?:s|ing)?|truck(?:s|ing)?|orbit(?:s|ing)?|arcs?|moves?|moving|movement|motion|reframing|reframes?"
NEGATIONS = r"replace(?: the)?|swap(?: out)?(?: the)?|change the|kill(?: the)?|lose the|remove the|get rid of the|strip(?: out)? the|(?:not|never|don't|dont|do not|won't|wont|will not)(?: going to| gonna| want(?:ing)? to| need to| have to)?(?: touch| use| do| want| need| add)?(?= (?:a |an |any |the )?(?:zoom|dolly|push|pan|tilt|crane|track|truck|arc|orbit|roll|move|chase|follow|turn the|go with))|neither(?: with)?(?: a| an| any)?|resist(?:ing)? the urge to|no need to|no need for(?: a| an)?|avoid(?:ing)?(?: a| an| any)?|skip(?:ping)? the|no|not|never|nor|without(?: any| a)?|don't|do not|doesn't|doesnt|does not|won't|wont|will not|rather than(?: a| an)?|instead of(?: a| an)?"
TRIPOD_WORDS = r"tripod|on sticks|planted|(?:the )?camera planted|(?:the )?camera (?:stays?|remains?|is|sits) planted"
HANDHELD_WORDS = r"hand[- ]holding|(?:operator|camera|cam) on (?:the|his|her|a|their) shoulder|shoulder[- ](?:mounted|rig|cam)|off sticks|in the (?:hands?|arms) of the operator|held by hand|(?<=camera )on hand|(?<=camera is )on hand|(?<=camera is )in (?:the )?hands?|(?<=camera )in (?:the )?hands?|(?:a (?:little|bit of|touch of) )?shaking|hand[- ]?held|shaky(?: cam)?|documentary[- ]style|run[- ]and[- ]gun|verit[eé]"
STEADICAM_WORDS = r"steadicam|steady[- ]?cam|gimbal(?! (?:up|down|level|flat))"
TWO_SHOT_WORDS = r"two[- ]shot|2[- ]shot|fifty[- ]fifty|50[- /]50"
SINGLE_WORDS = r"(?:clean )?single|angle on(?= (?!the )[a-z]+)"  # a screenplay's "ANGLE ON MARA" is her single  # one person alone in frame (a "dirty single" is over the other's shoulder)
FLASH_WORDS = r"flash(?: cut| frame)?|subliminal|split[- ]second|a single frame"

SPEEDS: list[tuple[str, str]] = [
    (r"very slow(?:ly)?|glacial(?:ly)?|imperceptibl[ey]|creeping", "slow"),
    (r"slow(?:ly)?|gentle|gently|gradual(?:ly)?|subtle|subtly|slight(?:ly)?|languid(?:ly)?|lazy|lazily|leisurely", "slow"),
    (r"snap|crash|quick(?:ly)?|fast|rapid(?:ly)?|sudden(?:ly)?|swift(?:ly)?|brisk(?:ly)?|snappy|aggressive(?:ly)?|violent(?:ly)?", "fast"),
    (r"steady|steadily|smooth(?:ly)?|moderate(?:ly)?", "normal"),
]

CROSS_LINE = r"cross(?:es|ing)? the line|other side of the line|break(?:s|ing)? the 180|jump(?:s|ing)? the line"
REVERSE = r"reverse(?: shot| angle)?|reverse on|the reverse|return shot"
SEQUENCE = r"then|and then|followed by|before|after that|afterwards|after(?= it | we |,|\s*$)|finally|into a|into an|into|(?<!at )once|when (?:we|she|he|they|it|the camera|mara|jonas) (?:gets?|arrives?|reach(?:es)?|stops?|lands?|settles?|goes (?:through|in|out|off)|exits?|leaves?|sits?(?: down)?|turns?)|(?:the camera|camera|it|we) stops? and"
# "at the same time", "togther": two moves said to happen at once (a word of its own, without "and" or "while")
AT_ONCE = r"at the same time|in the same time|together|togther|togeather|simultaneously|simultaneusly|at once"
TOGETHER = r"and|while|as|with|\+|" + AT_ONCE

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "next": 0, "last": 0, "final": 0, "opening": 1, "closing": 0,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6,
}  # fmt: skip

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "half a": 0.5,
}  # fmt: skip

LENS_WORDS: list[tuple[str, float]] = [
    (r"ultra[- ]wide(?: lens)?|fisheye", 14.0),
    (r"wide[- ]angle lens|wide lens|short lens", 21.0),
    (r"normal lens|standard lens", 40.0),
    (r"long lens|telephoto|tele lens", 100.0),
]

# Words that carry no camera meaning and are never reported as not understood.
STOPWORDS = set(
    """a an the of on to at in into onto with and or but as is are be being was were it its it's this that
    these those there here then than so we our us you your i me my he him his she her hers they them their
    theirs from for by over under while when where who whom whose what which shot shots camera cam angle
    view frame frames framing lens mm s sec secs second seconds beat beats f as also just very really
    now next cut cuts cutting same again other along more less still toward towards around through across up down
    left right back out off all both each either own onto look looks looking react reacts reacting reaction""".split()
)

# A note about the light, not the camera: "Key from the practical on the vent unit", "2K through the
# tank legs for backlight", "neg fill on the tank side" (its "from below" is the light's, not the lens's)
LIGHT_WORDS = r"key(?: light)?|fill|neg fill|bounce|backlight|back light|rim light|practicals?|hazer|haze|\d+k|hmi|gel|diffusion|flag(?: off)?|kino|skypanel|the light|lighting|light's|sun's|blue hour|magic hour|golden hour|strobes?"
# "Light's dropping fast", "the sun is going": the day's light, not a move of the camera
LIGHT_FADING = r"(?:the )?(?:light|sun)(?:'s| is)? (?:dropping|fading|going|falling|dying|sinking)(?: fast)?"
