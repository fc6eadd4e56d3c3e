"""Applying a task template to a new task: pure domain, no AWS."""

from datetime import UTC, datetime, timedelta

import pytest

from casetrail.domain.task_templates import (
    TaskTemplate,
    TaskTemplateInactive,
    TemplateFieldReadOnly,
    TemplateFieldRequired,
    TemplateFields,
    apply_template,
)
from casetrail.domain.tasks import NewTask

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _template(active: bool = True, **fields) -> TaskTemplate:
    return TaskTemplate(
        template_id="tpl-1", tenant_id="demo", name="Callback", active=active,
        fields=TemplateFields.model_validate(fields), version=1,
        created_at=NOW, updated_at=NOW, created_by="p-sue", updated_by="p-sue",
    )


def test_defaults_fill_only_what_the_request_leaves_out():
    template = _template(name={"default": "Call back"}, queue={"default": "callbacks"}, description={"default": "Ring them"})

    task = apply_template(template, NewTask(template_id="tpl-1", queue="vip"), at=NOW)

    assert (task.name, task.queue, task.description, task.template_id) == ("Call back", "vip", "Ring them", "tpl-1")


def test_due_in_becomes_a_due_time_from_now():
    template = _template(name={"default": "Call back"}, queue={"default": "q"}, dueAt={"defaultIn": "P1D"})

    assert apply_template(template, NewTask(template_id="tpl-1"), at=NOW).due_at == NOW + timedelta(days=1)


def test_a_read_only_due_time_cannot_be_sent():
    template = _template(queue={"default": "q"}, dueAt={"readOnly": True, "defaultIn": "PT1H"})

    with pytest.raises(TemplateFieldReadOnly) as refused:
        apply_template(template, NewTask(template_id="tpl-1", name="x", due_at=NOW + timedelta(hours=1)), at=NOW)
    assert refused.value.details["field"] == "dueAt"


def test_a_read_only_reference_keeps_its_default():
    fixed = {"type": "url", "value": "https://wiki.example.com/callbacks"}
    template = _template(queue={"default": "q"}, references={"howto": {"readOnly": True, "default": fixed}})

    task = apply_template(template, NewTask(template_id="tpl-1", name="x"), at=NOW)
    with pytest.raises(TemplateFieldReadOnly):
        apply_template(template, NewTask(template_id="tpl-1", name="x", references={"howto": {**fixed, "value": "https://evil.example"}}), at=NOW)
    assert task.references["howto"].value == fixed["value"]


def test_a_task_still_needs_a_name_and_an_owner():
    with pytest.raises(TemplateFieldRequired) as no_name:
        apply_template(_template(queue={"default": "q"}), NewTask(template_id="tpl-1"), at=NOW)
    with pytest.raises(TemplateFieldRequired) as no_owner:
        apply_template(_template(), NewTask(template_id="tpl-1", name="x"), at=NOW)

    assert no_name.value.details["field"] == "name" and no_owner.value.details["field"] == "assignee"


def test_an_inactive_template_is_refused():
    with pytest.raises(TaskTemplateInactive):
        apply_template(_template(active=False, queue={"default": "q"}), NewTask(template_id="tpl-1", name="x"), at=NOW)


def test_a_request_without_a_template_still_needs_a_name():
    with pytest.raises(ValueError, match="name is required"):
        NewTask(queue="q")
