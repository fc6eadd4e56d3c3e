import Box from "@cloudscape-design/components/box";
import Header from "@cloudscape-design/components/header";
import Pagination from "@cloudscape-design/components/pagination";
import Table from "@cloudscape-design/components/table";
import { unwrap, type Schemas } from "../../api/client";
import { formatDateTime } from "../../components/time";
import { usePagedList } from "../../components/usePagedList";
import { useApi } from "../../context";

type AuditEntry = Schemas["AuditEntry"];

function show(value: unknown): string {
  if (value === null || value === undefined) return "(empty)";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Who changed what and when, old → new, oldest first as the API keeps it. */
export function AuditTab({ caseId }: { caseId: string }) {
  const api = useApi();
  const list = usePagedList<AuditEntry>(["audit", caseId], async (nextToken) =>
    unwrap(await api.GET("/cases/{caseId}/audit", { params: { path: { caseId }, query: { limit: 25, nextToken } } })),
  );
  return (
    <Table
      header={<Header variant="h2">Audit</Header>}
      ariaLabels={{ tableLabel: "Audit" }}
      loading={list.query.isLoading}
      loadingText="Loading audit"
      items={list.items}
      trackBy="eventId"
      wrapLines
      pagination={<Pagination {...list.pagination} />}
      empty="No changes"
      columnDefinitions={[
        { id: "at", header: "When", cell: (entry) => formatDateTime(entry.at) },
        { id: "who", header: "Who", cell: (entry) => entry.performedBy.name },
        { id: "action", header: "Action", cell: (entry) => entry.action, isRowHeader: true },
        {
          id: "changes",
          header: "Changes",
          cell: (entry) =>
            entry.changes.length === 0 ? (
              "-"
            ) : (
              <ul style={{ margin: 0, paddingLeft: 16 }}>
                {entry.changes.map((change) => (
                  <li key={change.fieldId}>
                    <Box variant="span" fontWeight="bold">
                      {change.fieldId}
                    </Box>
                    : {show(change.oldValue)} → {show(change.newValue)}
                  </li>
                ))}
              </ul>
            ),
        },
      ]}
    />
  );
}
