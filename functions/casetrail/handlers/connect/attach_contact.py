"""Contact-flow function: attach contact (see README, "Amazon Connect contact flows")."""

from casetrail.handlers.connect.flow import contact_flow_function


@contact_flow_function
def handler(principal, contact):
    from casetrail.handlers.connect.wiring import contact_flows

    return contact_flows().attach_contact(principal, contact)
