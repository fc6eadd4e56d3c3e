import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import { unwrap, type Api, type RelatedItem } from "../../api/client";
import { useApi } from "../../context";

export const TIMELINE_PAGE = 20;
export const timelineKey = (caseId: string) => ["timeline", caseId] as const;

export const timelineQuery = (api: Api, caseId: string) =>
  infiniteQueryOptions({
    queryKey: timelineKey(caseId),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap<{ items: RelatedItem[]; nextToken?: string | null }>(
        await api.GET("/cases/{caseId}/timeline", { params: { path: { caseId }, query: { order: "desc", limit: TIMELINE_PAGE, nextToken: pageParam } } }),
      ),
    getNextPageParam: (last) => last.nextToken ?? undefined,
  });

/** The unified timeline, newest first, one API page at a time ("Show older" reads the next). */
export function useTimeline(caseId: string) {
  return useInfiniteQuery(timelineQuery(useApi(), caseId));
}
