import { useState } from "react";
import Header from "@cloudscape-design/components/header";
import Link from "@cloudscape-design/components/link";
import Pagination from "@cloudscape-design/components/pagination";
import Select from "@cloudscape-design/components/select";
import Table from "@cloudscape-design/components/table";
import { unwrap, type Case, type Schemas } from "../../api/client";
import { useMe } from "../../api/users";
import { CASE_STATUS_LABEL, CaseStatusBadge } from "../../components/CaseStatusBadge";
import { formatDateTime } from "../../components/time";
import { usePagedList } from "../../components/usePagedList";
import { useApi } from "../../context";
import { hrefFor } from "../../routing";

type CaseStatus = Schemas["CaseStatus"];
const OPEN_STATUSES: CaseStatus[] = ["open", "in_progress", "pending_customer"];
const STATUS_OPTIONS = [{ value: "", label: "Any open status" }, ...OPEN_STATUSES.map((value) => ({ value, label: CASE_STATUS_LABEL[value] }))];

/** My open cases, recently changed first: `assignee` + `sort=updatedAt` (+ `status`) is one of the
 * API's served combinations. Without a user profile (a key), the tenant's recently changed cases. */
export function MyCases() {
  const api = useApi();
  const me = useMe();
  const assignee = me.data?.userId;
  const [status, setStatus] = useState("");
  const list = usePagedList<Case>(["cases", "mine", assignee, status], async (nextToken) => {
    const page = unwrap<{ items: Case[]; nextToken?: string | null }>(
      await api.GET("/cases", {
        params: { query: { ...(assignee ? { assignee, ...(status ? { status: status as CaseStatus } : {}) } : {}), sort: "updatedAt", limit: 10, nextToken } },
      }),
    );
    // The served combination filters one status; "any open" leaves resolved and closed out here.
    return { ...page, items: page.items.filter((item) => OPEN_STATUSES.includes(item.status ?? "open")) };
  });
  return (
    <Table
      header={
        <Header
          variant="h2"
          description={assignee ? "Assigned to me, recently changed first" : "Recently changed cases of the tenant"}
          actions={
            assignee && (
              <Select
                ariaLabel="Case status"
                selectedOption={STATUS_OPTIONS.find((o) => o.value === status)!}
                options={STATUS_OPTIONS}
                onChange={({ detail }) => {
                  setStatus(detail.selectedOption.value ?? "");
                  list.reset();
                }}
              />
            )
          }
        >
          {assignee ? "My open cases" : "Open cases"}
        </Header>
      }
      ariaLabels={{ tableLabel: "My open cases" }}
      loading={list.query.isLoading || me.isLoading}
      loadingText="Loading cases"
      items={list.items}
      trackBy="caseId"
      pagination={<Pagination {...list.pagination} />}
      empty="No open cases"
      columnDefinitions={[
        { id: "ref", header: "Reference", cell: (item) => <Link href={hrefFor({ page: "case", caseId: item.caseId })}>{item.referenceNumber}</Link> },
        { id: "title", header: "Title", cell: (item) => item.title, isRowHeader: true },
        { id: "status", header: "Status", cell: (item) => <CaseStatusBadge status={item.status} /> },
        { id: "priority", header: "Priority", cell: (item) => item.priority },
        { id: "updated", header: "Updated", cell: (item) => formatDateTime(item.updatedAt) },
      ]}
    />
  );
}
