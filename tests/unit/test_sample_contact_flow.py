"""The sample contact flow in connect/: valid flow-language JSON that calls the four functions."""

import json
import re
from pathlib import Path

from casetrail.topology import CONTACT_FLOW_FUNCTIONS

FLOW = Path(__file__).resolve().parents[2] / "connect" / "casetrail_self_service_flow.json"


def _flow() -> dict:
    return json.loads(FLOW.read_text())


def test_the_flow_invokes_each_contact_flow_function_by_its_placeholder():
    invoked = {a["Parameters"]["LambdaFunctionARN"] for a in _flow()["Actions"] if a["Type"] == "InvokeLambdaFunction"}

    assert invoked == {"${%sFunctionArn}" % spec.logical_id for spec in CONTACT_FLOW_FUNCTIONS}


def test_every_transition_leads_to_an_action_of_the_flow():
    flow = _flow()
    identifiers = {a["Identifier"] for a in flow["Actions"]}
    targets = {flow["StartAction"]}
    for action in flow["Actions"]:
        transitions = action["Transitions"]
        targets |= {transitions["NextAction"]} if "NextAction" in transitions else set()
        targets |= {t["NextAction"] for t in transitions.get("Conditions", []) + transitions.get("Errors", [])}
    assert targets <= identifiers


def test_the_menu_offers_status_new_case_and_an_agent():
    (menu,) = [a for a in _flow()["Actions"] if a["Identifier"] == "menu"]
    keys = {c["Condition"]["Operands"][0] for c in menu["Transitions"]["Conditions"]}

    assert keys == {"1", "2", "0"}
    assert re.search(r"1.*status.*2.*new case.*0.*agent", menu["Parameters"]["Text"])
