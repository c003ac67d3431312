"""Who reaches what: every URL of the site × the eight roles, with the expected answer of each
cell in one table (``EXPECTED``), read against the URL configuration itself.

A route missing from the table, or a table row for a route that no longer exists, fails
``test_the_table_covers_every_url_of_the_site``. Each cell is one of:

- ``ok``: 200, and the page (or exported file) shows department A's row;
- ``empty``: 200 without A's data (a list scoped to the user's own rows, a form, a page
  about something else);
- ``file``: 200 with a PDF or spreadsheet;
- ``login``: sent to sign in; ``gone``: the admin's "does not exist" (back to its index);
- ``302``: another redirect; ``403``, ``404``, ``405``: refused, not found, wrong method.

Rows are department A's (the demo: its 2022 report approved with its records, its 2023
report a draft with every kind of line; its 2022 year: approved targets and monitoring, its
problems, deadlines, a 催办; its 2023 target form and 监控表 as drafts); department B has its
own drafts, clerk and reviewer. Export URLs are tried by posting their form, so the cell
says what the exported file holds.
"""

# ruff: noqa: E501 - one row a route, one column a role

import json
import re

import pytest
from django.test import Client

from tests.urlmap import build_world, site_routes

ROLES = (
    "anonymous",
    "clerk_a",
    "clerk_b",
    "clerk_a_staff",
    "reviewer_a",
    "reviewer_b",
    "auditor",
    "superuser",
)
# Query strings that make a URL say something: the report list shows every state (it opens
# on 待审核 for reviewers), the autocomplete is asked for the reports a line may go into.
QUERIES = {
    "admin/reports/report/": "?status=all",
    "admin/autocomplete/": "?app_label=budgets&model_name=incomeline&field_name=report&term=",
}

