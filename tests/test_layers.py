"""The package's layers, read from the imports: a lower layer never imports a higher one.

    text, messages, kinds, settings  <  documents  <  search  <  answers  <  storage
        <  engine, assistant, shared, logs  <  telegram  <  cli

Reading documents knows nothing of search; search nothing of answers; the core nothing of
storage or chat; only the Telegram layer and the CLI talk to a chat or a terminal.
"""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
LAYERS = [
    {"bot.text", "bot.messages", "bot.settings", "bot.kinds", "bot.data"},
    {"bot.documents"},
    {"bot.search"},
    {"bot.answers"},
    {"bot.storage"},
    {"bot.engine", "bot.assistant", "bot.shared", "bot.logs"},
    {"bot.telegram"},
    {"bot.cli", "bot.__main__"},
]


def layer_of(module: str) -> int:
    """The layer of ``bot.x.y``: its package's (``bot.search``) or its own (``bot.engine``)."""
    parts = module.split(".")
    for depth in (2, 3):
        name = ".".join(parts[:depth])
        for rank, members in enumerate(LAYERS):
            if name in members:
                return rank
    raise AssertionError(f"{module} is in no layer: add it to tests/test_layers.py")


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.Module, module: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names if alias.name.startswith("bot.")}
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if node.level == 0 else ".".join([*module.split(".")[:-node.level], node.module])
            if base == "bot":  # "from bot import messages"
                names |= {f"bot.{alias.name}" for alias in node.names}
            elif base.startswith("bot."):
                names.add(base)
    return names


def test_no_module_imports_a_higher_layer() -> None:
    wrong = []
    modules = sorted(BOT.rglob("*.py"))
    assert len(modules) > 40
    for path in modules:
        if "migrations" in path.parts:
            continue
        module = module_name(path)
        own = layer_of(module) if module != "bot" else 0
        for name in sorted(imported(ast.parse(path.read_text(encoding="utf-8")), module)):
            if layer_of(name) > own:
                wrong.append(f"{module} (layer {own}) imports {name} (layer {layer_of(name)})")
    assert not wrong, "\n".join(wrong)


def test_the_tests_mirror_the_package() -> None:
    """Each subpackage's tests sit in the folder of the same name."""
    tests = Path(__file__).resolve().parent
    for package in ("documents", "search", "answers", "storage", "telegram"):
        assert (BOT / package / "__init__.py").is_file()
        assert list((tests / package).glob("test_*.py")), f"no tests/{package}/"
