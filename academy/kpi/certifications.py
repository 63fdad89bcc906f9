"""Certification pass rate (domain.md, "Other figures"): passed ÷ sat, per certification.

Sat means the exam was taken and a result is known (passed or failed). An attempt whose result
is awaited, or one the trainee did not sit (결시), stays out of the denominator and is shown on
its own.
"""

from dataclasses import dataclass

from academy.kpi.definitions import Rate


@dataclass(frozen=True)
class AttemptCounts:
    passed: int = 0
    failed: int = 0
    absent: int = 0
    pending: int = 0

    def __add__(self, other: "AttemptCounts") -> "AttemptCounts":
        return AttemptCounts(
            self.passed + other.passed,
            self.failed + other.failed,
            self.absent + other.absent,
            self.pending + other.pending,
        )

    @property
    def sat(self) -> int:
        return self.passed + self.failed

    @property
    def attempts(self) -> int:
        return self.sat + self.absent + self.pending


def pass_rate(counts: AttemptCounts) -> Rate:
    return Rate(counts.passed, counts.sat)
