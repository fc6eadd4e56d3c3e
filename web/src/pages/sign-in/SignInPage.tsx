import { useState } from "react";
import Alert from "@cloudscape-design/components/alert";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Form from "@cloudscape-design/components/form";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { useServices } from "../../context";

export function SignInPage() {
  const { session } = useServices();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const cognito = session.method === "cognito";

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      if (cognito) await session.signInWithPassword(email, password);
      else session.signInWithApiKey(apiKey);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : "Sign-in failed");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main>
      <Box padding="xxl">
        <div style={{ maxWidth: 480, margin: "0 auto" }}>
          <ContentLayout header={<Header variant="h1">Sign in to Casetrail</Header>}>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                void submit();
              }}
            >
              <Form actions={<Button variant="primary" loading={busy} formAction="submit">Sign in</Button>}>
                <Container>
                  <SpaceBetween size="m">
                    {error && <Alert type="error" header="Could not sign in">{error}</Alert>}
                    {cognito ? (
                      <>
                        <FormField label="Email">
                          <Input type="email" autoComplete="username" value={email} onChange={({ detail }) => setEmail(detail.value)} />
                        </FormField>
                        <FormField label="Password">
                          <Input type="password" autoComplete="current-password" value={password} onChange={({ detail }) => setPassword(detail.value)} />
                        </FormField>
                      </>
                    ) : (
                      <FormField label="API key" description="This Casetrail has no user sign-in: use a key (make run prints the demo key).">
                        <Input type="password" value={apiKey} onChange={({ detail }) => setApiKey(detail.value)} />
                      </FormField>
                    )}
                  </SpaceBetween>
                </Container>
              </Form>
            </form>
          </ContentLayout>
        </div>
      </Box>
    </main>
  );
}
