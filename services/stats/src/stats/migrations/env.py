from kit.migrations import run_env
from stats.db import metadata

run_env(metadata)
