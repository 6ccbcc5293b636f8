"""Reporting service: read models built from the bus, rebuildable from sequence 1."""
