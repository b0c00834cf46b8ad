"""Benchmarks: ``python -m bench`` measures every speed and memory goal against its peer."""
