/** People of the tenant (the "People sign in" issue): who am I, and the assignee picker.
 * Until `/users` is in docs/openapi.json these two reads go through the client untyped; a runner or
 * stack without them answers 404 and the app falls back to free-text assignees. */
import { useQuery } from "@tanstack/react-query";
import { useServices } from "../context";

export interface User {
  userId: string;
  name: string;
  email: string;
  role: "agent" | "supervisor" | "admin";
  active: boolean;
}

async function getJson<T>(baseUrl: string, bearer: string | null, path: string): Promise<T | null> {
  const response = await fetch(baseUrl + path, { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
  if (!response.ok) return null;
  return (await response.json()) as T;
}

export function useMe() {
  const { config, session } = useServices();
  return useQuery({
    queryKey: ["users", "me"],
    queryFn: async () => getJson<User>(config.apiUrl, await session.bearer(), "/users/me"),
    staleTime: 5 * 60_000,
  });
}

export function useUsers() {
  const { config, session } = useServices();
  return useQuery({
    queryKey: ["users"],
    queryFn: async () => (await getJson<{ items: User[] }>(config.apiUrl, await session.bearer(), "/users"))?.items ?? [],
    staleTime: 5 * 60_000,
  });
}
