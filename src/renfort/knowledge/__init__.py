"""Knowledge base: versioned articles, French search, medical triage, self-service policy.

Pure code: the index lives in memory, is fed published versions by ``services`` and is
persisted through ``store``; nothing here reads a file, the network or the wall clock.
"""
