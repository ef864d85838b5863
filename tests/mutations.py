"""Hypothesis mutations of JSON documents, as a fuzzer makes them: a value replaced by one of
another type or at a bound, a key dropped, added or given twice, a list emptied, repeated or
swollen, the text truncated or a byte flipped. Shared by the project-file and API fuzz suites."""

import json

from hypothesis import strategies as st

EDGE_NUMBERS = [0, -1, 1, 2**31, 2**63, -(2**63), 10**400, 1e308, -1e308, 1e-320, 0.5, 86_400_000, 1_000_001, 100_000]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.sampled_from(EDGE_NUMBERS), st.integers(), st.floats(allow_nan=False),
    st.text(max_size=12), st.sampled_from(["", "NaN", "1e999", "../../etc/passwd", "\x00", "é" * 300, "832", "true"]),
)  # fmt: skip
VALUES = st.recursive(SCALARS, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=6), c, max_size=3), max_leaves=8)


def paths(doc, prefix=()):
    """Every (path to a value) in a JSON document, the root included."""
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from paths(v, prefix + (i,))


def _parent(doc, path):
    for key in path[:-1]:
        doc = doc[key]
    return doc


@st.composite
def mutated_text(draw, document: dict) -> str:
    """The document with one to three mutations, as JSON text (sometimes not valid JSON at all)."""
    doc = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(1, 3))):
        all_paths = list(paths(doc))
        path = draw(st.sampled_from(all_paths[1:] or all_paths))
        op = draw(st.sampled_from(["replace", "replace", "edge", "drop", "extra", "empty", "repeat", "swell"]))
        if not path:
            doc = draw(VALUES)
            continue
        parent, key = _parent(doc, path), path[-1]
        target = parent[key]
        if op == "replace":
            parent[key] = draw(VALUES)
        elif op == "edge":
            parent[key] = draw(st.sampled_from(EDGE_NUMBERS))
        elif op == "drop":
            del parent[key]
        elif op == "extra" and isinstance(target, dict):
            target[draw(st.text(min_size=1, max_size=8))] = draw(VALUES)
        elif op == "empty" and isinstance(target, (list, dict, str)):
            parent[key] = type(target)()
        elif op == "repeat" and isinstance(target, list) and target:
            target.append(json.loads(json.dumps(draw(st.sampled_from(target)))))  # a duplicate key frame, subject, shot
        elif op == "swell" and isinstance(target, list) and target:
            parent[key] = target * draw(st.integers(2, 50))
        if not isinstance(doc, (dict, list)):
            break
    text = json.dumps(doc, allow_nan=True)
    how = draw(st.sampled_from(["as is"] * 6 + ["truncate", "flip", "twice"]))
    if how == "truncate":
        text = text[: draw(st.integers(0, max(0, len(text) - 1)))]
    elif how == "flip" and text:
        i = draw(st.integers(0, len(text) - 1))
        text = text[:i] + draw(st.sampled_from(["{", "}", "[", '"', ",", ":", "\\", "\x00", "9"])) + text[i + 1 :]
    elif how == "twice" and text.startswith("{") and len(text) > 2:
        text = '{"name": "again", ' + text[1:]  # a key given twice when the document has a name
    return text
