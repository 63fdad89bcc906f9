from academy.instructors import bp  # noqa: F401
