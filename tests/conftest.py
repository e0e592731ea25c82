"""Property tests draw the same examples on every run (a seed derived from each test), as
everything else in the project is seeded: a run that passes passes again, and a
counterexample found while writing a test is kept as an ``@example``."""

from hypothesis import settings

settings.register_profile("linli", derandomize=True, database=None)
settings.load_profile("linli")
