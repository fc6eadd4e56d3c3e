/** Hash routes (`#/cases/123`): the app is served at `/` beside the API's own paths and inside
 * Connect's iframe, so the path must stay the server's. Four routes do not need a router library. */
import { useSyncExternalStore } from "react";

export type Route =
  | { page: "my-work" }
  | { page: "find"; query?: string }
  | { page: "case"; caseId: string }
  | { page: "dashboard" };

export function parseRoute(hash: string): Route {
  const [path, search = ""] = hash.replace(/^#/, "").split("?");
  const caseMatch = path.match(/^\/cases\/([^/]+)$/);
  if (caseMatch) return { page: "case", caseId: decodeURIComponent(caseMatch[1]) };
  if (path === "/find") return { page: "find", query: new URLSearchParams(search).get("q") ?? undefined };
  if (path === "/dashboard") return { page: "dashboard" };
  return { page: "my-work" };
}

export function hrefFor(route: Route): string {
  switch (route.page) {
    case "case":
      return `#/cases/${encodeURIComponent(route.caseId)}`;
    case "find":
      return route.query ? `#/find?q=${encodeURIComponent(route.query)}` : "#/find";
    case "dashboard":
      return "#/dashboard";
    default:
      return "#/";
  }
}

export function navigate(route: Route | string): void {
  window.location.hash = typeof route === "string" ? route : hrefFor(route);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
