from academy.admin import bp  # noqa: F401
