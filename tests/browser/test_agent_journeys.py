"""What an agent does in the workspace, found by role and label as a screen reader would."""

import pytest
import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import new_case, new_customer, open_case, open_workspace, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_the_agent_signs_in_sees_who_and_signs_out(signed_out):
    sign_in(signed_out, as_user="agent@example.com")
    account = signed_out.get_by_role("button", name=re.compile("^Signed in as"))
    expect(account).to_be_visible()

    account.click()
    signed_out.get_by_role("menuitem", name="Sign out").click()

    expect(signed_out.get_by_role("button", name="Sign in")).to_be_visible()


def test_the_agent_finds_a_customer_by_phone_and_opens_their_case(page, api):
    # Given a customer with a case that holds a call
    customer = new_customer(api, "Maria Lopez")
    case = new_case(api, customer["customerId"], title="Charged twice for one order")
    api.call(
        "POST",
        f"/cases/{case['caseId']}/related-items",
        {"type": "contact", "content": {"contactId": "c-phone-1", "channel": "VOICE", "direction": "INBOUND",
                                        "initiatedAt": "2026-11-30T09:00:00Z", "summary": "Customer reports a double charge",
                                        "transcript": "Customer: I was charged twice."}},
    )
    # When the agent finds the customer by phone and follows their case
    page.get_by_role("link", name="Find").click()
    page.get_by_role("button", name="Phone").click()
    page.get_by_role("searchbox", name="Phone").fill(customer["phone"])
    page.get_by_role("button", name="Find", exact=True).click()
    cases = page.get_by_role("table", name="Cases of Maria Lopez")
    expect(cases.get_by_role("link", name=case["referenceNumber"])).to_be_visible()
    screenshot(page, "find-customer")
    cases.get_by_role("link", name=case["referenceNumber"]).click()
    # Then the case opens with the call on its timeline, transcript behind a click
    expect(page.get_by_role("heading", name="Charged twice for one order", level=1)).to_be_visible()
    call = page.get_by_role("article", name=re.compile("^Contact by"))
    expect(call).to_contain_text("Customer reports a double charge")
    call.get_by_role("button", name="Transcript").click()
    expect(call).to_contain_text("I was charged twice.")


def test_the_agent_opens_a_case_by_the_reference_a_caller_reads_out(page, api):
    # Given a case with a comment on its timeline
    case = new_case(api, title="Parcel never arrived", priority="urgent")
    api.call("POST", f"/cases/{case['caseId']}/related-items", {"type": "comment", "content": {"body": "Courier contacted"}})
    # When the agent keys in its reference number
    page.get_by_role("link", name="Find").click()
    page.get_by_role("searchbox", name="Reference number").fill(case["referenceNumber"])
    page.keyboard.press("Enter")
    # Then the case page shows its fields, its SLA and the timeline, newest first
    expect(page.get_by_role("heading", name="Parcel never arrived", level=1)).to_be_visible()
    timeline = page.get_by_role("list", name="Timeline")
    expect(timeline.get_by_role("article").first).to_contain_text("Courier contacted")
    expect(page.get_by_text(re.compile(r"resolve-urgent: Active \(breaches in"))).to_be_visible()
    screenshot(page, "case")


def test_the_agent_adds_a_note_and_sees_it_on_top_of_the_timeline(page, api):
    case = new_case(api, title="Wrong size delivered")
    open_case(page, case)

    page.get_by_label("Add a comment").fill("Offered an exchange, customer agreed")
    page.get_by_role("button", name="Add comment").click()

    first = page.get_by_role("list", name="Timeline").get_by_role("article").first
    expect(first).to_contain_text("Offered an exchange, customer agreed")
    expect(first).to_contain_text("Internal")


def test_the_agent_attaches_a_file_and_can_download_it(page, api, tmp_path):
    case = new_case(api, title="Damaged item")
    open_case(page, case)
    photo = tmp_path / "damage-photo.txt"
    photo.write_text("a photo of the damage, as text")

    page.get_by_label("Attach a file").set_input_files(str(photo))

    expect(page.get_by_role("progressbar", name="Uploading damage-photo.txt")).to_be_visible()
    expect(page.get_by_role("button", name="Download damage-photo.txt")).to_be_visible()


def test_the_agent_creates_a_task_and_completes_it(page, api):
    case = new_case(api, title="Callback promised")
    open_case(page, case)
    page.get_by_role("tab", name="Tasks").click()

    page.get_by_label("Task name").fill("Call back with the refund status")
    page.get_by_label("Queue").fill("callbacks")
    page.get_by_role("button", name="Create task").click()
    tasks = page.get_by_role("table", name="Tasks of this case")
    row = tasks.get_by_role("row").filter(has_text="Call back with the refund status")
    expect(row).to_contain_text("open")
    row.get_by_role("button", name="Complete Call back with the refund status").click()

    expect(row).to_contain_text("done")
    page.get_by_role("tab", name="Timeline").click()
    expect(page.get_by_role("list", name="Timeline")).to_contain_text("completed")


def test_an_overdue_task_is_flagged_with_how_late_it_is(page, api):
    # Given a task of mine that was due two hours ago
    case = new_case(api, title="Refund overdue")
    due = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    task = api.call("POST", f"/cases/{case['caseId']}/tasks", {"name": "Confirm the refund", "queue": "refunds", "dueAt": due})
    api.call("POST", f"/tasks/{task['taskId']}/claim")
    # When the agent looks at their work
    page.reload()
    tasks = page.get_by_role("table", name="My tasks")
    # Then it is flagged overdue, with how late
    expect(tasks.get_by_role("row").filter(has_text="Confirm the refund")).to_contain_text(re.compile(r"Overdue, 2 h \d+ min late"))
    screenshot(page, "my-work")


