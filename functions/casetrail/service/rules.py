"""Rule use cases: manage a tenant's rules, test one against a sample event, apply them to events."""

import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from casetrail.domain import cases as case_domain
from casetrail.domain.cases import Case, CasePatch
from casetrail.domain.errors import CaseNotFound, InvalidRequest, RuleNotFound, VersionConflict
from casetrail.domain.events import PerformedBy
from casetrail.domain.identity import Principal, Role, require_supervising, PrincipalKind
from casetrail.domain.rules import (
    MAX_RULES_PER_TENANT,
    RULE_PRINCIPAL_PREFIX,
    TRIGGER_BY_EVENT_TYPE,
    NewRule,
    Outcome,
    Rule,
    RuleEvent,
    RulePatch,
    evaluate,
    is_rule_change,
    people_named,
)
from casetrail.domain.tasks import NewTask
from casetrail.service.cases import Clock, utc_now
from casetrail.service.tasks import TaskService
from casetrail.service.users import UserDirectory
from casetrail.service.tenant_settings_cache import TENANT_SETTINGS_SECONDS, TenantSettingsCache
from casetrail.service.write_conflicts import CONSUMER_ATTEMPTS, LOST_RACE, pause_before_retry
from casetrail.store.cases import CaseRepository
from casetrail.store.rules import RuleRepository

# A case that keeps changing under a rule gets a few fresh reads (with jittered pauses) before the
# event is reported as a batch item failure and retried by SQS.
_ATTEMPTS = CONSUMER_ATTEMPTS
# A new or edited rule sees events within this many seconds (the consumers' per-tenant cache).
RULE_CACHE_SECONDS = TENANT_SETTINGS_SECONDS


def rule_principal(rule: Rule) -> Principal:
    """Who a rule's changes are performed by, in the audit: "rule:<name>"."""
    return Principal(tenant_id=rule.tenant_id, principal_id=f"{RULE_PRINCIPAL_PREFIX}{rule.rule_id}", name=f"rule:{rule.name}", role=Role.INTEGRATION, kind=PrincipalKind.SYSTEM)


class RuleService:
    def __init__(self, rules: RuleRepository, users: UserDirectory, clock: Clock = utc_now):
        self._rules = rules
        self._users = users
        self._clock = clock

    def create(self, principal: Principal, command: NewRule) -> Rule:
        _require_writer(principal)
        self._users.require_active_users(principal, people_named(command.actions))
        if len(self._rules.list_for_tenant(principal.tenant_id)) >= MAX_RULES_PER_TENANT:
            raise InvalidRequest(f"a tenant has at most {MAX_RULES_PER_TENANT} rules")
        now = self._clock()
        rule = Rule(
            rule_id=str(uuid.uuid4()),
            tenant_id=principal.tenant_id,
            version=1,
            created_at=now,
            updated_at=now,
            created_by=principal.principal_id,
            **command.model_dump(),
        )
        self._rules.add(rule)
        return rule

    def list_rules(self, principal: Principal) -> list[Rule]:
        return self._rules.list_for_tenant(principal.tenant_id)

    def get(self, principal: Principal, rule_id: str) -> Rule:
        return self._rules.get(principal.tenant_id, rule_id)

    def update(self, principal: Principal, rule_id: str, patch: RulePatch) -> Rule:
        _require_writer(principal)
        self._users.require_active_users(principal, people_named(patch.actions))
        edited = self._rules.get(principal.tenant_id, rule_id).patched(patch, at=self._clock())
        self._rules.replace(edited)
        return edited

    def delete(self, principal: Principal, rule_id: str) -> None:
        _require_writer(principal)
        self._rules.remove(principal.tenant_id, rule_id)

    def test(self, principal: Principal, rule_id: str, sample: dict[str, Any]) -> Outcome:
        """What the rule would do with the sample event (its `case` taken as the case's state): reads
        the rule, writes nothing."""
        rule = self._rules.get(principal.tenant_id, rule_id)
        return evaluate(rule, sample, sample.get("case") or {})


def load_rules(rules: RuleRepository, tenant_id: str, commands: list[NewRule], clock: Clock = utc_now) -> list[Rule]:
    """Installs rules defined as code (config/rules.json): each is identified by its tenant and
    name, so loading again updates it in place rather than adding a copy."""
    loaded = []
    for command in commands:
        rule_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"casetrail-rule/{tenant_id}/{command.name}"))
        now = clock()
        try:
            existing = rules.get(tenant_id, rule_id)
        except RuleNotFound:
            rule = Rule(rule_id=rule_id, tenant_id=tenant_id, version=1, created_at=now, updated_at=now, created_by="load-rules", **command.model_dump())
            rules.add(rule)
        else:
            rule = existing.patched(RulePatch(**command.model_dump()), at=now)
            rules.replace(rule)
        loaded.append(rule)
    return loaded


