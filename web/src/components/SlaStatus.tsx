import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import type { Case } from "../api/client";
import { timeLeft } from "./time";
import { useNow } from "./useNow";

const STATUS_TYPE = { Active: "in-progress", Overdue: "error", Met: "success", NotMet: "warning" } as const;

/** Each SLA of a case with its countdown to the target (paused while the case waits on the customer). */
export function SlaStatus({ slas }: { slas: Case["slas"] }) {
  const now = useNow(15_000);
  if (!slas || slas.length === 0) return <>No SLA</>;
  return (
    <SpaceBetween size="xxs">
      {slas.map((sla) => {
        const status = sla.status ?? "Active";
        const left = sla.targetTime ? timeLeft(sla.targetTime, now) : null;
        const detail = status === "Active" ? (left ? (left.late ? `breaching, ${left.text}` : `breaches ${left.text}`) : "paused") : status === "Overdue" && left ? left.text : "";
        return (
          <StatusIndicator key={sla.name} type={STATUS_TYPE[status]}>
            {sla.name}: {status}
            {detail && ` (${detail})`}
          </StatusIndicator>
        );
      })}
    </SpaceBetween>
  );
}
