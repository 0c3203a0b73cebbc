from kit.migrations import run_env
from offers.db import metadata

run_env(metadata)
