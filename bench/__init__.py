"""Benchmark harness: synthetic corpus, SQLite FTS5 baseline and the one-command runner."""
