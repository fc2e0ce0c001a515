"""The pure ACD router: matches waiting contacts with eligible agents (see ``router.py``)."""
