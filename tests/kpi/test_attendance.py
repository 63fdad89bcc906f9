from academy.kpi.attendance import AttendanceRules, attendance_rate, meets_threshold
from academy.models import Mark

RULES = AttendanceRules(threshold_pct=80, lates_per_absence=3)


def test_excused_sessions_leave_the_denominator():
    rate = attendance_rate({Mark.PRESENT: 8, Mark.EXCUSED: 2}, sessions_held=10, rules=RULES)
    assert rate.denominator == 8
    assert rate.rate == 1.0


def test_three_late_or_left_early_marks_count_as_one_absence():
    marks = {Mark.PRESENT: 7, Mark.LATE: 2, Mark.EARLY_LEAVE: 1}
    rate = attendance_rate(marks, sessions_held=10, rules=RULES)
    assert rate.rate == 0.9
    two_lates = attendance_rate({Mark.PRESENT: 8, Mark.LATE: 2}, sessions_held=10, rules=RULES)
    assert two_lates.rate == 1.0


def test_unmarked_held_sessions_count_as_absences():
    rate = attendance_rate({Mark.PRESENT: 6}, sessions_held=10, rules=RULES)
    assert rate.rate == 0.6
    assert not meets_threshold(rate, RULES)


def test_exactly_eighty_percent_completes():
    rate = attendance_rate({Mark.PRESENT: 8, Mark.ABSENT: 2}, sessions_held=10, rules=RULES)
    assert meets_threshold(rate, RULES)
    below = attendance_rate({Mark.PRESENT: 7, Mark.LATE: 3}, sessions_held=10, rules=RULES)
    assert below.rate == 0.9 and meets_threshold(below, RULES)
    strict = AttendanceRules(threshold_pct=95, lates_per_absence=2)
    assert not meets_threshold(attendance_rate({Mark.PRESENT: 8, Mark.LATE: 2}, 10, strict), strict)


def test_no_sessions_held_has_no_rate():
    rate = attendance_rate({}, sessions_held=0, rules=RULES)
    assert rate.rate is None
    assert not meets_threshold(rate, RULES)


def test_outlook_counts_the_absences_a_trainee_can_still_afford():
    from academy.kpi.attendance import Outlook, attendance_outlook

    # 20 sessions in all, 10 held: 9 present and 1 absent. 16 of 20 are needed; 19 at best.
    outlook = attendance_outlook({Mark.PRESENT: 9, Mark.ABSENT: 1}, 10, 20, RULES, 2)
    assert outlook.remaining == 10 and outlook.spare_absences == 3
    assert outlook.outlook == Outlook.ON_TRACK
    close = attendance_outlook({Mark.PRESENT: 8, Mark.ABSENT: 2}, 10, 20, RULES, 2)
    assert close.spare_absences == 2 and close.outlook == Outlook.AT_RISK
    lost = attendance_outlook({Mark.PRESENT: 5, Mark.ABSENT: 5}, 10, 20, RULES, 2)
    assert lost.spare_absences == -1 and lost.outlook == Outlook.CANNOT_COMPLETE


def test_outlook_leaves_excused_sessions_out_of_the_final_denominator():
    from academy.kpi.attendance import Outlook, attendance_outlook

    # 10 sessions, 5 excused: 4 of the other 5 are needed. Present 2, absent 1, 2 to come.
    outlook = attendance_outlook(
        {Mark.EXCUSED: 5, Mark.PRESENT: 2, Mark.ABSENT: 1}, 8, 10, RULES, 0
    )
    assert outlook.spare_absences == 0 and outlook.outlook == Outlook.AT_RISK
