"""Who may see the record of publications (``perfeval.access`` wires it in its RULES).

Publishing itself is an action on a report (``policy.PUBLISH``), answered by the report's
rule; this rule is for the records only. Kept to ``perfeval.policy`` so that
``perfeval.access`` may import it without a loop.
"""

from __future__ import annotations

from perfeval.policy import EXPORT, VIEW, Rule, _any_role, document_q, document_visible


class PublicationEventRule(Rule):
    """Publication events: seen by whoever may see their report; added by
    ``publishing.services`` alone (never through an admin form), never changed or deleted."""

    def may(self, user, action, obj):
        if action not in (VIEW, EXPORT):
            return False
        if obj is None:
            return _any_role(user)
        report = obj.report
        return document_visible(user, report.department_id, report.status)

    def q(self, user):
        return document_q(user, "report__")
