"""Import one module of a third-party package without the package's __init__, where that __init__ loads far
more than the pipeline uses: nltk's imports all of nltk (0.16 s) for Punkt, num2words's every language's
converter (19 ms) for English. Both at the start of every render."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path


def without_package_init(name: str) -> types.ModuleType:
    """The module `name` ("package.sub.module"), imported with stand-ins for the packages above it when the
    top package is not loaded yet.

    Every module of the top package is dropped from sys.modules afterwards, so a later `import package`
    elsewhere in the process loads the whole package as usual: a second copy, whose settings do not reach
    this one and whose classes are not this one's. With the package already loaded, it is imported as usual.
    """
    top, *inner = name.split(".")
    if top in sys.modules:
        return importlib.import_module(name)
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        return importlib.import_module(name)  # raises the usual ImportError
    before = set(sys.modules)
    root = Path(next(iter(spec.submodule_search_locations)))
    for depth in range(len(inner)):  # the top package and each package between it and the module
        package = types.ModuleType(".".join([top, *inner[:depth]]))
        package.__path__ = [str(root.joinpath(*inner[:depth]))]
        sys.modules[package.__name__] = package
    try:
        return importlib.import_module(name)
    finally:
        for loaded in set(sys.modules) - before:
            if loaded == top or loaded.startswith(top + "."):
                del sys.modules[loaded]
