"""The working-calendar page (/system/calendar/): an administrator in December sees that next year
is missing on "我的工作" and on the page, and imports it; a bad file changes nothing (issue 6 item 2)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aftersales.core.calendar.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

NEXT = timezone.localdate().year + 1


def test_december_admin_sees_missing_year_then_imports_it(admin_user, client):
    client.force_login(admin_user)
    home = client.get(reverse("core:home")).content.decode()
    if timezone.localdate().month == 12:
        assert f"{NEXT} 年工作日历缺失" in home
    page = client.get(reverse("core:calendar_list")).content.decode()
    assert "head-office" in page and "roadside" in page
    upload = SimpleUploadedFile("2027.csv", f"date,kind,name\n{NEXT}-01-01,holiday,元旦\n{NEXT}-02-06,makeup,春节\n"
                                .encode())
    response = client.post(reverse("core:calendar_list"), {"file": upload})
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=NEXT).exists()
    assert CalendarDay.objects.filter(date__year=NEXT).count() == 2
    home = client.get(reverse("core:home")).content.decode()
    assert f"{NEXT} 年工作日历缺失" not in home


def test_bad_lines_are_listed_in_chinese_and_nothing_changes(admin_user, client):
    client.force_login(admin_user)
    before = CalendarDay.objects.count()
    response = client.post(reverse("core:calendar_list"),
                           {"text": f"{NEXT}-01-01,holiday,元旦\n{NEXT}-01-02,vacation,元旦\n{NEXT}-01-01,makeup,\n"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "第 2 行" in html and "未知类型" in html and "第 3 行" in html and "重复出现" in html
    assert CalendarDay.objects.count() == before and not CalendarYear.objects.filter(year=NEXT).exists()


def test_page_is_for_administrators_only(client, django_user_model):
    user = django_user_model.objects.create_user("plain", password="x")
    client.force_login(user)
    assert client.get(reverse("core:calendar_list")).status_code == 403
