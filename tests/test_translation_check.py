"""Every label a page is built from reads in Chinese (issue 8 item 1, R-SYS-5).

The walk itself is ``aftersales.core.translation_check``; these tests pin that it finds the kinds
of mistake the issue reported, and that the code base has none of them.
"""

import django_filters
import pytest
from django import forms
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aftersales.core import translation_check
from aftersales.core.filtersets import StyledFilterSet
from aftersales.customers.forms import DocumentForm
from aftersales.customers.models import CustomerDocument
from aftersales.notifications.filtersets import SmsTemplateFilterSet


def test_the_code_base_has_no_label_that_reads_english_in_chinese():
    assert [str(p) for p in translation_check.problems()] == []


def test_an_unlabelled_or_untranslated_form_field_is_found():
    class Sample(forms.Form):
        customer = forms.CharField()  # label derived from the name: "Customer"
        plate = forms.CharField(label="Plate number")  # a plain string, never translated
        phone = forms.CharField(label=_("Mobile"), widget=forms.TextInput(attrs={"placeholder": "e.g. mobile"}))

    found = [str(p) for name, field in Sample.base_fields.items()
             for p in translation_check._field_problems(name, field, "Sample", filter_form=False)]
    assert found == ["Sample.customer label: 'Customer'", "Sample.plate label: 'Plate number'",
                     "Sample.phone placeholder: 'e.g. mobile'"]


def test_dash_and_unknown_empty_choices_in_filters_are_found():
    class Plain(django_filters.FilterSet):  # django-filter's defaults, not our StyledFilterSet
        unread = django_filters.BooleanFilter(label=_("Mobile"))
        kind = django_filters.ChoiceFilter(choices=[("a", _("Mobile"))], empty_label="---------")

        class Meta:
            model = CustomerDocument
            fields = []

    with translation.override("zh-hans"):
        form = Plain(queryset=CustomerDocument.objects.none()).form
    found = {str(p) for name, field in form.fields.items()
             for p in translation_check._field_problems(name, field, "Plain", filter_form=True)}
    assert found == {"Plain.unread empty choice: '未知'", "Plain.kind choice '': '---------'"}


def test_a_choice_label_without_gettext_is_found():
    found = list(translation_check._choices([("battery", "battery"), ("motor", _("Mobile"))], "Part.kind"))
    assert [str(p) for p in found] == ["Part.kind choice 'battery': 'battery'"]


def test_words_that_stay_latin_are_allowed():
    assert translation_check.latin_words("导出 CSV / Excel，车架号 VIN，里程 12,300 km，客户 C2026-000123") == []
    assert translation_check.latin_words("SUCCESSFUL 任务") == ["SUCCESSFUL"]


def test_every_yes_no_filter_starts_at_all():
    # A boolean filter generated from a model field (no widget of its own) reads 全部 / 是 / 否.
    with translation.override("zh-hans"):
        form = SmsTemplateFilterSet(queryset=SmsTemplateFilterSet._meta.model.objects.none()).form
        labels = [str(label) for _value, label in form.fields["is_active"].widget.choices]
    assert labels == ["全部", "是", "否"]


def test_filters_that_are_not_set_read_all():
    class Kinds(StyledFilterSet):
        kind = django_filters.ChoiceFilter(choices=[("a", _("Mobile"))])

        class Meta:
            model = CustomerDocument
            fields = []

    with translation.override("zh-hans"):
        form = Kinds(queryset=CustomerDocument.objects.none()).form
        assert str(list(form.fields["kind"].choices)[0][1]) == "全部"


@pytest.mark.parametrize(("field", "chinese"), [("customer", "客户"), ("vehicle", "车辆")])
def test_document_form_names_its_fields_in_chinese(field, chinese):
    with translation.override("zh-hans"):
        assert str(DocumentForm.base_fields[field].label) == chinese
        assert str(DocumentForm.base_fields[field].empty_label) == "请选择"


def test_one_english_word_with_two_meanings_gets_its_own_words():
    from aftersales.core.validators import PlateKind
    from aftersales.customers.choices import CustomerSource

    with translation.override("zh-hans"):
        assert str(PlateKind.OTHER.label) == "其他号牌"
        assert str(CustomerSource.OTHER.label) == "其他"
        # Django 6.1's blank option is newer than Django's own Chinese catalogue.
        assert str(BLANK_CHOICE_LABEL) == "请选择"


