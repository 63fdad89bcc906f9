"""Hypothesis settings for the importer fuzzing (tests/exchange/test_import_fuzzing.py).

A bounded number of examples keeps the suite fast; no deadline, because a database round trip
on a loaded machine varies far more than the code under test. No example database is written
into the checkout. Under CI the examples are derandomized, so a red build reproduces; run
`HYPOTHESIS_PROFILE=thorough pytest tests/exchange` for a long local search.
"""

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(
    deadline=None,
    database=None,
    # The tests reuse the function-scoped `db` fixture across examples on purpose: rows that
    # earlier examples wrote are part of the state the next file meets.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
settings.register_profile("academy", max_examples=30, **_COMMON)
settings.register_profile("ci", max_examples=30, derandomize=True, **_COMMON)
settings.register_profile("thorough", max_examples=1000, **_COMMON)
_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if _CI else "academy"))
