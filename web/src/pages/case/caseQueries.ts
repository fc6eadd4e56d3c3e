import { queryOptions, useQuery } from "@tanstack/react-query";
import { unwrap, type Api, type Case, type Schemas } from "../../api/client";
import { useApi } from "../../context";

export const caseKey = (caseId: string) => ["case", caseId] as const;

export const caseQuery = (api: Api, caseId: string) =>
  queryOptions({
    queryKey: caseKey(caseId),
    queryFn: async () => unwrap<Case>(await api.GET("/cases/{caseId}", { params: { path: { caseId } } })),
  });

/** The case as read, with its version: every change sends it back as `If-Match`. */
export function useCase(caseId: string) {
  return useQuery(caseQuery(useApi(), caseId));
}

/** The case's template and the tenant's field definitions: labels, types and options of its fields. */
export function useTemplateFields(templateId: string | null | undefined) {
  const api = useApi();
  const template = useQuery({
    queryKey: ["template", templateId],
    enabled: Boolean(templateId),
    staleTime: 5 * 60_000,
    queryFn: async () => unwrap<Schemas["Template"]>(await api.GET("/templates/{templateId}", { params: { path: { templateId: templateId! } } })),
  });
  const fields = useQuery({
    queryKey: ["fields"],
    // Only a template's fields are shown: a case without one does not ask (nor compete with its timeline).
    enabled: Boolean(templateId),
    staleTime: 5 * 60_000,
    queryFn: async () => unwrap<{ items: Schemas["FieldDefinition"][] }>(await api.GET("/fields")).items,
  });
  const definitions = new Map((fields.data ?? []).map((field) => [field.fieldId, field]));
  return (template.data?.fields ?? []).flatMap((slot) => {
    const definition = definitions.get(slot.fieldId);
    return definition ? [{ ...definition, required: Boolean(slot.required) }] : [];
  });
}

export type TemplateFieldView = ReturnType<typeof useTemplateFields>[number];
