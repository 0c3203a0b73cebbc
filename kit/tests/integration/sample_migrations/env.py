from alembic import context

from kit.db import make_metadata
from kit.migrations import run_env

run_env(context, make_metadata())
