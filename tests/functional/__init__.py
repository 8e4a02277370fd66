"""Functional tests: the project's commands as a user runs them (run: make functional)."""
