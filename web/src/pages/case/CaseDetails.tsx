import Container from "@cloudscape-design/components/container";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import type { Case } from "../../api/client";
import { useUsers } from "../../api/users";
import { CaseStatusBadge } from "../../components/CaseStatusBadge";
import { SlaStatus } from "../../components/SlaStatus";
import { formatDateTime } from "../../components/time";
import type { TemplateFieldView } from "./caseQueries";

export function displayValue(field: TemplateFieldView | undefined, value: unknown): string {
  if (value === null || value === undefined || value === "") return "-";
  if (field?.type === "boolean") return value ? "Yes" : "No";
  if (field?.type === "datetime") return formatDateTime(String(value));
  return String(value);
}

export function CaseDetails({ current, templateFields }: { current: Case; templateFields: TemplateFieldView[] }) {
  const users = useUsers().data ?? [];
  const assignee = users.find((user) => user.userId === current.assignee)?.name ?? current.assignee;
  const values = (current.fields ?? {}) as Record<string, unknown>;
  return (
    <Container header={<Header variant="h2">Details</Header>}>
      <KeyValuePairs
        columns={3}
        items={[
          { label: "Reference", value: current.referenceNumber },
          { label: "Status", value: <CaseStatusBadge status={current.status} /> },
          { label: "Priority", value: current.priority ?? "normal" },
          { label: "Category", value: current.category ?? "-" },
          { label: "Assignee", value: assignee ?? "Unassigned" },
          { label: "Queue", value: current.queue ?? "-" },
          { label: "Customer", value: current.customerId },
          { label: "SLA", value: <SlaStatus slas={current.slas} /> },
          { label: "Updated", value: `${formatDateTime(current.updatedAt)} (version ${current.version})` },
          ...templateFields.map((field) => ({ label: field.name, value: displayValue(field, values[field.fieldId]) })),
        ]}
      />
    </Container>
  );
}
