"""Benchmarks of the TĐKT pipeline (`python -m bench.pipeline`); never part of the test suite."""
