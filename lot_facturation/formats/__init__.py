"Builders of documents (PDF, CII/Factur-X, signature, ZIP, CSV/IIF/Xero, e-mail): plain values in, bytes out."
