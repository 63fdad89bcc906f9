"""Targets and quality rules as officials set them, each change recorded; the dashboards' data."""

import logging
import sqlite3
from datetime import date

import sqlalchemy as sa
from redis.exceptions import RedisError
from sqlalchemy.orm import selectinload

from academy.extensions import db
from academy.kpi import engine
from academy.kpi.capacity import Plan
from academy.kpi.engine import Scope
from academy.kpi.rules import YearRule
from academy.kpi.targets import target_for
from academy.models import (
    KpiSetting,
    KpiSettingChange,
    QualityRule,
    TargetMetric,
    User,
    YearlyTarget,
    utcnow,
)
from academy.progress_reports import progress

HISTORY_SHOWN = 50
log = logging.getLogger(__name__)


def dashboard(
    year: int, as_of: date, scope: Scope, every_campus: list[progress.CampusInfo] | None = None
) -> progress.ProgressReport:
    return progress.build_progress(db.session, year, as_of, scope, every_campus)


def all_campuses() -> list[progress.CampusInfo]:
    return progress.campus_infos(db.session)


def set_target(
    year: int, metric: TargetMetric, value: int, by: User, reason: str | None = None
) -> KpiSettingChange | None:
    """An official sets a year's target; the old value (set or interpolated) is recorded.

    Returns None when the value is already in force: nothing changes, nothing is recorded.
    """
    old = target_for(progress.load_targets(db.session), metric, year)
    row = db.session.scalar(
        sa.select(YearlyTarget).where(YearlyTarget.year == year, YearlyTarget.metric == metric)
    )
    if row is not None and row.value == value:
        return None
    if row is None:
        row = YearlyTarget(year=year, metric=metric)
        db.session.add(row)
    row.value, row.from_source, row.set_by_id, row.set_at = value, False, by.id, utcnow()
    change = KpiSettingChange(
        year=year,
        setting=KpiSetting(metric.value),
        old_value=old,
        new_value=value,
        reason=reason or None,
        changed_by_id=by.id,
    )
    db.session.add(change)
    db.session.commit()
    return change


def set_quality_rule(
    year: int, rule: YearRule, by: User, reason: str | None = None
) -> list[KpiSettingChange]:
    """An official sets the quality rules for jobs starting in a year; each changed figure is
    recorded with the value it replaces."""
    old = engine.load_quality_rules(db.session).for_year(year)
    changes = [
        KpiSettingChange(
            year=year,
            setting=setting,
            old_value=before,
            new_value=after,
            reason=reason or None,
            changed_by_id=by.id,
        )
        for setting, before, after in (
            (KpiSetting.PAY_FLOOR, old.monthly_pay_floor, rule.monthly_pay_floor),
            (KpiSetting.MIN_WEEKLY_HOURS, old.min_weekly_hours, rule.min_weekly_hours),
            (KpiSetting.MIN_CONTRACT_MONTHS, old.min_contract_months, rule.min_contract_months),
        )
        if before != after
    ]
    if not changes:
        return []
    row = db.session.scalar(sa.select(QualityRule).where(QualityRule.year == year))
    if row is None:
        row = QualityRule(year=year)
        db.session.add(row)
    row.monthly_pay_floor = rule.monthly_pay_floor
    row.min_weekly_hours = rule.min_weekly_hours
    row.min_contract_months = rule.min_contract_months
    row.set_by_id, row.set_at = by.id, utcnow()
    db.session.add_all(changes)
    db.session.commit()  # every cohort's KPI facts are dropped with it (academy.kpi.facts)
    recount_facts()
    return changes


def recount_facts() -> None:
    """Have the worker count every cohort's KPI facts again; if the queue is down the nightly
    task does, and the figures stay exact meanwhile (counted without the facts)."""
    from academy.jobs import queue

    try:
        queue.refresh_kpi_facts()
    except (RedisError, sqlite3.Error, OSError):  # the queue's store cannot be reached
        log.warning("KPI facts recount not queued: the nightly task will count them")


def setting_history(limit: int = HISTORY_SHOWN) -> list[KpiSettingChange]:
    return db.session.scalars(
        sa.select(KpiSettingChange)
        .options(selectinload(KpiSettingChange.changed_by))
        .order_by(KpiSettingChange.changed_at.desc(), KpiSettingChange.id.desc())
        .limit(limit)
    ).all()


def targets():
    return progress.load_targets(db.session)


def quality_rules():
    return engine.load_quality_rules(db.session)


def capacity_plan(year: int, plan: Plan | None = None):
    return progress.capacity_plan(db.session, year, plan)
