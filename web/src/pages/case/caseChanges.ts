/** What an edit changes, and what someone else changed meanwhile: the agent's view of a 412. */
import type { Case, Schemas } from "../../api/client";
import type { TemplateFieldView } from "./caseQueries";

export type CasePatch = Schemas["CasePatch"];
export const EDITABLE = ["title", "status", "priority", "category", "queue", "assignee"] as const;
export type Editable = (typeof EDITABLE)[number];
export const LABELS: Record<Editable, string> = {
  title: "Title",
  status: "Status",
  priority: "Priority",
  category: "Category",
  queue: "Queue",
  assignee: "Assignee",
};

export interface Draft {
  system: Record<Editable, string>;
  fields: Record<string, unknown>;
}

export function draftOf(current: Case): Draft {
  return {
    system: Object.fromEntries(EDITABLE.map((key) => [key, (current[key] as string | null | undefined) ?? ""])) as Record<Editable, string>,
    fields: { ...((current.fields ?? {}) as Record<string, unknown>) },
  };
}

/** The PATCH body for what the draft changes from `base`; empty strings clear optional fields. */
export function patchOf(base: Case, draft: Draft): CasePatch {
  const before = draftOf(base);
  const patch: Record<string, unknown> = {};
  for (const key of EDITABLE) {
    if (draft.system[key] !== before.system[key]) patch[key] = draft.system[key] === "" ? null : draft.system[key];
  }
  const fields: Record<string, unknown> = {};
  for (const [fieldId, value] of Object.entries(draft.fields)) {
    if (value !== before.fields[fieldId]) fields[fieldId] = value === "" ? null : value;
  }
  if (Object.keys(fields).length) patch.fields = fields;
  return patch as CasePatch;
}

export interface Difference {
  label: string;
  before: string;
  after: string;
}

/** Every field that differs between two versions of the case, labelled for a person. */
export function differences(before: Case, after: Case, templateFields: TemplateFieldView[]): Difference[] {
  const a = draftOf(before);
  const b = draftOf(after);
  const out: Difference[] = EDITABLE.filter((key) => a.system[key] !== b.system[key]).map((key) => ({
    label: LABELS[key],
    before: a.system[key] || "(empty)",
    after: b.system[key] || "(empty)",
  }));
  const ids = new Set([...Object.keys(a.fields), ...Object.keys(b.fields)]);
  for (const id of ids) {
    if (a.fields[id] !== b.fields[id]) {
      out.push({
        label: templateFields.find((field) => field.fieldId === id)?.name ?? id,
        before: String(a.fields[id] ?? "(empty)"),
        after: String(b.fields[id] ?? "(empty)"),
      });
    }
  }
  return out;
}
