import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Button from "@cloudscape-design/components/button";
import Checkbox from "@cloudscape-design/components/checkbox";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Textarea from "@cloudscape-design/components/textarea";
import { unwrap } from "../../api/client";
import { describeError } from "../../components/errors";
import { useApi } from "../../context";
import { caseKey } from "./caseQueries";
import { timelineKey } from "./timelineQueries";

export function AddComment({ caseId }: { caseId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [body, setBody] = useState("");
  const [customerVisible, setCustomerVisible] = useState(false);
  const add = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST("/cases/{caseId}/related-items", { params: { path: { caseId } }, body: { type: "comment", content: { body, internal: !customerVisible } } })),
    onSuccess: () => {
      setBody("");
      void queryClient.invalidateQueries({ queryKey: timelineKey(caseId) });
      void queryClient.invalidateQueries({ queryKey: caseKey(caseId) });
    },
  });
  return (
    <Container>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (body.trim()) add.mutate();
        }}
      >
        <SpaceBetween size="s">
          <FormField label="Add a comment" errorText={add.isError ? describeError(add.error) : undefined}>
            <Textarea value={body} onChange={({ detail }) => setBody(detail.value)} rows={3} />
          </FormField>
          <SpaceBetween direction="horizontal" size="m" alignItems="center">
            <Checkbox checked={customerVisible} onChange={({ detail }) => setCustomerVisible(detail.checked)}>
              Visible to the customer
            </Checkbox>
            <Button variant="primary" formAction="submit" loading={add.isPending} disabled={!body.trim()}>
              Add comment
            </Button>
          </SpaceBetween>
        </SpaceBetween>
      </form>
    </Container>
  );
}
