from academy.campuses import bp  # noqa: F401
