"""Queueing math for contact centers: Erlang B, C and A, and staffing inversion.

Pure functions of their inputs, vectorised over NumPy arrays of cells. Import
from the modules: ``erlang_c`` (Erlang B and C), ``erlang_a`` (M/M/n+M, with
abandonment) and ``staffing`` (fewest agents meeting service targets).
"""
