"""The heaviest page of each role at 50,000 trainees (PostgreSQL), against the raw SQL that
fetches the same data: a full GET through the test client, signed in, against hand-written
queries on one connection. Goal: at most 2× for every page.

Printed, measured in one run: each page's median time, the SQL's median time, and the median
of their paired ratios (benchmarks/kpi.py, `paired`: the two are timed alternately, so a busy
machine slows both alike).

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/pages.py [--runs 15]

The database is benchmarks/scale_db.py's (built once, kept). Not a test.
"""

import argparse
import sys
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kpi import HAND_WRITTEN, paired  # noqa: E402
from scale_db import AS_OF, YEAR, scale_app, signed_in  # noqa: E402

from academy.extensions import db  # noqa: E402
from academy.kpi.sql import end_of_day_utc  # noqa: E402

# The cohort page: the roster with each trainee's marks by kind, sessions held, current outcome.
COHORT_SQL = (
    """
SELECT c.code, c.starts_on, c.ends_on, c.capacity, c.closed_on, co.name, co.level,
       co.attendance_threshold_pct, co.lates_per_absence, ca.name, r.name,
       (SELECT count(*) FROM class_session s WHERE s.cohort_id = c.id AND s.held_on <= :today)
FROM cohort c JOIN course co ON co.id = c.course_id JOIN campus ca ON ca.id = c.campus_id
LEFT JOIN classroom r ON r.id = c.classroom_id WHERE c.id = :cohort
""",
    """
SELECT u.name, u.email, iu.name, ia.role FROM instructor_assignment ia
JOIN instructor i ON i.id = ia.instructor_id JOIN "user" iu ON iu.id = i.user_id
JOIN "user" u ON u.id = ia.assigned_by_id WHERE ia.cohort_id = :cohort
""",
    """
SELECT e.id, u.name, u.email, t.phone, e.status, e.waitlist_position, e.employed_at_start,
       e.left_on, m.present, m.late, m.early_leave, m.absent, m.excused, o.code, o.verification
FROM enrolment e JOIN trainee t ON t.id = e.trainee_id JOIN "user" u ON u.id = t.user_id
LEFT JOIN (
  SELECT enrolment_id,
         count(*) FILTER (WHERE mark = 'present') AS present,
         count(*) FILTER (WHERE mark = 'late') AS late,
         count(*) FILTER (WHERE mark = 'early_leave') AS early_leave,
         count(*) FILTER (WHERE mark = 'absent') AS absent,
         count(*) FILTER (WHERE mark = 'excused') AS excused
  FROM attendance_mark m JOIN class_session s ON s.id = m.session_id
  WHERE s.cohort_id = :cohort GROUP BY enrolment_id
) m ON m.enrolment_id = e.id
LEFT JOIN LATERAL (
  SELECT code, verification FROM outcome_record WHERE enrolment_id = e.id
  ORDER BY version DESC LIMIT 1
) o ON true
WHERE e.cohort_id = :cohort ORDER BY e.status, u.name
""",
)

