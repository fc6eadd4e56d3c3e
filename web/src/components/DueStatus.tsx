import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { timeLeft } from "./time";
import { useNow } from "./useNow";

/** A task's due time as an agent needs it: overdue (flagged by the sweeper or past due) or time left. */
export function DueStatus({ dueAt, overdueAt, done }: { dueAt?: string | null; overdueAt?: string | null; done?: boolean }) {
  const now = useNow();
  if (!dueAt) return <>No due date</>;
  const left = timeLeft(dueAt, now);
  if (done) return <StatusIndicator type="success">Done</StatusIndicator>;
  if (overdueAt || left.late) return <StatusIndicator type="error">Overdue, {left.text}</StatusIndicator>;
  return <StatusIndicator type={new Date(dueAt).getTime() - now < 3_600_000 ? "warning" : "pending"}>Due {left.text}</StatusIndicator>;
}
