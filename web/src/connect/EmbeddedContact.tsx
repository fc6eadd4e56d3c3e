import { useEffect, useState } from "react";
import Alert from "@cloudscape-design/components/alert";
import Button from "@cloudscape-design/components/button";
import Form from "@cloudscape-design/components/form";
import FormField from "@cloudscape-design/components/form-field";
import Input from "@cloudscape-design/components/input";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { unwrap, type Case, type Schemas } from "../api/client";
import { describeError } from "../components/errors";
import { useApi } from "../context";
import { navigate } from "../routing";
import { watchContacts, type ConnectedContact } from "./bridge";

type Found = { contact: ConnectedContact; caseId?: string };

/** Inside Connect's agent workspace: when a contact connects, open its case (the `caseId` attribute
 * its flow set, or the case it is linked to); with none, offer to find the customer or open a case
 * with the contact attached. */
export function EmbeddedContact() {
  const api = useApi();
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    void watchContacts(async (contact) => {
      try {
        let caseId = contact.caseId;
        if (!caseId) {
          const linked = unwrap<Schemas["ContactCases"]>(await api.GET("/contacts/{contactId}/cases", { params: { path: { contactId: contact.contactId }, query: { limit: 1 } } }));
          caseId = linked.items[0]?.caseId;
        }
        setFound({ contact, caseId });
        if (caseId) navigate({ page: "case", caseId });
      } catch (failure) {
        setError(describeError(failure));
      }
    })
      .then((unsubscribe) => (cancelled ? unsubscribe() : (stop = unsubscribe)))
      .catch((failure) => setError(`Amazon Connect is not reachable: ${describeError(failure)}`));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [api]);

  if (error) return <Alert type="error">{error}</Alert>;
  if (!found) return null;
  if (found.caseId) {
    return (
      <Alert type="info" header={`Contact ${found.contact.contactId}`} dismissible onDismiss={() => setFound(null)}>
        Opened its case.
      </Alert>
    );
  }
  return <NoCase contact={found.contact} onOpened={(caseId) => setFound({ contact: found.contact, caseId })} />;
}

function NoCase({ contact, onOpened }: { contact: ConnectedContact; onOpened: (caseId: string) => void }) {
  const api = useApi();
  const [customerId, setCustomerId] = useState("");
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function open() {
    setBusy(true);
    setError(null);
    try {
      const created = unwrap<Case>(await api.POST("/cases", { body: { title, customerId } }));
      unwrap(
        await api.POST("/cases/{caseId}/related-items", {
          params: { path: { caseId: created.caseId } },
          body: { type: "contact", content: { contactId: contact.contactId, channel: contact.channel, direction: "INBOUND", initiatedAt: new Date().toISOString() } },
        }),
      );
      onOpened(created.caseId);
      navigate({ page: "case", caseId: created.caseId });
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Alert type="warning" header={`Contact ${contact.contactId} has no case`} action={<Button onClick={() => navigate({ page: "find" })}>Find the customer</Button>}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void open();
        }}
      >
        <Form errorText={error ?? undefined} actions={<Button formAction="submit" loading={busy}>Open a case with this contact</Button>}>
          <SpaceBetween direction="horizontal" size="s">
            <FormField label="Customer id">
              <Input value={customerId} onChange={({ detail }) => setCustomerId(detail.value)} />
            </FormField>
            <FormField label="Case title">
              <Input value={title} onChange={({ detail }) => setTitle(detail.value)} />
            </FormField>
          </SpaceBetween>
        </Form>
      </form>
    </Alert>
  );
}
