/** Render as you fetch: at boot, before React and Cloudscape are even parsed, start what the opened
 * route shows first: its page's code and, for a case, the case and its timeline's first page. The
 * API's round trips then overlap the download and parsing of the JavaScript instead of following
 * it; the page finds the answers in the query cache under the keys it reads them by. */
import type { QueryClient } from "@tanstack/react-query";
import type { Api } from "./api/client";
import { meQuery } from "./api/users";
import { caseQuery } from "./pages/case/caseQueries";
import { timelineQuery } from "./pages/case/timelineQueries";
import { pages } from "./pages/loaders";
import type { Route } from "./routing";

/** Starts the route's data; resolves when its page's code is in (render then, not before: a page
 * still loading would show a fallback, and React holds back revealing what replaces it). */
export function prefetchRoute(route: Route, signedIn: boolean, queryClient: QueryClient, api: Api): Promise<unknown> {
  if (signedIn && route.page === "case") {
    void queryClient.prefetchQuery(caseQuery(api, route.caseId));
    void queryClient.prefetchInfiniteQuery(timelineQuery(api, route.caseId));
  }
  // Who is signed in, which the header (and a case's comments: which are mine) shows on every page:
  // answered with the rest, rather than asked at the first render and rendered again on its own.
  if (signedIn) void queryClient.prefetchQuery(meQuery(api));
  return pages[signedIn ? route.page : "sign-in"].preload();
}
