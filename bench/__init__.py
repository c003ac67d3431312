"""Benchmarks of perfeval, run by ``make bench``: see bench/README.md."""