def test_a_derived_filter_label_follows_the_request_language():
    from aftersales.notifications.filtersets import NotificationFilterSet

    # An English request (e.g. the API schema) touches the class's filters first ...
    with translation.override("en"):
        assert str(NotificationFilterSet.base_filters["level"].label) == "Level"
    # ... and a Chinese page still reads Chinese.
    with translation.override("zh-hans"):
        form = NotificationFilterSet(queryset=NotificationFilterSet._meta.model.objects.none()).form
        assert str(form.fields["level"].label) != "Level"


@pytest.mark.django_db
def test_jobs_page_and_access_log_read_chinese(client, world):
    from django.contrib.contenttypes.models import ContentType
    from django_tasks_db.models import DBTaskResult

    from aftersales.core.models import PersonalDataAccess
    from aftersales.customers import services

    admin = world.user("admin")
    DBTaskResult.objects.create(status="SUCCESSFUL", args_kwargs={"args": [], "kwargs": {}}, task_path="x.y",
                                queue_name="default", backend_name="default", priority=0)
    customer = services.customer_create(actor=admin, data={"name": "王建华", "owning_dealer": world.dealer_a},
                                        phones=["13812345678"])
    PersonalDataAccess.objects.create(actor=admin, action=PersonalDataAccess.Action.VIEW, object_repr="x",
                                      fields=["phones", "resident_id"], customer_id=customer.pk,
                                      content_type=ContentType.objects.get_for_model(customer), object_id=customer.pk)
    client.force_login(admin)
    html = client.get("/system/jobs/").content.decode()
    assert "已成功" in html and "SUCCESSFUL</span>" not in html and ">SUCCESSFUL<" not in html
    html = client.get("/system/access-log/").content.decode()
    assert "<td>客户电话、身份证号</td>" in html
    assert "系统管理员" in html or admin.get_full_name() in html


@pytest.mark.django_db
def test_the_360_page_names_phones_and_addresses_in_chinese_and_lists_them_as_text(client, world):
    from aftersales.customers import services

    admin = world.user("admin")
    customer = services.customer_create(
        actor=admin, data={"name": "王建华", "owning_dealer": world.dealer_a}, phones=["13812345678"],
        addresses=[{"province": "北京市", "city": "北京市", "district": "朝阳区", "detail": "建国路 88 号"}])
    client.force_login(world.user("agent"))
    html = client.get(f"/customers/customers/{customer.pk}/").content.decode()
    assert ">phones<" not in html and ">addresses<" not in html
    assert "[&#x27;" not in html and "['" not in html  # never a Python list


@pytest.mark.django_db
def test_jobs_page_names_each_job_in_words_not_code_paths(client, world):
    """Issue 8 item 1: the jobs page says 发送到期消息, not aftersales.notifications.tasks.…; a
    failed job says what went wrong in Chinese."""
    from django_tasks_db.models import DBTaskResult

    def job(path, status="SUCCESSFUL", error=""):
        DBTaskResult.objects.create(status=status, args_kwargs={"args": [], "kwargs": {}}, task_path=path,
                                    queue_name="default", backend_name="default", priority=0,
                                    exception_class_path=error)

    job("aftersales.notifications.tasks.deliver_due_messages")
    job("aftersales.core.imports.tasks.apply_import", "FAILED", "django.db.utils.OperationalError")
    job("aftersales.core.tasks.heartbeat", "FAILED", "builtins.ValueError")
    client.force_login(world.user("admin"))
    html = client.get("/system/jobs/").content.decode()
    assert "发送到期消息" in html and "执行导入" in html and "后台任务心跳" in html
    assert "aftersales.notifications.tasks" not in html and "aftersales.core.tasks" not in html
    assert "数据库故障" in html and "任务运行出错" in html


def test_every_background_task_has_a_name_for_the_jobs_page():
    """A new ``@task`` without a label would show as 其他后台任务: declare it beside the app's
    periodic jobs with ``register_job_labels``."""
    import importlib
    import pkgutil

    from django.tasks import Task

    import aftersales
    from aftersales.core.registry import job_labels

    tasks = set()
    for info in pkgutil.walk_packages(aftersales.__path__, "aftersales."):
        if ".tests" in info.name or ".migrations" in info.name or info.name.endswith((".wsgi", ".asgi", "__main__")):
            continue
        module = importlib.import_module(info.name)
        tasks |= {obj.module_path for obj in vars(module).values() if isinstance(obj, Task)
                  and obj.module_path.startswith(info.name + ".")}
    assert len(tasks) >= 9
    assert sorted(tasks - set(job_labels())) == []
