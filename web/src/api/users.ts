/** People of the tenant: who am I, and the assignee picker. An API key is no person: `/users/me`
 * answers 404 for it, and the app then shows principal ids and free-text assignees. */
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Api, Schemas } from "./client";
import { useServices } from "../context";

export type User = Schemas["User"];

export const meQuery = (api: Api) =>
  queryOptions({
    queryKey: ["users", "me"],
    queryFn: async (): Promise<User | null> => (await api.GET("/users/me")).data ?? null,
    staleTime: 5 * 60_000,
  });

export function useMe() {
  const { api } = useServices();
  return useQuery(meQuery(api));
}

export function useUsers() {
  const { api } = useServices();
  return useQuery({
    queryKey: ["users"],
    queryFn: async (): Promise<User[]> => (await api.GET("/users", { params: { query: { limit: 100 } } })).data?.items ?? [],
    staleTime: 5 * 60_000,
  });
}
