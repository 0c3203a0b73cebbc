from identity.db import metadata
from kit.migrations import run_env

run_env(metadata)
