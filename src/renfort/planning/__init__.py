"""Planning: from history to tomorrow's shifts.

Pure code (no file, database or clock): the CLI, the API and the planner page read and
write. Import from the modules:

* ``history``: the history and events CSV formats, parsed and checked;
* ``calendar``: when a line is open, public holidays, calendar effects;
* ``forecast``: volume per queue and interval (intraday profile × daily level, calendar
  effects, announcement surges) with an 80 % interval;
* ``backtest``: rolling-origin WAPE and bias against seasonal-naive and a 4-week average;
* ``shift_rules`` and ``schedule``: shift templates and the CP-SAT schedule over every
  queue under site seat caps;
* ``replay``: a schedule turned into a simulation scenario of the real federation.
"""
