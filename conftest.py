"""Root conftest: import the workspace packages before pytest's importlib mode derives
module names from paths (`contracts/tests/...` would otherwise shadow `contracts`)."""

import contracts  # noqa: F401
import kit  # noqa: F401
