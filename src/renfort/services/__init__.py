"""Use cases: one function per user action, each a unit of work over the store."""
