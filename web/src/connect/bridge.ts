/** Amazon Connect's agent workspace, seen from this app: when a contact connects, which contact and
 * which case its flow attached. The SDK (`@amazon-connect/app` + `@amazon-connect/contact`) is
 * loaded only when embedded, so the standalone app does not carry it. Tests hand the real
 * ContactClient a stand-in provider (`window.casetrailConnectProvider`) in place of Connect's. */
import type { AmazonConnectProvider as Provider } from "@amazon-connect/core";

export interface ConnectedContact {
  contactId: string;
  caseId?: string; // the contact's `caseId` attribute, set by Casetrail's contact flow
  channel: "VOICE" | "CHAT" | "EMAIL" | "TASK";
}

declare global {
  interface Window {
    casetrailConnectProvider?: Provider;
  }
}

export function isEmbedded(): boolean {
  return Boolean(window.casetrailConnectProvider) || window.self !== window.top;
}

const CHANNELS: Record<string, ConnectedContact["channel"]> = { voice: "VOICE", chat: "CHAT", email: "EMAIL", task: "TASK" };

/** Calls `onConnected` for each contact the agent accepts; returns how to stop listening. */
export async function watchContacts(onConnected: (contact: ConnectedContact) => void): Promise<() => void> {
  const { ContactClient: Client } = await import("@amazon-connect/contact");
  let provider: Provider | undefined = window.casetrailConnectProvider;
  if (!provider) {
    const { AmazonConnectApp } = await import("@amazon-connect/app");
    provider = AmazonConnectApp.init({ onCreate: async () => undefined }).provider;
  }
  const contacts = new Client(provider);
  const handler = async ({ contactId }: { contactId: string }) => {
    const [caseId, channel] = await Promise.all([
      contacts.getAttribute(contactId, "caseId").catch(() => undefined),
      contacts.getChannelType(contactId).then((channelType) => String(channelType.type)).catch(() => "voice"),
    ]);
    onConnected({ contactId, caseId: caseId || undefined, channel: CHANNELS[channel.toLowerCase()] ?? "VOICE" });
  };
  contacts.onConnected(handler);
  return () => contacts.offConnected(handler);
}
