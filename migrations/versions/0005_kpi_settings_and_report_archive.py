"""KPI settings: quality-job rules by year and the history of target and rule changes;
the archive of downloaded reports.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KPI_SETTINGS = (
    "trainees",
    "bigtech_campuses",
    "alliance_members",
    "advanced_track",
    "pay_floor",
    "min_weekly_hours",
    "min_contract_months",
)


def upgrade():
    op.create_table(
        "quality_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("monthly_pay_floor", sa.BigInteger(), nullable=False),
        sa.Column("min_weekly_hours", sa.Integer(), nullable=False),
        sa.Column("min_contract_months", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "monthly_pay_floor >= 0", name=op.f("ck_quality_rule_pay_floor_not_negative")
        ),
        sa.CheckConstraint(
            "min_weekly_hours BETWEEN 1 AND 168", name=op.f("ck_quality_rule_weekly_hours_range")
        ),
        sa.CheckConstraint(
            "min_contract_months >= 1", name=op.f("ck_quality_rule_contract_months_positive")
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["user.id"], name=op.f("fk_quality_rule_set_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_rule")),
        sa.UniqueConstraint("year", name=op.f("uq_quality_rule_year")),
    )
    with op.batch_alter_table("quality_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quality_rule_set_by_id"), ["set_by_id"], unique=False)

    op.create_table(
        "kpi_setting_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "setting",
            sa.Enum(*KPI_SETTINGS, name="kpi_setting", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("old_value", sa.BigInteger(), nullable=True),
        sa.Column("new_value", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user.id"], name=op.f("fk_kpi_setting_change_changed_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_setting_change")),
    )
    with op.batch_alter_table("kpi_setting_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kpi_setting_change_changed_at"), ["changed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_kpi_setting_change_changed_by_id"), ["changed_by_id"], unique=False
        )

    op.create_table(
        "archived_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "format",
            sa.Enum("pdf", "xlsx", name="report_format", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=True),
        sa.Column(
            "tier",
            sa.Enum(
                "large",
                "medium",
                "small",
                name="report_tier",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),  # fmt: skip
        sa.Column(
            "kind",
            sa.Enum(
                "district",
                "bigtech",
                "industry_hub",
                name="report_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),  # fmt: skip
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("data_as_of", sa.DateTime(), nullable=True),
        sa.Column("includes_personal_data", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "NOT includes_personal_data OR reason IS NOT NULL",
            name=op.f("ck_archived_report_personal_data_has_reason"),
        ),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_archived_report_size_positive")),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campus.id"], name=op.f("fk_archived_report_campus_id_campus")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_archived_report_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archived_report")),
    )
    with op.batch_alter_table("archived_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archived_report_campus_id"), ["campus_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_archived_report_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_archived_report_created_by_id"), ["created_by_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("archived_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archived_report_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_archived_report_created_at"))
        batch_op.drop_index(batch_op.f("ix_archived_report_campus_id"))
    op.drop_table("archived_report")
    with op.batch_alter_table("kpi_setting_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_setting_change_changed_by_id"))
        batch_op.drop_index(batch_op.f("ix_kpi_setting_change_changed_at"))
    op.drop_table("kpi_setting_change")
    with op.batch_alter_table("quality_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_rule_set_by_id"))
    op.drop_table("quality_rule")
