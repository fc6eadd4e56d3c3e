import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Checkbox from "@cloudscape-design/components/checkbox";
import ColumnLayout from "@cloudscape-design/components/column-layout";
import Container from "@cloudscape-design/components/container";
import Flashbar from "@cloudscape-design/components/flashbar";
import Form from "@cloudscape-design/components/form";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import Select from "@cloudscape-design/components/select";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { ApiError, ifMatch, unwrap, type Case } from "../../api/client";
import { CASE_STATUS_LABEL } from "../../components/CaseStatusBadge";
import { describeError } from "../../components/errors";
import { UserPicker } from "../../components/UserPicker";
import { useApi } from "../../context";
import { caseKey, type TemplateFieldView } from "./caseQueries";
import { differences, draftOf, patchOf, type Difference, type Draft, type Editable } from "./caseChanges";

const PRIORITIES = ["low", "normal", "high", "urgent"].map((value) => ({ value, label: value }));
const STATUSES = Object.entries(CASE_STATUS_LABEL).map(([value, label]) => ({ value, label }));

interface Conflict {
  latest: Case;
  theirs: Difference[];
}

/** Edits the case against the version read. If someone changed it first (412), the agent sees
 * what they changed and chooses to re-apply their own changes on top or to drop them. */
export function CaseEditor({ current, templateFields, onDone }: { current: Case; templateFields: TemplateFieldView[]; onDone: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [base] = useState(current); // what the agent read: their changes are measured from it
  const [draft, setDraft] = useState<Draft>(() => draftOf(current));
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const setSystem = (key: Editable, value: string) => setDraft((d) => ({ ...d, system: { ...d.system, [key]: value } }));
  const setField = (fieldId: string, value: unknown) => setDraft((d) => ({ ...d, fields: { ...d.fields, [fieldId]: value } }));

  async function save(against: Case) {
    setSaving(true);
    setError(null);
    try {
      const body = patchOf(base, draft);
      const saved = unwrap<Case>(
        await api.PATCH("/cases/{caseId}", { params: { path: { caseId: against.caseId }, header: { "if-match": ifMatch(against.version) } }, body }),
      );
      queryClient.setQueryData(caseKey(saved.caseId), saved);
      void queryClient.invalidateQueries({ queryKey: ["timeline", saved.caseId] });
      void queryClient.invalidateQueries({ queryKey: ["audit", saved.caseId] });
      onDone();
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 412) {
        const latest = unwrap<Case>(await api.GET("/cases/{caseId}", { params: { path: { caseId: against.caseId } } }));
        queryClient.setQueryData(caseKey(latest.caseId), latest);
        const theirs = differences(against, latest, templateFields);
        if (theirs.length === 0 && against === base) {
          // Only the timeline moved on (a note, a file): no field of theirs can be overwritten.
          setSaving(false);
          return save(latest);
        }
        setConflict({ latest, theirs });
      } else {
        setError(describeError(failure));
      }
    } finally {
      setSaving(false);
    }
  }

  function reapply() {
    if (!conflict) return;
    const latest = conflict.latest;
    setConflict(null);
    void save(latest);
  }

  return (
    <Container header={<Header variant="h2">Edit case</Header>}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save(conflict?.latest ?? base);
        }}
      >
        <Form
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button formAction="none" variant="link" onClick={onDone}>
                Cancel
              </Button>
              {!conflict && (
                <Button variant="primary" loading={saving} formAction="submit">
                  Save changes
                </Button>
              )}
            </SpaceBetween>
          }
        >
          <SpaceBetween size="m">
            {conflict && (
              <Flashbar
                items={[
                  {
                    type: "warning",
                    header: "Someone else changed this case while you were editing",
                    content: (
                      <SpaceBetween size="xs">
                        <Box variant="p">
                          {conflict.latest.updatedBy} saved version {conflict.latest.version}. Your changes are not saved yet.
                        </Box>
                        {conflict.theirs.length > 0 && (
                          <ul aria-label="What they changed">
                            {conflict.theirs.map((d) => (
                              <li key={d.label}>
                                {d.label}: {d.before} → {d.after}
                              </li>
                            ))}
                          </ul>
                        )}
                      </SpaceBetween>
                    ),
                    action: (
                      <SpaceBetween direction="horizontal" size="xs">
                        <Button onClick={reapply}>Re-apply my changes</Button>
                        <Button onClick={onDone}>Discard my changes</Button>
                      </SpaceBetween>
                    ),
                  },
                ]}
              />
            )}
            {error && <Flashbar items={[{ type: "error", content: error, dismissible: true, onDismiss: () => setError(null) }]} />}
            <ColumnLayout columns={2}>
              <FormField label="Title">
                <Input value={draft.system.title} onChange={({ detail }) => setSystem("title", detail.value)} />
              </FormField>
              <FormField label="Status">
                <Select selectedOption={STATUSES.find((o) => o.value === draft.system.status) ?? null} options={STATUSES} onChange={({ detail }) => setSystem("status", detail.selectedOption.value!)} />
              </FormField>
              <FormField label="Priority">
                <Select selectedOption={PRIORITIES.find((o) => o.value === draft.system.priority) ?? null} options={PRIORITIES} onChange={({ detail }) => setSystem("priority", detail.selectedOption.value!)} />
              </FormField>
              <FormField label="Category">
                <Input value={draft.system.category} onChange={({ detail }) => setSystem("category", detail.value)} />
              </FormField>
              <FormField label="Queue">
                <Input value={draft.system.queue} onChange={({ detail }) => setSystem("queue", detail.value)} />
              </FormField>
              <FormField label="Assignee">
                <UserPicker ariaLabel="Assignee" value={draft.system.assignee} onChange={(value) => setSystem("assignee", value)} />
              </FormField>
              {templateFields.map((field) => (
                <TemplateFieldInput key={field.fieldId} field={field} value={draft.fields[field.fieldId]} onChange={(value) => setField(field.fieldId, value)} />
              ))}
            </ColumnLayout>
          </SpaceBetween>
        </Form>
      </form>
    </Container>
  );
}