class RuleEngine:
    """Applies a tenant's active rules to a case event: each matching rule once per event.

    Reads per event do not grow with the number of rules: the rules come from the per-tenant
    cache, and the case is read once and carried from one rule to the next (each rule's change
    is computed on the case as the previous one left it). A rule already applied to this event (a
    redelivery) is stopped by its marker's condition in the commit, not by a read before it."""

    def __init__(self, rules: RuleRepository, cases: CaseRepository, tasks: TaskService, clock: Clock = utc_now, monotonic: Callable[[], float] = time.monotonic):
        self._rules = rules
        self._cases = cases
        self._tasks = tasks
        self._clock = clock
        self._active = TenantSettingsCache(lambda tenant_id: [r for r in rules.list_for_tenant(tenant_id) if r.active], monotonic=monotonic)

    def handle(self, detail: dict[str, Any]) -> list[Outcome]:
        """The outcomes of the rules this event made act (empty for a rule's own change)."""
        trigger = TRIGGER_BY_EVENT_TYPE.get(detail.get("eventType"))
        if trigger is None or is_rule_change(detail) or not detail.get("caseId"):
            return []  # a standalone task's events have no case to act on
        fired = [rule for rule in self._active.get(detail["tenantId"]) if rule.trigger is trigger]
        if not fired:
            return []
        applied = []
        try:
            case: Case | None = self._cases.get(detail["tenantId"], detail["caseId"])
            for rule in fired:
                case, outcome = self._apply(rule, detail, case)
                if outcome is not None:
                    applied.append(outcome)
        except CaseNotFound:
            pass  # deleted since: nothing left to act on
        return applied

    def _apply(self, rule: Rule, detail: dict[str, Any], case: Case | None) -> tuple[Case | None, Outcome | None]:
        """(the case as this rule left it, or None when it must be read again; the outcome if the
        rule acted). CaseNotFound when the case was deleted meanwhile."""
        tenant_id, case_id, event_id = detail["tenantId"], detail["caseId"], detail["eventId"]
        for attempt in range(_ATTEMPTS):
            if case is None:
                case = self._cases.get(tenant_id, case_id)
            if case.merged_into:
                return case, None  # merged: read-only, its work goes on in the survivor
            outcome = evaluate(rule, detail, case.to_wire())
            if not outcome.matched:
                return case, None
            principal, now = rule_principal(rule), self._clock()
            change = case_domain.update_case(case, CasePatch(**outcome.case_changes), by=principal, at=now) if outcome.case_changes else None
            after = change.case if change is not None else case
            events = [_published_event(t, rule, detail, after.to_wire(), principal, now) for t in outcome.events]
            try:
                if not self._rules.record_application(self._cases, tenant_id=tenant_id, case_id=case_id, event_id=event_id, rule_id=rule.rule_id, change=change, events=events):
                    return None, None  # applied by an earlier delivery: the case may have moved since
            except LOST_RACE:
                # The case moved, or DynamoDB cancelled the commit for a concurrent writer: read
                # it again and re-plan on the fresh state, after a jittered pause.
                pause_before_retry(attempt)
                case = None
                continue
            # After the commit: a crash here leaves the change applied and its task not created
            # (at most once), rather than a task created twice.
            for planned in outcome.tasks:
                due = now + timedelta(minutes=planned.due_in_minutes) if planned.due_in_minutes else None
                command = NewTask(**planned.model_dump(exclude={"due_in_minutes"}), due_at=due)
                self._tasks.create(principal, command, case_id=case_id)
            return (None if outcome.tasks else after), outcome  # a linked task moves the case on
        raise VersionConflict(f"case {case_id} keeps changing; the event will be retried", details={"caseId": case_id})


def _published_event(event_type: str, rule: Rule, source: dict[str, Any], case: dict[str, Any], principal: Principal, now) -> dict[str, Any]:
    return RuleEvent(
        event_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{source['eventId']}/{rule.rule_id}/{event_type}")),
        event_type=event_type,
        approximate_change_time=now,
        tenant_id=rule.tenant_id,
        case_id=case["caseId"],
        case_version=case["version"],
        rule_id=rule.rule_id,
        rule_name=rule.name,
        triggered_by=source["eventId"],
        performed_by=PerformedBy.of(principal),
        case=case,
    ).to_wire()


def _require_writer(principal: Principal) -> None:
    require_supervising(principal, "manage rules")
