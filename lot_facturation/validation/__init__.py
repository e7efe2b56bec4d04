# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The e-invoice validation gate: XSD + CEN, Factur-X and BR-FR schematrons.

Pure code (no Pool, no Transaction): ``gate.validate(xml)`` returns a
``Report``; ``messages`` turns its findings into what an accountant fixes.
"""
