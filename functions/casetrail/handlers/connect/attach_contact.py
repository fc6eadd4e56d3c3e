"""Contact-flow function: attach contact (see README, "Amazon Connect contact flows")."""

from casetrail.handlers import init_done
from casetrail.handlers.connect.flow import contact_flow_function


@contact_flow_function
def handler(principal, contact):
    from casetrail.handlers.connect.wiring import contact_flows

    return contact_flows().attach_contact(principal, contact)


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
