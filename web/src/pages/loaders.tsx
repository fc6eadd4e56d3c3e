/** The pages, each imported on first use: the dashboard (with its charts) is a chunk of its own that
 * an agent opening a case never downloads; the other pages share the workspace chunk with the app
 * shell (vite.config.ts: a few larger chunks load faster than one per page), which index.html
 * preloads. The boot starts the opened page early (prefetch.ts); the router (App.tsx) renders pages
 * from here. */
import { lazy, type ComponentType } from "react";

/** A page loaded on first use, or before with `preload()`. Once loaded it renders at once: React
 * throttles revealing a suspended boundary (about 300 ms), which a chunk already in would only pay
 * for nothing. */
function page<P extends object>(load: () => Promise<ComponentType<P>>) {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const preload = () => (loading ??= load().then((component) => (loaded = component)));
  const Lazy = lazy(() => preload().then((component) => ({ default: component })));
  function Page(props: P) {
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Lazy {...props} />;
  }
  return Object.assign(Page, { preload });
}

export const pages = {
  "my-work": page(() => import("./my-work/MyWorkPage").then((m) => m.MyWorkPage)),
  find: page(() => import("./find/FindPage").then((m) => m.FindPage)),
  case: page(() => import("./case/CasePage").then((m) => m.CasePage)),
  dashboard: page(() => import("./dashboard/DashboardPage").then((m) => m.DashboardPage)),
  "sign-in": page(() => import("./sign-in/SignInPage").then((m) => m.SignInPage)),
};