# fmt: off
EXPECTED = {
    # route: anonymous clerk_a clerk_b clerk_a_staff reviewer_a reviewer_b auditor superuser
    "admin/": "login login login empty empty empty login empty",
    "admin/login/": "empty empty empty gone gone gone empty gone",
    "admin/logout/": "login gone gone 405 405 405 gone 405",
    "admin/password_change/": "login login login empty empty empty login empty",
    "admin/password_change/done/": "login login login empty empty empty login empty",
    "admin/autocomplete/": "login login login ok empty empty login ok",
    "admin/jsi18n/": "login login login empty empty empty login empty",
    "admin/r/<path:content_type_id>/<path:object_id>/": "login login login 404 404 404 login 404",
    "admin/axes/accessattempt/": "login login login 403 403 403 login ok",
    "admin/axes/accessattempt/add/": "login login login 403 403 403 login 403",
    "admin/axes/accessattempt/<path:object_id>/history/": "login login login gone gone gone login empty",
    "admin/axes/accessattempt/<path:object_id>/delete/": "login login login 403 403 403 login empty",
    "admin/axes/accessattempt/<path:object_id>/change/": "login login login 403 403 403 login ok",
    "admin/axes/accessattempt/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/axes/accesslog/": "login login login 403 403 403 login ok",
    "admin/axes/accesslog/add/": "login login login 403 403 403 login 403",
    "admin/axes/accesslog/<path:object_id>/history/": "login login login gone gone gone login ok",
    "admin/axes/accesslog/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/axes/accesslog/<path:object_id>/change/": "login login login 403 403 403 login ok",
    "admin/axes/accesslog/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/axes/accessfailurelog/": "login login login 403 403 403 login ok",
    "admin/axes/accessfailurelog/add/": "login login login 403 403 403 login 403",
    "admin/axes/accessfailurelog/<path:object_id>/history/": "login login login gone gone gone login ok",
    "admin/axes/accessfailurelog/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/axes/accessfailurelog/<path:object_id>/change/": "login login login 403 403 403 login ok",
    "admin/axes/accessfailurelog/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/django_tasks_database/dbtaskresult/": "login login login 403 403 403 login ok",
    "admin/django_tasks_database/dbtaskresult/add/": "login login login 403 403 403 login 403",
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/history/": "login login login gone gone gone login empty",
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/change/": "login login login 403 403 403 login ok",
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/departments/department/process_import/": "login login login 405 405 405 login 405",
    "admin/departments/department/import/": "login login login 403 403 403 login empty",
    "admin/departments/department/export/": "login login login ok ok empty login ok",
    "admin/departments/department/": "login login login ok ok empty login ok",
    "admin/departments/department/add/": "login login login 403 403 403 login empty",
    "admin/departments/department/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/departments/department/<path:object_id>/delete/": "login login login 403 403 403 login ok",
    "admin/departments/department/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/departments/department/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/departments/orgunit/process_import/": "login login login 405 405 405 login 405",
    "admin/departments/orgunit/import/": "login login login 403 403 403 login empty",
    "admin/departments/orgunit/export/": "login login login ok ok empty login ok",
    "admin/departments/orgunit/": "login login login ok ok empty login ok",
    "admin/departments/orgunit/add/": "login login login empty 403 403 login empty",
    "admin/departments/orgunit/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/departments/orgunit/<path:object_id>/delete/": "login login login ok 403 403 login ok",
    "admin/departments/orgunit/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/departments/orgunit/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/departments/user/<id>/password/": "login login login 403 403 403 login empty",
    "admin/departments/user/": "login login login 403 403 403 login ok",
    "admin/departments/user/add/": "login login login 403 403 403 login empty",
    "admin/departments/user/<path:object_id>/history/": "login login login gone gone gone login empty",
    "admin/departments/user/<path:object_id>/delete/": "login login login 403 403 403 login empty",
    "admin/departments/user/<path:object_id>/change/": "login login login 403 403 403 login empty",
    "admin/departments/user/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/auth/group/": "login login login 403 403 403 login ok",
    "admin/auth/group/add/": "login login login 403 403 403 login empty",
    "admin/auth/group/<path:object_id>/history/": "login login login gone gone gone login ok",
    "admin/auth/group/<path:object_id>/delete/": "login login login 403 403 403 login ok",
    "admin/auth/group/<path:object_id>/change/": "login login login 403 403 403 login ok",
    "admin/auth/group/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/budgets/incomeline/process_import/": "login login login 405 405 405 login 405",
    "admin/budgets/incomeline/import/": "login login login 403 403 403 login empty",
    "admin/budgets/incomeline/export/": "login login login ok ok empty login ok",
    "admin/budgets/incomeline/^([^/]+)/history/([^/]+)/$": "login login login ok empty gone login ok",
    "admin/budgets/incomeline/": "login login login ok ok empty login ok",
    "admin/budgets/incomeline/add/": "login login login empty 403 403 login empty",
    "admin/budgets/incomeline/<path:object_id>/history/": "login login login empty empty gone login empty",
    "admin/budgets/incomeline/<path:object_id>/delete/": "login login login empty 403 403 login empty",
    "admin/budgets/incomeline/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/budgets/incomeline/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/budgets/expenditureline/process_import/": "login login login 405 405 405 login 405",
    "admin/budgets/expenditureline/import/": "login login login 403 403 403 login empty",
    "admin/budgets/expenditureline/export/": "login login login ok ok empty login ok",
    "admin/budgets/expenditureline/^([^/]+)/history/([^/]+)/$": "login login login ok empty gone login ok",
    "admin/budgets/expenditureline/": "login login login ok ok empty login ok",
    "admin/budgets/expenditureline/add/": "login login login empty 403 403 login empty",
    "admin/budgets/expenditureline/<path:object_id>/history/": "login login login empty empty gone login empty",
    "admin/budgets/expenditureline/<path:object_id>/delete/": "login login login empty 403 403 login empty",
    "admin/budgets/expenditureline/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/budgets/expenditureline/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/budgets/threepublicline/process_import/": "login login login 405 405 405 login 405",
    "admin/budgets/threepublicline/import/": "login login login 403 403 403 login empty",
    "admin/budgets/threepublicline/export/": "login login login ok ok empty login ok",
    "admin/budgets/threepublicline/^([^/]+)/history/([^/]+)/$": "login login login ok empty gone login ok",
    "admin/budgets/threepublicline/": "login login login ok ok empty login ok",
    "admin/budgets/threepublicline/add/": "login login login empty 403 403 login empty",
    "admin/budgets/threepublicline/<path:object_id>/history/": "login login login empty empty gone login empty",
    "admin/budgets/threepublicline/<path:object_id>/delete/": "login login login empty 403 403 login empty",
    "admin/budgets/threepublicline/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/budgets/threepublicline/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/budgets/project/process_import/": "login login login 405 405 405 login 405",
    "admin/budgets/project/import/": "login login login 403 403 403 login empty",
    "admin/budgets/project/export/": "login login login ok ok empty login ok",
    "admin/budgets/project/^([^/]+)/history/([^/]+)/$": "login login login ok empty gone login ok",
    "admin/budgets/project/": "login login login ok ok empty login ok",
    "admin/budgets/project/add/": "login login login empty 403 403 login empty",
    "admin/budgets/project/<path:object_id>/history/": "login login login empty empty gone login empty",
    "admin/budgets/project/<path:object_id>/delete/": "login login login empty 403 403 login empty",
    "admin/budgets/project/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/budgets/project/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/scoring/framework/": "login login login ok ok ok login ok",
    "admin/scoring/framework/add/": "login login login 403 403 403 login empty",
    "admin/scoring/framework/<path:object_id>/history/": "login login login ok ok ok login ok",
    "admin/scoring/framework/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/scoring/framework/<path:object_id>/change/": "login login login ok ok ok login ok",
    "admin/scoring/framework/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/scoring/indicator/process_import/": "login login login 405 405 405 login 405",
    "admin/scoring/indicator/import/": "login login login 403 403 403 login empty",
    "admin/scoring/indicator/export/": "login login login ok ok ok login ok",
    "admin/scoring/indicator/": "login login login ok ok ok login ok",
    "admin/scoring/indicator/add/": "login login login 403 403 403 login 403",
    "admin/scoring/indicator/<path:object_id>/history/": "login login login ok ok ok login ok",
    "admin/scoring/indicator/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/scoring/indicator/<path:object_id>/change/": "login login login ok ok ok login ok",
    "admin/scoring/indicator/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/scoring/indicatorresult/^([^/]+)/history/([^/]+)/$": "login login login ok empty gone login ok",
    "admin/scoring/indicatorresult/": "login login login ok ok empty login ok",
    "admin/scoring/indicatorresult/add/": "login login login empty 403 403 login empty",
    "admin/scoring/indicatorresult/<path:object_id>/history/": "login login login empty empty gone login empty",
    "admin/scoring/indicatorresult/<path:object_id>/delete/": "login login login empty 403 403 login empty",
    "admin/scoring/indicatorresult/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/scoring/indicatorresult/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/scoring/groupresult/^([^/]+)/history/([^/]+)/$": "login login login empty empty gone login empty",
    "admin/scoring/groupresult/": "login login login ok ok empty login ok",
    "admin/scoring/groupresult/add/": "login login login empty 403 403 login empty",
    "admin/scoring/groupresult/<path:object_id>/history/": "login login login empty empty gone login empty",
    "admin/scoring/groupresult/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/scoring/groupresult/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/scoring/groupresult/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/reports/report/<id:pk>/transition/": "login login login 302 302 404 login 302",
    "admin/reports/report/<id:pk>/selfeval/": "login login login ok ok 404 login ok",
    "admin/reports/report/^([^/]+)/history/([^/]+)/$": "login login login ok ok gone login ok",
    "admin/reports/report/": "login login login ok ok empty login ok",
    "admin/reports/report/add/": "login login login 403 403 403 login ok",
    "admin/reports/report/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/reports/report/<path:object_id>/delete/": "login login login 403 403 403 login ok",
    "admin/reports/report/<path:object_id>/change/": "login login login ok ok 404 login ok",
    "admin/reports/report/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/reports/reporttransition/": "login login login ok ok empty login ok",
    "admin/reports/reporttransition/add/": "login login login 403 403 403 login 403",
    "admin/reports/reporttransition/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/reports/reporttransition/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/reports/reporttransition/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/reports/reporttransition/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/reports/approvedversion/": "login login login ok ok empty login ok",
    "admin/reports/approvedversion/add/": "login login login 403 403 403 login 403",
    "admin/reports/approvedversion/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/reports/approvedversion/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/reports/approvedversion/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/reports/approvedversion/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/reports/officialpdf/": "login login login ok ok empty login ok",
    "admin/reports/officialpdf/add/": "login login login 403 403 403 login 403",
    "admin/reports/officialpdf/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/reports/officialpdf/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/reports/officialpdf/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/reports/officialpdf/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/reports/download/": "login login login 403 403 403 login ok",
    "admin/reports/download/add/": "login login login 403 403 403 login 403",
    "admin/reports/download/<path:object_id>/history/": "login login login gone gone gone login ok",
    "admin/reports/download/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/reports/download/<path:object_id>/change/": "login login login 403 403 403 login ok",
    "admin/reports/download/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/targets/targetform/": "login login login ok ok empty login ok",
    "admin/targets/targetform/add/": "login login login ok 403 403 login ok",
    "admin/targets/targetform/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/targets/targetform/<path:object_id>/delete/": "login login login 403 403 403 login ok",
    "admin/targets/targetform/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/targets/targetform/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/targets/targettransition/": "login login login ok ok empty login ok",
    "admin/targets/targettransition/add/": "login login login 403 403 403 login 403",
    "admin/targets/targettransition/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/targets/targettransition/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/targets/targettransition/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/targets/targettransition/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/monitoring/checkpoint/": "login login login ok ok ok login ok",
    "admin/monitoring/checkpoint/add/": "login login login 403 403 403 login ok",
    "admin/monitoring/checkpoint/<path:object_id>/history/": "login login login ok ok ok login ok",
    "admin/monitoring/checkpoint/<path:object_id>/delete/": "login login login 403 403 403 login ok",
    "admin/monitoring/checkpoint/<path:object_id>/change/": "login login login ok ok ok login ok",
    "admin/monitoring/checkpoint/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/monitoring/checkpointreport/": "login login login ok ok empty login ok",
    "admin/monitoring/checkpointreport/add/": "login login login ok 403 403 login ok",
    "admin/monitoring/checkpointreport/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/monitoring/checkpointreport/<path:object_id>/delete/": "login login login 403 403 403 login ok",
    "admin/monitoring/checkpointreport/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/monitoring/checkpointreport/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/monitoring/checkpointtransition/": "login login login ok ok empty login ok",
    "admin/monitoring/checkpointtransition/add/": "login login login 403 403 403 login 403",
    "admin/monitoring/checkpointtransition/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/monitoring/checkpointtransition/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/monitoring/checkpointtransition/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/monitoring/checkpointtransition/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/followup/problemitem/": "login login login ok ok empty login ok",
    "admin/followup/problemitem/add/": "login login login ok empty empty login ok",
    "admin/followup/problemitem/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/followup/problemitem/<path:object_id>/delete/": "login login login 403 403 403 login ok",
    "admin/followup/problemitem/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/followup/problemitem/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/followup/problemupdate/": "login login login ok ok empty login ok",
    "admin/followup/problemupdate/add/": "login login login 403 403 403 login 403",
    "admin/followup/problemupdate/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/followup/problemupdate/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/followup/problemupdate/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/followup/problemupdate/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/deadlines/deadline/": "login login login ok ok ok login ok",
    "admin/deadlines/deadline/add/": "login login login 403 403 403 login ok",
    "admin/deadlines/deadline/<path:object_id>/history/": "login login login ok ok ok login ok",
    "admin/deadlines/deadline/<path:object_id>/delete/": "login login login 403 403 403 login ok",
    "admin/deadlines/deadline/<path:object_id>/change/": "login login login ok ok ok login ok",
    "admin/deadlines/deadline/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/deadlines/reminder/": "login login login ok ok empty login ok",
    "admin/deadlines/reminder/add/": "login login login 403 403 403 login 403",
    "admin/deadlines/reminder/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/deadlines/reminder/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/deadlines/reminder/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/deadlines/reminder/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/deadlines/notification/": "login login login ok ok empty login empty",
    "admin/deadlines/notification/add/": "login login login 403 403 403 login 403",
    "admin/deadlines/notification/<path:object_id>/history/": "login login login gone gone gone login gone",
    "admin/deadlines/notification/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/deadlines/notification/<path:object_id>/change/": "login login login gone gone gone login gone",
    "admin/deadlines/notification/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/^(?P<app_label>axes|django_tasks_database|departments|auth|budgets|scoring|reports|targets|monitoring|followup|deadlines|projects|publishing)/$": "login login login empty empty empty login empty",
    "admin/(?P<url>.*)$": "login login login 404 404 404 login 404",
    # Signed in, the sign-in page sends each role where it lands (perfeval.landing): reviewers
    # and administrators to their queue, the admin's index (read as "gone").
    "accounts/login/": "empty 302 302 302 gone gone 302 gone",
    "accounts/logout/": "login 405 405 405 405 405 405 405",
    "": "login ok empty ok ok empty ok ok",
    "reports/start/": "login 405 405 405 405 405 405 405",
    "reports/<id:pk>/": "login ok 404 ok ok 404 404 ok",
    "reports/<id:pk>/edit/": "login ok 404 ok 403 404 404 ok",
    "reports/<id:pk>/edit/<slug:section>/": "login ok 404 ok 403 404 404 ok",
    "reports/<id:pk>/transition/": "login 405 405 405 405 405 405 405",
    "reports/<id:pk>/pdf/": "login file 404 file file 404 file file",
    "reports/<id:pk>/pdf/status/": "login empty 404 empty empty 404 empty empty",
    "reports/<id:pk>/xlsx/": "login file 404 file file 404 404 file",
    "reports/<id:pk>/import/": "login ok 404 ok 403 404 404 ok",
    "reports/<id:pk>/docx/": "login file 404 file file 404 404 file",
    "reports/<id:pk>/projects/<id:project>/import/": "login ok 404 ok 403 404 404 ok",
    "reports/<id:pk>/publish/": "login 405 405 405 405 405 405 405",
    "reports/<id:pk>/publish/withdraw/": "login 405 405 405 405 405 405 405",
    # The public site (publishing): the published approved report, for anyone.
    "public/": "ok ok ok ok ok ok ok ok",
    "public/<id:pk>/": "ok ok ok ok ok ok ok ok",
    "public/<id:pk>/pdf/": "file file file file file file file file",
    "^public/.*$": "404 404 404 404 404 404 404 404",
    "admin/projects/projectframework/": "login login login ok ok ok login ok",
    "admin/projects/projectframework/add/": "login login login 403 403 403 login empty",
    "admin/projects/projectframework/<path:object_id>/history/": "login login login ok ok ok login ok",
    "admin/projects/projectframework/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/projects/projectframework/<path:object_id>/change/": "login login login ok ok ok login ok",
    "admin/projects/projectframework/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/projects/projectassessment/^([^/]+)/history/([^/]+)/$": "login login login ok empty gone login ok",
    "admin/projects/projectassessment/": "login login login ok ok empty login ok",
    "admin/projects/projectassessment/add/": "login login login empty 403 403 login empty",
    "admin/projects/projectassessment/<path:object_id>/history/": "login login login empty empty gone login empty",
    "admin/projects/projectassessment/<path:object_id>/delete/": "login login login empty 403 403 login empty",
    "admin/projects/projectassessment/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/projects/projectassessment/<path:object_id>/": "login login login 302 302 302 login 302",
    "admin/publishing/publicationevent/": "login login login ok ok empty login ok",
    "admin/publishing/publicationevent/add/": "login login login 403 403 403 login 403",
    "admin/publishing/publicationevent/<path:object_id>/history/": "login login login ok ok gone login ok",
    "admin/publishing/publicationevent/<path:object_id>/delete/": "login login login 403 403 403 login 403",
    "admin/publishing/publicationevent/<path:object_id>/change/": "login login login ok ok gone login ok",
    "admin/publishing/publicationevent/<path:object_id>/": "login login login 302 302 302 login 302",
    "reports/<id:pk>/comments/": "login 405 405 405 405 405 405 405",
    "reports/<id:pk>/comments/<id:thread>/": "login 405 405 405 405 405 405 405",
    "approved/": "login ok empty ok ok empty ok ok",
    "approved/zip/": "login 405 405 405 405 405 405 405",
    "approved/prepare/": "login 405 405 405 405 405 405 405",
    "dashboard/": "login 403 403 403 302 302 302 302",
    "dashboard/<year:year>/": "login 403 403 403 ok empty ok ok",
    "dashboard/<year:year>/export.xlsx": "login 403 403 403 file file file file",
    "departments/<id:pk>/history/": "login ok 404 ok ok 404 ok ok",
    # The year around the report: targets, monitoring, problems, deadlines and notices.
    "targets/": "login ok empty ok ok empty ok ok",
    "targets/start/": "login 405 405 405 405 405 405 405",
    "targets/<id:pk>/": "login ok 404 ok ok 404 404 ok",
    "targets/<id:pk>/edit/": "login ok 404 ok 403 404 404 ok",
    "targets/<id:pk>/transition/": "login 405 405 405 405 405 405 405",
    "targets/<id:pk>/adjust/": "login 405 405 405 405 405 405 405",
    "targets/<id:pk>/pdf/": "login file 404 file file 404 404 file",
    "targets/<id:pk>/xlsx/": "login file 404 file file 404 404 file",
    "monitoring/": "login ok empty ok empty empty empty empty",
    "monitoring/checkpoints/default/": "login 405 405 405 405 405 405 405",
    "monitoring/checkpoints/<id:pk>/": "login ok empty ok ok empty ok ok",
    "monitoring/checkpoints/<id:pk>/start/": "login 405 405 405 405 405 405 405",
    "monitoring/reports/<id:pk>/": "login ok 404 ok ok 404 404 ok",
    "monitoring/reports/<id:pk>/edit/": "login ok 404 ok 403 404 404 ok",
    "monitoring/reports/<id:pk>/transition/": "login 405 405 405 405 405 405 405",
    "monitoring/reports/<id:pk>/pdf/": "login file 404 file file 404 404 file",
    "monitoring/reports/<id:pk>/xlsx/": "login file 404 file file 404 404 file",
    "problems/": "login ok empty ok ok empty ok ok",
    "problems/new/": "login 403 403 403 ok empty 403 ok",
    "problems/<id:pk>/": "login ok 404 ok ok 404 ok ok",
    "deadlines/": "login ok empty ok empty empty empty empty",
    "deadlines/remind/": "login 405 405 405 405 405 405 405",
    "notifications/": "login ok empty ok ok empty empty empty",
    "notifications/read/": "login 405 405 405 405 405 405 405",
}
# fmt: on


