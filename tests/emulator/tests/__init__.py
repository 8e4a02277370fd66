"""Tests of the emulator itself (run: python -m pytest tests/emulator)."""
