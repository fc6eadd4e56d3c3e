import { useState } from "react";
import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";

export interface Page<T> {
  items: T[];
  nextToken?: string | null;
}

/** A list the API pages with `nextToken`, shown one page at a time with Cloudscape's open-ended
 * Pagination: pages already read are kept, the next one is read when the agent asks for it. */
export function usePagedList<T>(queryKey: QueryKey, fetchPage: (nextToken?: string) => Promise<Page<T>>) {
  const [pageIndex, setPageIndex] = useState(0);
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextToken ?? undefined,
  });
  const pages = query.data?.pages ?? [];
  const index = Math.min(pageIndex, Math.max(0, pages.length - 1));
  return {
    query,
    items: pages[index]?.items ?? [],
    pagination: {
      currentPageIndex: index + 1,
      pagesCount: Math.max(1, pages.length),
      openEnd: query.hasNextPage,
      onChange: ({ detail }: { detail: { currentPageIndex: number } }) => setPageIndex(detail.currentPageIndex - 1),
      onNextPageClick: ({ detail }: { detail: { requestedPageAvailable: boolean; requestedPageIndex: number } }) => {
        if (!detail.requestedPageAvailable) void query.fetchNextPage();
        setPageIndex(detail.requestedPageIndex - 1);
      },
      ariaLabels: { nextPageLabel: "Next page", previousPageLabel: "Previous page", pageLabel: (n: number) => `Page ${n}` },
    },
    reset: () => setPageIndex(0),
  };
}
