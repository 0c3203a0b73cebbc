from kit.db import make_metadata
from kit.migrations import run_env

run_env(make_metadata())
