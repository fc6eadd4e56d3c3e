import Header from "@cloudscape-design/components/header";
import Link from "@cloudscape-design/components/link";
import Pagination from "@cloudscape-design/components/pagination";
import Table from "@cloudscape-design/components/table";
import { unwrap, type Case, type Schemas } from "../../api/client";
import { CaseStatusBadge } from "../../components/CaseStatusBadge";
import { formatDateTime } from "../../components/time";
import { usePagedList } from "../../components/usePagedList";
import { useApi } from "../../context";
import { hrefFor } from "../../routing";

/** A customer and their cases, newest first. */
export function CustomerCases({ customer }: { customer: Schemas["Customer"] }) {
  const api = useApi();
  const list = usePagedList<Case>(["customer-cases", customer.customerId], async (nextToken) =>
    unwrap(await api.GET("/customers/{customerId}/cases", { params: { path: { customerId: customer.customerId }, query: { limit: 10, nextToken } } })),
  );
  return (
    <Table
      header={
        <Header variant="h2" description={[customer.phone, customer.email].filter(Boolean).join(" · ")}>
          {customer.name}
        </Header>
      }
      ariaLabels={{ tableLabel: `Cases of ${customer.name}` }}
      loading={list.query.isLoading}
      loadingText="Loading cases"
      items={list.items}
      trackBy="caseId"
      pagination={<Pagination {...list.pagination} />}
      empty="No cases yet"
      columnDefinitions={[
        { id: "ref", header: "Reference", cell: (item) => <Link href={hrefFor({ page: "case", caseId: item.caseId })}>{item.referenceNumber}</Link> },
        { id: "title", header: "Title", cell: (item) => item.title, isRowHeader: true },
        { id: "status", header: "Status", cell: (item) => <CaseStatusBadge status={item.status} /> },
        { id: "created", header: "Created", cell: (item) => formatDateTime(item.createdAt) },
      ]}
    />
  );
}
