"""Attendance rate and completion, by the course's rules (domain.md, "Completer")."""

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from academy.models.cohorts import Mark


@dataclass(frozen=True)
class AttendanceRules:
    threshold_pct: int = 80  # KDT-style: 80% of scheduled sessions completes a course
    lates_per_absence: int = 3  # three late or left-early marks count as one absence


@dataclass(frozen=True)
class AttendanceRate:
    attended: Fraction  # sessions counted as attended, after late/left-early conversion
    denominator: int  # sessions held, less excused ones

    @property
    def rate(self) -> float | None:
        return float(self.attended / self.denominator) if self.denominator else None


def attendance_rate(
    marks: Mapping[Mark, int], sessions_held: int, rules: AttendanceRules
) -> AttendanceRate:
    """Excused sessions leave the denominator; unmarked held sessions count as absences.

    Every `lates_per_absence` late or left-early marks turn one attended session into an absence.
    """
    excused = marks.get(Mark.EXCUSED, 0)
    partial = marks.get(Mark.LATE, 0) + marks.get(Mark.EARLY_LEAVE, 0)
    attended = marks.get(Mark.PRESENT, 0) + partial - partial // rules.lates_per_absence
    denominator = max(sessions_held - excused, 0)
    return AttendanceRate(Fraction(attended), denominator)


def meets_threshold(rate: AttendanceRate, rules: AttendanceRules) -> bool:
    if rate.denominator == 0:
        return False
    return rate.attended * 100 >= rules.threshold_pct * rate.denominator
