/** The boot, kept small (the entry chunk): read the runtime configuration, restore the session,
 * start the opened route's code and data (prefetch.ts), then render once React, the app shell
 * (Root.tsx, in the workspace chunk that index.html preloads beside this one) and the opened page's
 * code are in. Imported dynamically, so this runs (and the case's requests leave) before that
 * larger chunk is parsed. */
import "@cloudscape-design/global-styles/index.css";
import { QueryClient } from "@tanstack/react-query";
import { createApi } from "./api/client";
import { Session } from "./auth/session";
import { loadConfig } from "./config";
import { prefetchRoute } from "./prefetch";
import { parseRoute } from "./routing";

const root = import("./Root");

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true, staleTime: 10_000 } },
});

loadConfig().then(async (config) => {
  const session = new Session(config);
  const api = createApi(config.apiUrl || window.location.origin, session);
  session.subscribe(() => queryClient.clear());
  const page = prefetchRoute(parseRoute(window.location.hash), session.signedIn, queryClient, api);
  const [{ render }] = await Promise.all([root, page.catch(() => undefined)]); // a failed chunk: the router retries
  render({ config, session, api }, queryClient);
});
