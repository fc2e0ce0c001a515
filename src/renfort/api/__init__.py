"""HTTP API (FastAPI): thin routes over the use cases in ``renfort.services``."""
