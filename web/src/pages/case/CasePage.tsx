import { useState } from "react";
import Alert from "@cloudscape-design/components/alert";
import Button from "@cloudscape-design/components/button";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Spinner from "@cloudscape-design/components/spinner";
import Tabs from "@cloudscape-design/components/tabs";
import { CaseStatusBadge } from "../../components/CaseStatusBadge";
import { describeError } from "../../components/errors";
import { AuditTab } from "./AuditTab";
import { CaseDetails } from "./CaseDetails";
import { CaseEditor } from "./CaseEditor";
import { useCase, useTemplateFields } from "./caseQueries";
import { TasksTab } from "./TasksTab";
import { Timeline } from "./Timeline";
import { useTimeline } from "./timelineQueries";
import { WatchButton } from "./WatchButton";

export function CasePage({ caseId }: { caseId: string }) {
  const caseQuery = useCase(caseId);
  useTimeline(caseId); // read beside the case, not after it: the first page is what the agent reads first
  const templateFields = useTemplateFields(caseQuery.data?.templateId);
  const [editing, setEditing] = useState(false);

  if (caseQuery.isLoading) return <Spinner size="large" />;
  if (caseQuery.isError || !caseQuery.data) return <Alert type="error" header="Could not open the case">{describeError(caseQuery.error)}</Alert>;
  const current = caseQuery.data;

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={`Case ${current.referenceNumber}`}
          info={<CaseStatusBadge status={current.status} />}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <WatchButton caseId={caseId} />
              {!editing && <Button onClick={() => setEditing(true)}>Edit case</Button>}
            </SpaceBetween>
          }
        >
          {current.title}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {editing ? <CaseEditor current={current} templateFields={templateFields} onDone={() => setEditing(false)} /> : <CaseDetails current={current} templateFields={templateFields} />}
        <Tabs
          ariaLabel="Case history"
          tabs={[
            { id: "timeline", label: "Timeline", content: <Timeline caseId={caseId} /> },
            { id: "tasks", label: "Tasks", content: <TasksTab caseId={caseId} /> },
            { id: "audit", label: "Audit", content: <AuditTab caseId={caseId} /> },
          ]}
        />
      </SpaceBetween>
    </ContentLayout>
  );
}
