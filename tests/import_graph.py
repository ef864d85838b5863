"""What a package pulls in when it is imported, read from the source (fast: no torch to load).

Follows module-level imports (not those inside functions, which load lazily) through our own
packages, and collects the top-level names of everything else they reach — what `import pkg`
would put in ``sys.modules`` for those packages.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = ("engine", "app", "models")


def _module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_level(body):
    """Statements run at import time: the module's, and those inside its if / try / with blocks."""
    for node in body:
        yield node
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, field, []) or []:
                    yield from _module_level(child.body if isinstance(child, ast.ExceptHandler) else [child])


@lru_cache(maxsize=None)
def direct_imports(name: str) -> frozenset[str]:
    path = _module_file(name)
    if path is None:
        return frozenset()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in _module_level(ast.parse(path.read_text()).body):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names)  # `from pkg import module`
    return frozenset(out)


def reached(package: str) -> set[str]:
    """Top-level names of the modules importing every module of ``package`` reaches."""
    start = [".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__") for p in (ROOT / package).rglob("*.py")]
    seen, todo, outside = set(), list(start), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for imported in direct_imports(name):
            top = imported.split(".")[0]
            if top in OURS:
                for i in range(1, imported.count(".") + 2):  # the module and the packages above it
                    todo.append(".".join(imported.split(".")[:i]))
                outside.add(top)
            elif top and not top.startswith("_"):
                outside.add(top)
    return outside
