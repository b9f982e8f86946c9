"""Benchmarks run by hand: ``python -m benchmarks <name> [options]`` (see README.md)."""
