"""The `tdkt` command: runs the whole system on one machine and imports plan documents."""
