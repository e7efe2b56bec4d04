"Pure billing rules: no Pool, no Transaction, no database."
