"""Figures the suite prints at its end (URLs × personas checked, forms fuzzed, canaries...):
a test calls ``report(...)``; the terminal summary of conftest.py lists them."""

from __future__ import annotations

lines: list[str] = []


def report(line: str) -> None:
    lines.append(line)
