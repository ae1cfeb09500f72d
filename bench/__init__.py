"""Benchmarks for llm-extract, each figure a ratio measured in one run.

Every benchmark talks to the fake OpenAI-compatible server of the tests
(`tests/fake_server.py`), run in a child process so its work does not share the
benchmark's GIL, and reports its figure against a reference measured in the same run
(a bare `openai` call, the ideal wall time, a peer library), so noise on a shared
machine cancels. `python -m bench` runs everything and rewrites BENCHMARKS.md;
`python -m bench --quick` is a smoke run with small N.
"""

from __future__ import annotations

__all__: list[str] = []
