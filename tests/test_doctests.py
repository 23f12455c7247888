"""The usage examples in the modules' docstrings run, so none can go stale."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import bot

MODULES = sorted(info.name for info in pkgutil.walk_packages(bot.__path__, "bot.")
                 if ".migrations" not in info.name and not info.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), report=True, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"


def test_the_pure_modules_have_examples() -> None:
    with_examples = {name for name in MODULES
                     if doctest.DocTestFinder().find(importlib.import_module(name))
                     and any(t.examples for t in doctest.DocTestFinder().find(importlib.import_module(name)))}
    for name in ("bot.text", "bot.documents.docmeta", "bot.documents.library", "bot.answers.render",
                 "bot.telegram.layouts", "bot.telegram.callbacks", "bot.search.fusion"):
        assert name in with_examples, f"{name} has no docstring example"
