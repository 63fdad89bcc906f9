from academy.cohorts import bp  # noqa: F401
