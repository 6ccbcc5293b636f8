"""Statutory statistical forms (TT 02/2023/TT-BNV 0601–0605): each form's rows and columns are a
data file here (`0603.yaml`, …), so a new circular's layout is a new file, not code."""
