"Transports: they move bytes (SMTP, Chorus Pro outbox, PA) and report outcomes."
