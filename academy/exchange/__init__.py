"""Excel/CSV in and out: the roster, attendance and outcome formats of domain.md."""
