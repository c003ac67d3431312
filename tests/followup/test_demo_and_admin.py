"""The demo's problems carried into 2023, and 问题整改 in the admin."""

from datetime import date

from followup.demo import REVIEW_TEXT, demo_problems_load
from followup.models import ProblemItem, ProblemUpdate
from followup.selectors import carried_problems
from tests.steps import approve


def test_the_demo_carries_the_2022_problems_into_2023_with_their_status(demo, users):
    items = demo_problems_load(report=demo.report, reviewer=users["reviewer"])
    assert [(item.get_source_display(), item.get_status_display()) for item in items] == [
        ("本部门自评", "整改中"),
        ("本部门自评", "未整改"),
        ("审核意见", "未整改"),
    ]
    assert {item.due_date for item in items} == {date(2023, 6, 30)}
    assert items[2].text == REVIEW_TEXT
    assert "示例数据" in items[2].measure
    update = ProblemUpdate.objects.get()
    assert (update.from_status, update.to_status) == ("open", "in_progress")
    assert "示例数据" in update.note
    carried = carried_problems(
        department_id=demo.report.department_id, year=2023, today=date(2023, 7, 1)
    )
    assert [(item.get_status_display(), item.overdue) for item in carried] == [
        ("整改中", True),
        ("未整改", True),
        ("未整改", True),
    ]


def test_loading_the_demo_problems_again_changes_nothing(demo, users):
    demo_problems_load(report=demo.report, reviewer=users["reviewer"])
    before = list(ProblemItem.objects.values().order_by("pk"))
    demo_problems_load(report=demo.report, reviewer=users["reviewer"])
    assert list(ProblemItem.objects.values().order_by("pk")) == before
    assert ProblemUpdate.objects.count() == 1
    approve(demo.report, users)
    assert ProblemItem.objects.count() == 3


def test_the_admin_lists_items_and_their_record(demo, users, client_for):
    demo_problems_load(report=demo.report, reviewer=users["reviewer"])
    client = client_for("admin")
    listing = client.get("/admin/followup/problemitem/?overdue=yes")
    assert listing.status_code == 200
    assert "部分项目支出绩效目标设置不够细化" in listing.content.decode()
    item = ProblemItem.objects.get(text=REVIEW_TEXT)
    assert client.get(f"/admin/followup/problemitem/{item.pk}/change/").status_code == 200
    assert client.get("/admin/followup/problemupdate/").status_code == 200
    update = ProblemUpdate.objects.get()
    page = client.get(f"/admin/followup/problemupdate/{update.pk}/change/")
    assert page.status_code == 200
    assert 'name="note"' not in page.content.decode()


def test_an_item_added_in_the_admin_is_open_and_registered_by_its_author(demo, client_for):
    client = client_for("admin")
    response = client.post(
        "/admin/followup/problemitem/add/",
        {
            "department": demo.report.department_id,
            "year": "2022",
            "source": "inspection",
            "text": "财政检查发现的问题",
            "measure": "",
            "owner": "",
            "due_date": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = ProblemItem.objects.get()
    assert (item.status, item.created_by.username) == ("open", "admin")