# The trainee record: the person, each enrolment with its attendance, outcomes, exams, claims
# and internships.
TRAINEE_SQL = (
    """
SELECT u.name, u.email, t.phone, t.birth_date, t.vulnerable FROM trainee t
JOIN "user" u ON u.id = t.user_id WHERE t.id = :trainee
""",
    """
SELECT e.id, e.status, e.enrolled_on, e.left_on, c.code, c.starts_on, c.ends_on, co.name,
       co.attendance_threshold_pct, ca.name,
       (SELECT count(*) FROM class_session s WHERE s.cohort_id = c.id AND s.held_on <= :today),
       (SELECT json_object_agg(mark, n) FROM (SELECT mark, count(*) AS n FROM attendance_mark
        WHERE enrolment_id = e.id GROUP BY mark) k)
FROM enrolment e JOIN cohort c ON c.id = e.cohort_id JOIN course co ON co.id = c.course_id
JOIN campus ca ON ca.id = c.campus_id WHERE e.trainee_id = :trainee ORDER BY c.starts_on
""",
    """
SELECT o.* FROM outcome_record o JOIN enrolment e ON e.id = o.enrolment_id
WHERE e.trainee_id = :trainee ORDER BY o.enrolment_id, o.version
""",
    """
SELECT ea.sat_on, ea.result, ea.fee_paid, ce.name, sc.status, sc.amount_requested,
       sc.amount_approved, sc.applied_on
FROM exam_attempt ea JOIN certification ce ON ce.id = ea.certification_id
LEFT JOIN subsidy_claim sc ON sc.exam_attempt_id = ea.id
WHERE ea.trainee_id = :trainee ORDER BY ea.sat_on
""",
    """
SELECT p.starts_on, p.ends_on, p.status, o.title, o.programme, h.name
FROM internship_placement p JOIN internship_opening o ON o.id = p.opening_id
JOIN host_organisation h ON h.id = o.host_id WHERE p.trainee_id = :trainee
""",
)


def raw(app, statements, params):
    def run():  # its own app context: a shared one would share Flask-Login's user with the pages
        with app.app_context(), db.engine.connect() as conn:
            return [conn.execute(sa.text(s), params).all() for s in statements]

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    app = scale_app()
    with app.app_context():
        coordinator_campus = db.session.scalar(
            sa.text("SELECT campus_id FROM \"user\" WHERE email = 'coordinator@example.com'")
        )
        # The biggest closed cohort of the coordinator's campus, and a trainee with the most
        # history (an exam, a claim or an internship) in it.
        cohort = db.session.scalar(
            sa.text(
                "SELECT c.id FROM cohort c JOIN enrolment e ON e.cohort_id = c.id "
                "WHERE c.campus_id = :campus AND c.closed_on IS NOT NULL "
                "GROUP BY c.id ORDER BY count(*) DESC, c.ends_on DESC LIMIT 1"
            ),
            {"campus": coordinator_campus},
        )
        trainee = db.session.scalar(
            sa.text(
                "SELECT e.trainee_id FROM enrolment e LEFT JOIN exam_attempt a "
                "ON a.trainee_id = e.trainee_id LEFT JOIN internship_placement p "
                "ON p.trainee_id = e.trainee_id WHERE e.cohort_id = :cohort "
                "GROUP BY e.trainee_id ORDER BY count(a.id) + count(p.id) DESC LIMIT 1"
            ),
            {"cohort": cohort},
        )
        db.session.remove()
    today = date.today()
    dashboard_params = dict(
        moment=end_of_day_utc(AS_OF), as_of=AS_OF, first=date(YEAR, 1, 1), last=date(YEAR, 12, 31)
    )
    official = signed_in(app, "official@example.com")
    coordinator = signed_in(app, "coordinator@example.com")
    cases = [
        (
            "official: citywide dashboard",
            official,
            f"/dashboard/?year={YEAR}&as_of={AS_OF}",
            raw(app, [HAND_WRITTEN], dashboard_params),
        ),
        (
            "coordinator: cohort page with attendance",
            coordinator,
            f"/cohorts/{cohort}",
            raw(app, COHORT_SQL, {"cohort": cohort, "today": today}),
        ),
        (
            "coordinator: trainee record",
            coordinator,
            f"/trainees/{trainee}",
            raw(app, TRAINEE_SQL, {"trainee": trainee, "today": today}),
        ),
    ]
    print(f"{'page':42} {'page ms':>9} {'SQL ms':>8} {'ratio':>6}  (medians of {args.runs})")
    worst = 0.0
    for name, client, url, sql in cases:

        def page(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        page_s, sql_s, ratio = paired(page, sql, runs=args.runs)
        worst = max(worst, ratio)
        print(f"{name:42} {page_s * 1000:9.1f} {sql_s * 1000:8.1f} {ratio:5.2f}×  GET {url}")
    print(f"worst ratio {worst:.2f}× (goal ≤ 2×)")


if __name__ == "__main__":
    main()
