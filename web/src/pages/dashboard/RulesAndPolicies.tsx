import { useQuery } from "@tanstack/react-query";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import { unwrap, type Schemas } from "../../api/client";
import { useApi } from "../../context";
import { SlaPolicies } from "./SlaPolicies";

/** Read-only: the tenant's rules and the SLA policies its cases get. */
export function RulesAndPolicies() {
  const api = useApi();
  const rules = useQuery({
    queryKey: ["rules"],
    queryFn: async () => unwrap<{ items: Schemas["Rule"][] }>(await api.GET("/rules")).items,
  });
  return (
    <SpaceBetween size="l">
      <Table
        header={<Header variant="h2" counter={rules.data ? `(${rules.data.length})` : undefined}>Rules</Header>}
        ariaLabels={{ tableLabel: "Rules" }}
        loading={rules.isLoading}
        loadingText="Loading rules"
        items={rules.data ?? []}
        trackBy="ruleId"
        wrapLines
        empty="No rules"
        columnDefinitions={[
          { id: "name", header: "Rule", cell: (rule) => rule.name, isRowHeader: true },
          { id: "trigger", header: "When", cell: (rule) => rule.trigger },
          { id: "description", header: "Description", cell: (rule) => rule.description ?? "-" },
          { id: "actions", header: "Actions", cell: (rule) => rule.actions.map((action) => (action as { type?: string }).type ?? "").join(", ") },
          { id: "active", header: "State", cell: (rule) => <StatusIndicator type={rule.active ? "success" : "stopped"}>{rule.active ? "Active" : "Inactive"}</StatusIndicator> },
        ]}
      />
      <SlaPolicies />
    </SpaceBetween>
  );
}
