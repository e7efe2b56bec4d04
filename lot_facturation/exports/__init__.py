"Statuses and exports (SPEC E1, E2): billing status, accounting files."
