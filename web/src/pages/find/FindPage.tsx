import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import SegmentedControl from "@cloudscape-design/components/segmented-control";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { ApiError, unwrap, type Case, type Schemas } from "../../api/client";
import { describeError } from "../../components/errors";
import { useApi } from "../../context";
import { navigate } from "../../routing";
import { CustomerCases } from "./CustomerCases";

type Mode = "reference" | "phone" | "email";
type Customer = Schemas["Customer"];
const LABELS: Record<Mode, string> = { reference: "Reference number", phone: "Phone", email: "Email" };
const PLACEHOLDERS: Record<Mode, string> = { reference: "10009", phone: "+15551234567", email: "dana@example.com" };

/** Find a case by the digits a caller reads out, or a customer by phone or email and then their cases. */
export function FindPage({ initialQuery }: { initialQuery?: string }) {
  const api = useApi();
  const [mode, setMode] = useState<Mode>("reference");
  const [value, setValue] = useState(initialQuery ?? "");
  const [search, setSearch] = useState<{ mode: Mode; value: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const customers = useQuery({
    queryKey: ["customers", search],
    enabled: search !== null && search.mode !== "reference",
    queryFn: async () =>
      unwrap<{ items: Customer[] }>(
        await api.GET("/customers", { params: { query: search!.mode === "phone" ? { phone: search!.value } : { email: search!.value } } }),
      ).items,
  });

  async function submit() {
    const term = value.trim();
    setError(null);
    if (!term) return;
    if (mode !== "reference") {
      setSearch({ mode, value: term });
      return;
    }
    try {
      const found = unwrap<Case>(await api.GET("/cases/by-reference/{referenceNumber}", { params: { path: { referenceNumber: term.replace(/\s/g, "") } } }));
      navigate({ page: "case", caseId: found.caseId });
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 404 ? `No case has reference number ${term}.` : describeError(failure));
    }
  }

  return (
    <ContentLayout header={<Header variant="h1">Find</Header>}>
      <SpaceBetween size="l">
        <Container>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void submit();
            }}
          >
            <SpaceBetween size="s">
              <SegmentedControl
                label="Find by"
                selectedId={mode}
                onChange={({ detail }) => setMode(detail.selectedId as Mode)}
                options={(Object.keys(LABELS) as Mode[]).map((id) => ({ id, text: LABELS[id] }))}
              />
              <FormField label={LABELS[mode]} secondaryControl={<Button formAction="submit" variant="primary">Find</Button>}>
                <Input type="search" inputMode={mode === "reference" ? "numeric" : undefined} placeholder={PLACEHOLDERS[mode]} value={value} onChange={({ detail }) => setValue(detail.value)} />
              </FormField>
            </SpaceBetween>
          </form>
        </Container>
        {error && <Alert type="warning">{error}</Alert>}
        {customers.isError && <Alert type="error">{describeError(customers.error)}</Alert>}
        {customers.data?.length === 0 && <Alert type="info">No customer has {search?.mode === "phone" ? "phone" : "email"} {search?.value}.</Alert>}
        {customers.data?.map((customer) => <CustomerCases key={customer.customerId} customer={customer} />)}
      </SpaceBetween>
    </ContentLayout>
  );
}
