# This file is part of lot_facturation.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Batch invoicing (facturation en lot) of service contracts.

Classes are registered from ``tryton.cfg`` (``[register]`` sections).
"""
