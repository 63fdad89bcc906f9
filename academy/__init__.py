"""Seoul Youth Employment Academy 2.0: the app factory."""

import os
import secrets

from flask import Flask

from academy import (  # noqa: F401  (database: SQLite pragmas)
    audit,
    cli,
    database,
    formatting,
    logs,
    parameters,
    privacy,
    security,
    serving,
)
from academy.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
from academy.kpi import facts  # noqa: F401  (each cohort's KPI facts refreshed on commit)
from config import CONFIGS, INSTANCE_DIR


def create_app(config: object | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder="../templates",
        static_folder="../static",
    )
    if config is None:
        config = CONFIGS[os.environ.get("ACADEMY_ENV", "production")]()
    app.config.from_object(config)
    _ensure_sqlite_folder(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        if not _running_a_cli_command():
            raise RuntimeError(
                "SECRET_KEY is not set. Set it in the environment (production), "
                "or run with ACADEMY_ENV=development to keep a generated key under instance/."
            )
        # Operator commands (flask db check, flask academy init, ...) sign no cookies: a
        # throwaway key lets them run where the serving environment is not loaded.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    logs.configure(app)  # first: every later hook and log line has the request id
    register_extensions(app)
    parameters.register_converters(app)
    register_background_work(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    formatting.register(app)
    privacy.register(app)
    audit.register(app)
    security.register(app)
    serving.register(app)
    parameters.register(app)
    return app


def _ensure_sqlite_folder(url: str) -> None:
    """A SQLite file's folder (instance/ by default) exists before anything connects: a fresh
    checkout has none, and SQLite cannot create the folder of its file."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _running_a_cli_command() -> bool:
    """True while the flask command line loads the app for a command other than `flask run`,
    which serves pages. Decided by the click command being invoked, not by the words on the
    command line: `flask academy import run.csv` is a command, and gunicorn has no click context.
    """
    import click
    from flask.cli import run_command

    context = click.get_current_context(silent=True)
    if context is None:
        return False
    while context is not None:
        if context.command is run_command:
            return False
        context = context.parent
    return True


def register_extensions(app: Flask) -> None:
    from academy.auth.second_step import enforce_second_factor
    from academy.auth.session import enforce_session_lifetime, load_user
    from academy.i18n import install_particles, select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(
        app, db, directory=os.path.join(app.root_path, "..", "migrations"), render_as_batch=True
    )
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_particles(app, babel)
    htmx.init_app(app)
    limiter.init_app(app)
    app.before_request(enforce_session_lifetime)
    app.before_request(enforce_second_factor)


def register_background_work(app: Flask) -> None:
    """The task queue, the file storage, and the modules whose jobs the worker runs."""
    from academy import storage
    from academy.jobs import queue

    queue.configure(app)
    storage.configure(app)
    from academy.cohorts import import_jobs  # noqa: F401  (job handlers)
    from academy.report_archive import jobs  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from academy.admin import bp as admin_bp
    from academy.auth import bp as auth_bp
    from academy.campuses import bp as campuses_bp
    from academy.cohorts import bp as cohorts_bp
    from academy.home import bp as home_bp
    from academy.instructors import bp as instructors_bp
    from academy.trainees import bp as trainees_bp

    for bp in (home_bp, auth_bp, campuses_bp, cohorts_bp, trainees_bp, instructors_bp, admin_bp):
        app.register_blueprint(bp)
    register_outcome_blueprints(app)
    register_kpi_blueprints(app)
    register_programme_blueprints(app)


def register_programme_blueprints(app: Flask) -> None:
    """Certifications with mock exams and pass rates, the exam-fee subsidy, internships."""
    from academy.certifications import bp as certifications_bp
    from academy.internships import bp as internships_bp
    from academy.subsidies import bp as subsidies_bp

    for bp in (certifications_bp, subsidies_bp, internships_bp):
        app.register_blueprint(bp)


def register_kpi_blueprints(app: Flask) -> None:
    """The KPI dashboards, targets, ecosystem, report archive and JSON endpoint."""
    from academy.api import bp as api_bp
    from academy.dashboard import bp as dashboard_bp
    from academy.ecosystem import bp as ecosystem_bp
    from academy.report_archive import bp as reports_bp

    for bp in (dashboard_bp, ecosystem_bp, reports_bp, api_bp):
        app.register_blueprint(bp)


def register_outcome_blueprints(app: Flask) -> None:
    """Account activation links, and job outcomes: reports, verification, import, follow-up."""
    from academy.accounts import bp as accounts_bp
    from academy.outcomes import bp as outcomes_bp

    for bp in (accounts_bp, outcomes_bp):
        app.register_blueprint(bp)


def register_errorhandlers(app: Flask) -> None:
    from academy import errors

    errors.register(app)


def register_commands(app: Flask) -> None:
    app.cli.add_command(cli.academy)
    from academy.cohorts.cli import COMMANDS as cohort_commands

    for command in cohort_commands:  # flask cohort / roster / attendance
        app.cli.add_command(command)
    from academy.outcomes.cli import outcomes as outcomes_commands

    app.cli.add_command(outcomes_commands)
    from academy.progress_reports.cli import COMMANDS as kpi_commands

    for command in kpi_commands:
        app.cli.add_command(command)
