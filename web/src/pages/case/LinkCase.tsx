import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import Button from "@cloudscape-design/components/button";
import FormField from "@cloudscape-design/components/form-field";
import Input from "@cloudscape-design/components/input";
import Select from "@cloudscape-design/components/select";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { unwrap, type Case, type Schemas } from "../../api/client";
import { describeError } from "../../components/errors";
import { useApi } from "../../context";
import { caseKey } from "./caseQueries";
import { timelineKey } from "./timelineQueries";

const KINDS: Schemas["LinkKind"][] = ["related", "duplicate", "parent", "child"];

/** Link another case by the reference number an agent knows. */
export function LinkCase({ caseId }: { caseId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [reference, setReference] = useState("");
  const [kind, setKind] = useState<Schemas["LinkKind"]>("related");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function link() {
    setBusy(true);
    setError(null);
    try {
      const other = unwrap<Case>(await api.GET("/cases/by-reference/{referenceNumber}", { params: { path: { referenceNumber: reference.trim() } } }));
      unwrap(await api.POST("/cases/{caseId}/related-items", { params: { path: { caseId } }, body: { type: "connectCase", content: { caseId: other.caseId, kind } } }));
      setReference("");
      void queryClient.invalidateQueries({ queryKey: timelineKey(caseId) });
      void queryClient.invalidateQueries({ queryKey: caseKey(caseId) });
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (reference.trim()) void link();
      }}
    >
      <FormField label="Link a case" errorText={error ?? undefined}>
        <SpaceBetween direction="horizontal" size="xs">
          <Input ariaLabel="Reference number to link" placeholder="Reference number" inputMode="numeric" value={reference} onChange={({ detail }) => setReference(detail.value)} />
          <Select ariaLabel="Link kind" selectedOption={{ value: kind, label: kind }} options={KINDS.map((value) => ({ value, label: value }))} onChange={({ detail }) => setKind(detail.selectedOption.value as Schemas["LinkKind"])} />
          <Button formAction="submit" loading={busy}>
            Link
          </Button>
        </SpaceBetween>
      </FormField>
    </form>
  );
}
