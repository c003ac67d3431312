"""Workflow steps that tests of several modules take."""

from reports.workflow import report_transition


def approve(report, users):
    """Submit and approve ``report`` as the demo clerk and reviewer; the report reloaded."""
    report_transition(report=report, user=users["clerk"], action="submit")
    report_transition(report=report, user=users["reviewer"], action="approve")
    report.refresh_from_db()
    return report
