"""Demo data: a deterministic federation of outsourcers, clients, queues and agents (France, March
2020), for the demo server, the simulator's scenarios and the tests. Fictional companies only."""
