"""Digital twin: a simulated day of the hotline through the real router.

Pure core (no I/O): ``scenario`` (the validated scenario format) and ``checks``,
``world`` (domain objects and components), ``traffic`` (contacts drawn up front),
``kernel`` (the event agenda), ``engine`` and ``presence`` (one replication driving
``renfort.routing.Router`` on a ``ManualClock``), ``log``, ``metrics`` and ``report`` (figures
with confidence intervals), ``chart`` (SVG). The shell: ``runner`` (files, processes).
Use cases for the CLI and the API live in ``renfort.services.simulations``.
"""
