import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Button from "@cloudscape-design/components/button";
import { unwrap, type Schemas } from "../../api/client";
import { useMe } from "../../api/users";
import { useApi } from "../../context";

const watchersKey = (caseId: string) => ["case", caseId, "watchers"] as const;

/** Watch or stop watching the case: a watcher is emailed about changes others make. Shown to a
 * signed-in person (an API key has no address to be told at). */
export function WatchButton({ caseId }: { caseId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const me = useMe().data;
  const watchers = useQuery({
    queryKey: watchersKey(caseId),
    enabled: me != null,
    queryFn: async () => unwrap<Schemas["Watchers"]>(await api.GET("/cases/{caseId}/watchers", { params: { path: { caseId } } })).items,
  });
  const watching = (watchers.data ?? []).some((watcher) => watcher.principalId === me?.userId);
  const toggle = useMutation({
    mutationFn: async () => {
      const path = { params: { path: { caseId } } };
      if (watching) unwrap(await api.DELETE("/cases/{caseId}/watchers/me", path));
      else unwrap(await api.PUT("/cases/{caseId}/watchers/me", path));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: watchersKey(caseId) }),
  });
  if (me == null || !watchers.isSuccess) return null;
  return (
    <Button iconName={watching ? "notification" : "add-plus"} loading={toggle.isPending} onClick={() => toggle.mutate()}>
      {watching ? "Unwatch" : "Watch"}
    </Button>
  );
}
