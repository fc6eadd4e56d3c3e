import { useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Table from "@cloudscape-design/components/table";
import { unwrap, type Schemas } from "../../api/client";
import { describeError } from "../../components/errors";
import { formatDuration } from "../../components/time";
import { useApi } from "../../context";

type Policy = Schemas["SlaPolicy"];
type Calendar = Schemas["BusinessCalendar"];

const WEEKDAYS: [string, string][] = [["mon", "Mon"], ["tue", "Tue"], ["wed", "Wed"], ["thu", "Thu"], ["fri", "Fri"], ["sat", "Sat"], ["sun", "Sun"]];

/** Read-only: the SLA policies the tenant's cases get (deployment configuration, GET /sla-policies)
 * and the business calendar their clocks run on. */
export function SlaPolicies() {
  const api = useApi();
  const slas = useQuery({
    queryKey: ["sla-policies"],
    queryFn: async () => unwrap<Schemas["TenantSlaPolicies"]>(await api.GET("/sla-policies")),
  });
  const policies = slas.data?.policies ?? [];
  return (
    <Table
      header={
        <Header
          variant="h2"
          counter={slas.data ? `(${policies.length})` : undefined}
          description="Set in the deployment (cdk.json, casetrail:slaPolicies); targets count business time only"
        >
          SLA policies
        </Header>
      }
      ariaLabels={{ tableLabel: "SLA policies" }}
      loading={slas.isLoading}
      loadingText="Loading SLA policies"
      items={policies}
      trackBy="name"
      wrapLines
      empty={slas.isError ? describeError(slas.error) : "No SLA policies: cases get no SLA"}
      columnDefinitions={[
        { id: "name", header: "Policy", cell: (policy) => policy.name, isRowHeader: true },
        { id: "appliesTo", header: "Applies to", cell: appliesTo },
        { id: "target", header: "Target", cell: (policy) => `${formatDuration(policy.targetMinutes * 60_000)} business time` },
      ]}
      footer={slas.data && <BusinessCalendar calendar={slas.data.calendar} source={slas.data.calendarSource} />}
    />
  );
}

function appliesTo(policy: Policy): string {
  const criteria = [
    policy.priority && `priority ${policy.priority}`,
    policy.category && `category ${policy.category}`,
    policy.templateId && `template ${policy.templateId}`,
  ].filter(Boolean);
  return criteria.length ? `Cases of ${criteria.join(" and ")}` : "Every case";
}

function BusinessCalendar({ calendar, source }: { calendar: Calendar; source: "tenant" | "deployment" }) {
  const hours = calendar.hours ?? {};
  const open = WEEKDAYS.filter(([day]) => hours[day]?.length).map(
    ([day, label]) => `${label} ${hours[day].map((window) => (window.opens === "00:00" && window.closes === "24:00" ? "all day" : `${window.opens}–${window.closes}`)).join(", ")}`,
  );
  return (
    <SpaceBetween size="xs">
      <Box variant="h3">Business calendar</Box>
      <KeyValuePairs
        columns={3}
        items={[
          { label: "Time zone", value: calendar.timeZone ?? "UTC" },
          { label: "Open", value: open.length ? open.join("; ") : "-" },
          { label: "Holidays", value: calendar.holidays?.length ? calendar.holidays.join(", ") : "None" },
          { label: "Whose", value: source === "tenant" ? "This tenant's own calendar" : "The deployment's calendar" },
        ]}
      />
    </SpaceBetween>
  );
}
