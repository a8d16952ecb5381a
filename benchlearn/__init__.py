"""Benchlearn: benchmarking and benchlearning for Polish local governments."""
