// Placeholder until the topologies module lands (issue 3).
