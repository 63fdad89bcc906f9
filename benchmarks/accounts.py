"""The administrator's accounts page at 50,000 trainee accounts: list, deep page, role filter and
searches by name and e-mail, each timed over HTTP (test client) with its SQL statements counted.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/accounts.py [--accounts 50000] [--repeat 5] [--explain]

Builds a scratch database of its own (bench_accounts_<N>_<pid>_<random>) with the accounts
only (the page reads users and campuses, and trainees for its access-log entry), and drops it
afterwards. Not a test.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import pyotp
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from academy import create_app  # noqa: E402
from academy.auth.passwords import hash_password  # noqa: E402
from academy.extensions import db  # noqa: E402
from config import TestConfig  # noqa: E402

SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍"
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "은우", "지호", "수아", "예준"]


def build(url: sa.URL, accounts: int) -> None:
    from flask_migrate import upgrade

    upgrade(revision="heads")
    from academy import reference

    reference.load_reference_data()  # the 28 campuses, as in production
    conn = db.session.connection()
    rows = [
        {
            "email": f"trainee{n:06d}@example.com",
            "name": SURNAMES[n % len(SURNAMES)] + GIVEN[(n // 20) % len(GIVEN)],
            "role": "trainee",
            "active": True,
            "session_version": 1,
            "created_at": "2030-01-01",
            "password_hash": "x" if n % 3 else None,
        }
        for n in range(accounts)
    ]
    conn.execute(
        sa.text(
            'INSERT INTO "user" (email, name, role, active, session_version, created_at, '
            "password_hash) VALUES (:email, :name, :role, :active, :session_version, :created_at, "
            ":password_hash)"
        ),
        rows,
    )
    conn.execute(
        sa.text(
            "INSERT INTO trainee (user_id, birth_date, vulnerable, created_at) "
            "SELECT id, :born, false, created_at FROM \"user\" WHERE role = 'trainee'"
        ),
        {"born": date(2000, 1, 1)},
    )
    db.session.commit()
    conn = db.session.connection()
    conn.execute(sa.text("ANALYZE"))
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    os.environ.pop("DATABASE_URL", None)
    url = sa.make_url(server)
    name = f"bench_accounts_{args.accounts}_{os.getpid()}_{secrets.token_hex(4)}"  # ours alone
    admin_engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url.set(database=name).render_as_string(hide_password=False)
    app = create_app(config)
    try:
        with app.app_context():
            started = time.perf_counter()
            build(url, args.accounts)
            print(f"{args.accounts:,} accounts built in {time.perf_counter() - started:.1f} s")
            from academy.models import Role, User

            secret = pyotp.random_base32()
            admin = User(
                email="bench.admin@example.com",
                name="관리자",
                role=Role.ADMIN,
                password_hash=hash_password("benchmark password 2030"),
                totp_secret=secret,
                totp_enrolled_at=sa.func.now(),
            )
            db.session.add(admin)
            db.session.commit()
        client = app.test_client()
        client.post(
            "/login",
            data={"email": "bench.admin@example.com", "password": "benchmark password 2030"},
        )
        client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
        cases = [
            ("first page", "/admin/accounts"),
            ("page 500 (deep)", "/admin/accounts?page=500"),
            ("role filter: admin", "/admin/accounts?role=admin"),
            ("name search: 김민준", "/admin/accounts?q=김민준"),
            ("name search: 김 (a fifth)", "/admin/accounts?q=김"),
            ("e-mail search: trainee04321", "/admin/accounts?q=trainee04321"),
            ("full e-mail", "/admin/accounts?q=trainee049999@example.com"),
            ("no match", "/admin/accounts?q=zzzz-nobody"),
            ("htmx fragment, search", "/admin/accounts?q=이서연"),
        ]
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_rest):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", count)
        print(f"{'case':32} {'median ms':>10} {'max ms':>8} {'SQL':>4}")
        slowest: dict[str, float] = {}
        for label, path in cases:
            headers = {"HX-Request": "true"} if "htmx" in label else {}
            times = []
            for _ in range(args.repeat):
                statements.clear()
                started = time.perf_counter()
                response = client.get(path, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            print(
                f"{label:32} {statistics.median(times):10.1f} {max(times):8.1f} "
                f"{len(statements):4d}"
            )
            slowest[path] = statistics.median(times)
        sa.event.remove(engine, "before_cursor_execute", count)
        if args.explain:
            from academy.admin.services import account_search
            from academy.models import User

            with app.app_context():
                for query in ("김민준", "trainee04321"):
                    stmt = sa.select(User.id).where(account_search(query))
                    sql = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
                    plan = db.session.execute(sa.text(f"EXPLAIN ANALYZE {sql}"))
                    print("\n".join(r[0] for r in plan))
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with admin_engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin_engine.dispose()


if __name__ == "__main__":
    main()
