"""`deploy/local/demo.py` is a script beside the packages: load it by its path."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).parents[2] / "deploy" / "local" / "demo.py"


@pytest.fixture(scope="session")
def demo_script() -> ModuleType:
    name = "deploy_local_demo"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SCRIPT)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        # dataclasses look their module up in sys.modules while it executes
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
