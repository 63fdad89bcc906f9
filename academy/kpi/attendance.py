"""Attendance rate and completion, by the course's rules (domain.md, "Completer")."""

import enum
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


class Outlook(enum.StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"  # a few more absences and the course is not completed
    CANNOT_COMPLETE = "cannot_complete"  # even perfect attendance from now on falls short


@dataclass(frozen=True)
class AttendanceOutlook:
    rate: AttendanceRate  # so far, over the sessions held
    remaining: int  # scheduled sessions not held yet
    spare_absences: int  # further absences that still leave the trainee completing; < 0: none
    outlook: Outlook


def attendance_outlook(
    marks: Mapping[Mark, int],
    sessions_held: int,
    sessions_scheduled: int,
    rules: AttendanceRules,
    warn_at_spare: int,
) -> AttendanceOutlook:
    """Where a trainee stands against the completion rule if every remaining session is attended.

    The final denominator is every scheduled session less the excused ones so far; spare absences
    are how many of the remaining sessions the trainee may still miss and complete. At most
    `warn_at_spare` of them left is "at risk"; fewer than none is "cannot complete".
    """
    so_far = attendance_rate(marks, sessions_held, rules)
    remaining = max(sessions_scheduled - sessions_held, 0)
    final_denominator = so_far.denominator + remaining
    best_attended = int(so_far.attended) + remaining
    # The fewest sessions attended that meet the rule, rounded up: 80% of 21 needs 17.
    needed = -(-rules.threshold_pct * final_denominator // 100)
    spare = best_attended - needed
    if final_denominator == 0:
        outlook = Outlook.ON_TRACK
    elif spare < 0:
        outlook = Outlook.CANNOT_COMPLETE
    elif spare <= warn_at_spare:
        outlook = Outlook.AT_RISK
    else:
        outlook = Outlook.ON_TRACK
    return AttendanceOutlook(so_far, remaining, spare, outlook)
