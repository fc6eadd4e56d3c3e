import Badge from "@cloudscape-design/components/badge";
import type { Case } from "../api/client";

const COLOR = { open: "blue", in_progress: "blue", pending_customer: "grey", resolved: "green", closed: "grey" } as const;

export const CASE_STATUS_LABEL: Record<NonNullable<Case["status"]>, string> = {
  open: "Open",
  in_progress: "In progress",
  pending_customer: "Pending customer",
  resolved: "Resolved",
  closed: "Closed",
};

export function CaseStatusBadge({ status }: { status: Case["status"] }) {
  const value = status ?? "open";
  return <Badge color={COLOR[value]}>{CASE_STATUS_LABEL[value]}</Badge>;
}
