"""Workflow steps that tests of several modules take."""

from reports.workflow import transition_apply


def approve(report, users):
    """Submit and approve ``report`` as the demo clerk and reviewer; the report reloaded."""
    transition_apply(report=report, user=users["clerk"], action="submit")
    transition_apply(report=report, user=users["reviewer"], action="approve")
    report.refresh_from_db()
    return report