def test_a_signed_in_agent_sees_the_unclaimed_tasks_of_their_own_queues(signed_out, api):
    # Given unclaimed tasks in two of the demo agent's queues (billing, refunds, claims) and in one not theirs
    case = new_case(api, title="Queues of mine")
    for name, queue in (("Call back about the invoice", "billing"), ("Approve the refund", "refunds"), ("Check the fraud report", "fraud")):
        api.call("POST", f"/cases/{case['caseId']}/tasks", {"name": name, "queue": queue})
    # When the agent signs in, typing no queue
    sign_in(signed_out, as_user="agent@example.com")
    queues = signed_out.get_by_role("table", name="Queue tasks")
    # Then their first queue's tasks are there to claim, and their other queues a choice away
    expect(queues.get_by_role("button", name="Claim Call back about the invoice")).to_be_visible()
    signed_out.get_by_role("button", name=re.compile("^Queue")).click()
    expect(signed_out.get_by_role("option")).to_contain_text(["billing", "refunds", "claims"])
    signed_out.get_by_role("option", name="refunds").click()
    expect(queues.get_by_role("button", name="Claim Approve the refund")).to_be_visible()
    expect(queues).not_to_contain_text("Check the fraud report")
    screenshot(signed_out, "my-queues")


def test_of_two_agents_claiming_one_task_the_second_sees_who_won(browser, api, page):
    case = new_case(api, title="Queue work")
    api.call("POST", f"/cases/{case['caseId']}/tasks", {"name": "Chase the courier", "queue": "claims"})
    other = open_workspace(browser, api)
    try:
        for agent in (page, other):
            agent.get_by_role("searchbox", name="Queue").fill("claims")
            agent.keyboard.press("Enter")
            expect(agent.get_by_role("button", name="Claim Chase the courier")).to_be_visible()

        page.get_by_role("button", name="Claim Chase the courier").click()
        expect(page.get_by_text('You claimed "Chase the courier".')).to_be_visible()
        other.get_by_role("button", name="Claim Chase the courier").click()

        expect(other.get_by_text(re.compile('"Chase the courier" was already claimed by .+'))).to_be_visible()
    finally:
        other.context.close()


def test_two_sessions_edit_the_same_case_and_the_second_sees_the_conflict(browser, api, page):
    # Given two agents with the same case open in the editor
    case = new_case(api, title="Address change", priority="normal")
    other = open_workspace(browser, api)
    try:
        for agent in (page, other):
            open_case(agent, case)
            agent.get_by_role("button", name="Edit case").click()
        # When the first raises the priority and saves, and the second then sets a category
        page.get_by_label("Priority").click()
        page.get_by_role("option", name="high").click()
        page.get_by_role("button", name="Save changes").click()
        expect(page.get_by_role("button", name="Edit case")).to_be_visible()
        other.get_by_label("Category").fill("shipping")
        other.get_by_role("button", name="Save changes").click()
        # Then the second sees what the first changed, and nothing of theirs was overwritten
        expect(other.get_by_text("Someone else changed this case while you were editing")).to_be_visible()
        expect(other.get_by_role("list", name="What they changed")).to_contain_text("Priority: normal → high")
        screenshot(other, "conflict")
        # And re-applying keeps both changes
        other.get_by_role("button", name="Re-apply my changes").click()
        expect(other.get_by_role("button", name="Edit case")).to_be_visible()
        saved = api.call("GET", f"/cases/{case['caseId']}")
        assert (saved["priority"], saved["category"]) == ("high", "shipping")
        other.get_by_role("tab", name="Audit").click()
        expect(other.get_by_role("table", name="Audit")).to_contain_text("category: (empty) → shipping")
    finally:
        other.context.close()


def test_the_case_page_fits_a_narrow_connect_side_panel(browser, api):
    case = new_case(api, title="Narrow panel")
    narrow = open_workspace(browser, api, viewport={"width": 400, "height": 800})
    try:
        open_case(narrow, case)
        expect(narrow.get_by_role("heading", name="Timeline", level=2)).to_be_visible()
        overflow = narrow.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    finally:
        narrow.context.close()


def test_the_agent_watches_a_case_and_reads_a_mention_of_her_in_bold(signed_out, api):
    # Given the agent signed in, on a case
    case = new_case(api, title="Refund not received")
    sign_in(signed_out, as_user="agent@example.com")
    open_case(signed_out, case)

    # When she watches it
    signed_out.get_by_role("button", name="Watch", exact=True).click()

    # Then she is among its watchers, and may stop
    expect(signed_out.get_by_role("button", name="Unwatch")).to_be_visible()
    watchers = api.call("GET", f"/cases/{case['caseId']}/watchers")["items"]
    assert [w["name"] for w in watchers] == ["Ana Agent"]

    # When the supervisor mentions her in a comment
    api.call("POST", f"/cases/{case['caseId']}/related-items", {"type": "comment", "content": {"body": "@agent please call the bank"}})
    signed_out.reload()

    # Then the comment shows the mention as hers
    comment = signed_out.get_by_role("list", name="Timeline").get_by_role("article").first
    expect(comment).to_contain_text("@agent please call the bank")
    expect(comment.get_by_title("Ana Agent")).to_have_text("@agent")
