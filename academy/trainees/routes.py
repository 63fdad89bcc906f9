from academy.trainees import bp  # noqa: F401
