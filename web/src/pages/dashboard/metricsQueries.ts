import { useQuery } from "@tanstack/react-query";
import { unwrap, type Case, type Schemas } from "../../api/client";
import { useApi } from "../../context";

export type MetricsReport = Schemas["MetricsReport"];
export type GroupBy = Schemas["GroupBy"];
const REFRESH_MS = 10_000; // the aggregates follow the event stream: a dashboard left open keeps up

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function rangeOf(days: number): { from: string; to: string } {
  const to = new Date();
  return { from: utcDay(new Date(to.getTime() - (days - 1) * 86_400_000)), to: utcDay(to) };
}

export function useMetrics(days: number, groupBy: GroupBy) {
  const api = useApi();
  return useQuery({
    queryKey: ["metrics", days, groupBy],
    refetchInterval: REFRESH_MS,
    queryFn: async () => unwrap<MetricsReport>(await api.GET("/metrics", { params: { query: { ...rangeOf(days), groupBy } } })),
  });
}

const OPEN_STATUSES: Schemas["CaseStatus"][] = ["open", "in_progress", "pending_customer"];
const COUNT_PAGES = 5; // counts up to 500 per status; more shows as "500+"

/** Open cases per status, counted by paging `GET /cases?status=` (served by the search index; there is no count endpoint). */
export function useOpenByStatus() {
  const api = useApi();
  return useQuery({
    queryKey: ["cases", "open-by-status"],
    refetchInterval: REFRESH_MS,
    queryFn: async () =>
      Promise.all(
        OPEN_STATUSES.map(async (status) => {
          let count = 0;
          let nextToken: string | undefined;
          for (let page = 0; page < COUNT_PAGES; page++) {
            const answer = unwrap<{ items: Case[]; nextToken?: string | null }>(await api.GET("/cases", { params: { query: { status, limit: 100, nextToken } } }));
            count += answer.items.length;
            nextToken = answer.nextToken ?? undefined;
            if (!nextToken) break;
          }
          return { status, count, more: Boolean(nextToken) };
        }),
      ),
  });
}