def outcome(response, markers: tuple[str, ...]) -> str:
    code = response.status_code
    if code in (301, 302):
        location = response["Location"]
        if "login" in location:
            return "login"
        if location.rstrip("/").endswith("/admin"):
            return "gone"
        return "302"
    if code != 200:
        return str(code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if "json" in content_type:  # JsonResponse writes Chinese as \\uXXXX
        text = json.dumps(json.loads(body), ensure_ascii=False)
    elif any(kind in content_type for kind in ("html", "csv", "text")):
        text = body.decode("utf-8-sig", "replace")
    else:
        return "file"
    return "ok" if any(marker in text for marker in markers) else "empty"


def export(client: Client, url: str):
    """Post the export page's own form (every column, CSV), as a user exporting would."""
    page = client.get(url)
    if page.status_code != 200:
        return page
    html = page.content.decode()
    data = {name: "on" for name in re.findall(r'type="checkbox" name="([^"]+)"', html)}
    data |= {"format": "0", "resource": "0"}
    return client.post(url, data)


def answer(world, route, role: str) -> str:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    url = route.fill(world.values(route)) + QUERIES.get(route.route, "")
    marker = world.markers.get(route.admin_model, world.markers["reports.report"])
    if route.route.endswith("/export/"):
        return outcome(export(client, url), marker)
    return outcome(client.get(url), marker)


def test_the_table_covers_every_url_of_the_site():
    routes = {route.route for route in site_routes()}
    assert sorted(routes - set(EXPECTED)) == [], "routes missing from EXPECTED"
    assert sorted(set(EXPECTED) - routes) == [], "EXPECTED rows for routes that are gone"
    assert all(len(cells.split()) == len(ROLES) for cells in EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.pdf
def test_every_url_answers_each_role_as_the_table_says(world, users, role):
    world = build_world(users)
    column = ROLES.index(role)
    wrong = []
    for route in site_routes():
        expected = EXPECTED[route.route].split()[column]
        got = answer(world, route, role)
        if got != expected:
            wrong.append(f"{route.route}: expected {expected}, got {got}")
    assert wrong == []
