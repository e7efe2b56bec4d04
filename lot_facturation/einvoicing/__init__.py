"E-invoicing (SPEC C, F, P): Factur-X, signature, Chorus Pro."
