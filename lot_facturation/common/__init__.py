"Tryton plumbing the flows share: committed chunks with retries, raw SQL."
