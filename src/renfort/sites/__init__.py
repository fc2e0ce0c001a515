"""Sites under distancing: seat plans, the usable seat set, occupancy, exposure tracing,
home-work eligibility and the register of sanitary measures.

Pure code: nothing here reads a file, the database or the wall clock. :mod:`distancing` is
the only module that calls a solver (OR-Tools CP-SAT), as a library.
"""