/** One template field, with the input its type calls for. */
function TemplateFieldInput({ field, value, onChange }: { field: TemplateFieldView; value: unknown; onChange: (value: unknown) => void }) {
  const label = field.required ? field.name : `${field.name} (optional)`;
  switch (field.type) {
    case "boolean":
      return (
        <FormField label={field.name} description={field.description ?? undefined}>
          <Checkbox checked={Boolean(value)} onChange={({ detail }) => onChange(detail.checked)}>
            {field.name}
          </Checkbox>
        </FormField>
      );
    case "singleSelect": {
      const options = [...(field.required ? [] : [{ value: "", label: "(none)" }]), ...(field.options ?? []).map((option) => ({ value: option, label: option }))];
      return (
        <FormField label={label} description={field.description ?? undefined}>
          <Select selectedOption={options.find((o) => o.value === (value ?? "")) ?? null} options={options} onChange={({ detail }) => onChange(detail.selectedOption.value)} />
        </FormField>
      );
    }
    case "number":
      return (
        <FormField label={label} description={field.description ?? undefined}>
          <Input type="number" value={value === undefined || value === null ? "" : String(value)} onChange={({ detail }) => onChange(detail.value === "" ? "" : Number(detail.value))} />
        </FormField>
      );
    case "user":
      return (
        <FormField label={label} description={field.description ?? undefined}>
          <UserPicker ariaLabel={field.name} value={String(value ?? "")} onChange={onChange} />
        </FormField>
      );
    default:
      return (
        <FormField label={label} description={field.type === "datetime" ? "ISO 8601 with a zone, e.g. 2027-01-31T09:00:00Z" : (field.description ?? undefined)}>
          <Input type={field.type === "url" ? "url" : "text"} value={String(value ?? "")} onChange={({ detail }) => onChange(detail.value)} />
        </FormField>
      );
  }
}
