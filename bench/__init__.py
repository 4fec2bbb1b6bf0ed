"""Benchmark runner: ``python -m bench [--quick] [--json PATH]``.

Every metric is measured against a baseline taken in the same run where the issue asks for a
ratio, because machines are noisy. Speed targets live here, never in timed unit tests.
"""
