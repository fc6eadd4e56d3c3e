import { useState } from "react";
import Alert from "@cloudscape-design/components/alert";
import BarChart from "@cloudscape-design/components/bar-chart";
import Box from "@cloudscape-design/components/box";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Grid from "@cloudscape-design/components/grid";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import SegmentedControl from "@cloudscape-design/components/segmented-control";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { CASE_STATUS_LABEL } from "../../components/CaseStatusBadge";
import { describeError } from "../../components/errors";
import { formatDuration } from "../../components/time";
import { useMetrics, useOpenByStatus, type GroupBy, type MetricsReport } from "./metricsQueries";
import { RulesAndPolicies } from "./RulesAndPolicies";

const RANGES = [7, 30, 90];
const DIMENSIONS: { id: Exclude<GroupBy, "day">; text: string }[] = [
  { id: "queue", text: "Queue" },
  { id: "category", text: "Category" },
  { id: "template", text: "Template" },
];

const percent = (rate: number | null | undefined) => (rate === null || rate === undefined ? "-" : `${Math.round(rate * 100)} %`);

export function DashboardPage() {
  const [days, setDays] = useState(30);
  const [dimension, setDimension] = useState<Exclude<GroupBy, "day">>("queue");
  const byDay = useMetrics(days, "day");
  const byGroup = useMetrics(days, dimension);
  const openByStatus = useOpenByStatus();

  if (byDay.isError) return <Alert type="error" header="The dashboard is for supervisors">{describeError(byDay.error)}</Alert>;
  const totals = byDay.data?.totals;

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description="Key metrics, UTC days"
          actions={
            <SegmentedControl
              label="Range"
              selectedId={String(days)}
              onChange={({ detail }) => setDays(Number(detail.selectedId))}
              options={RANGES.map((n) => ({ id: String(n), text: `${n} days` }))}
            />
          }
        >
          Dashboard
        </Header>
      }
    >
      <SpaceBetween size="l">
        <Container header={<Header variant="h2">Key metrics</Header>}>
          <KeyValuePairs
            columns={4}
            items={[
              { label: "Cases created", value: totals ? String(totals.casesCreated ?? 0) : "-" },
              { label: "Open cases", value: totals?.openCases == null ? "-" : String(totals.openCases) },
              { label: "Average resolution time", value: totals?.averageResolutionSeconds == null ? "-" : formatDuration(totals.averageResolutionSeconds * 1000) },
              { label: "Contacts per case", value: totals?.averageContactsPerCase == null ? "-" : totals.averageContactsPerCase.toFixed(1) },
              { label: "First-contact resolution", value: percent(totals?.firstContactResolutionRate) },
              { label: "SLA met rate", value: percent(totals?.slaMetRate) },
              { label: "Cases reopened", value: totals ? String(totals.casesReopened ?? 0) : "-" },
              { label: "Overdue tasks", value: totals ? String(totals.tasksOverdue ?? 0) : "-" },
            ]}
          />
        </Container>
        <Grid gridDefinition={[{ colspan: { default: 12, m: 6 } }, { colspan: { default: 12, m: 6 } }]}>
          <Container header={<Header variant="h2">Cases by day</Header>}>
            <ByDayChart report={byDay.data} loading={byDay.isLoading} />
          </Container>
          <Container
            header={
              <Header
                variant="h2"
                actions={<SegmentedControl label="Group by" selectedId={dimension} onChange={({ detail }) => setDimension(detail.selectedId as typeof dimension)} options={DIMENSIONS} />}
              >
                Cases by {dimension}
              </Header>
            }
          >
            <ByGroupChart report={byGroup.data} loading={byGroup.isLoading} dimension={dimension} />
          </Container>
        </Grid>
        <Container header={<Header variant="h2">Open cases by status</Header>}>
          <BarChart
            ariaLabel="Open cases by status"
            series={[
              {
                title: "Open cases",
                type: "bar",
                data: (openByStatus.data ?? []).map((row) => ({ x: CASE_STATUS_LABEL[row.status], y: row.count })),
              },
            ]}
            xScaleType="categorical"
            xTitle="Status"
            yTitle="Cases"
            height={180}
            hideFilter
            statusType={openByStatus.isLoading ? "loading" : openByStatus.isError ? "error" : "finished"}
            empty={<Box textAlign="center">No open cases</Box>}
          />
        </Container>
        <RulesAndPolicies />
      </SpaceBetween>
    </ContentLayout>
  );
}

function ByDayChart({ report, loading }: { report?: MetricsReport; loading: boolean }) {
  const groups = report?.groups ?? [];
  const point = (key: "casesCreated" | "casesResolved" | "tasksOverdue") => groups.map((group) => ({ x: group.key.slice(5), y: group[key] ?? 0 }));
  return (
    <BarChart
      ariaLabel="Cases created, resolved and overdue tasks by day"
      series={[
        { title: "Cases created", type: "bar", data: point("casesCreated") },
        { title: "Cases resolved", type: "bar", data: point("casesResolved") },
        { title: "Overdue tasks", type: "bar", data: point("tasksOverdue") },
      ]}
      xScaleType="categorical"
      xTitle="Day (UTC)"
      yTitle="Count"
      height={220}
      hideFilter
      statusType={loading ? "loading" : "finished"}
      empty={<Box textAlign="center">No activity in this range</Box>}
    />
  );
}

function ByGroupChart({ report, loading, dimension }: { report?: MetricsReport; loading: boolean; dimension: string }) {
  const groups = report?.groups ?? [];
  return (
    <BarChart
      ariaLabel={`Cases by ${dimension}`}
      series={[
        { title: "Cases created", type: "bar", data: groups.map((group) => ({ x: group.key, y: group.casesCreated ?? 0 })) },
        { title: "Open cases", type: "bar", data: groups.map((group) => ({ x: group.key, y: group.openCases ?? 0 })) },
      ]}
      xScaleType="categorical"
      xTitle={dimension}
      yTitle="Cases"
      height={220}
      hideFilter
      statusType={loading ? "loading" : "finished"}
      empty={<Box textAlign="center">No cases in this range</Box>}
    />
  );
}
