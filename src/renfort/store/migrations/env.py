"""Alembic environment: runs the migrations against the URL given by renfort.store.engine."""

from __future__ import annotations

from alembic import context

from renfort.store import (
    knowledge_tables,  # noqa: F401  (registers the knowledge tables)
    operations_tables,  # noqa: F401  (registers callbacks, briefings, consultations)
    planning_tables,  # noqa: F401  (registers the saved plans)
    privacy_tables,  # noqa: F401  (registers the privacy audit)
    report_tables,  # noqa: F401  (registers the routing audit and the reporting facts)
    safety_tables,  # noqa: F401  (registers the safety tables)
    sites_tables,  # noqa: F401  (registers the sites tables)
)
from renfort.store.engine import make_engine
from renfort.store.tables import metadata

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url is not None

engine = make_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
