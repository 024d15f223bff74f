"""The public API: every command is a function of the package, even after every module is imported."""
import importlib
import pkgutil
import types

import eventwatch


def test_api_functions_are_not_shadowed_by_modules():
    for mod in pkgutil.walk_packages(eventwatch.__path__, "eventwatch."):
        importlib.import_module(mod.name)
    for name in eventwatch.__all__:
        obj = getattr(eventwatch, name)
        assert not isinstance(obj, types.ModuleType), f"eventwatch.{name} is a module, not the API function"
    for name in ("ingest", "extract", "extract_text", "events", "export", "evaluate", "summary", "read"):
        assert callable(getattr(eventwatch, name))
