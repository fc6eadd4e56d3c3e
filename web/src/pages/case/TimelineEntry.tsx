import { useState, type ReactNode } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Badge from "@cloudscape-design/components/badge";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import ExpandableSection from "@cloudscape-design/components/expandable-section";
import Link from "@cloudscape-design/components/link";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Textarea from "@cloudscape-design/components/textarea";
import { unwrap, type RelatedItem, type Schemas } from "../../api/client";
import { useMe } from "../../api/users";
import { describeError } from "../../components/errors";
import { formatDateTime } from "../../components/time";
import { useApi } from "../../context";
import { hrefFor } from "../../routing";
import { caseKey } from "./caseQueries";
import { timelineKey } from "./timelineQueries";

const TYPE_LABEL: Record<RelatedItem["type"], string> = {
  contact: "Contact",
  comment: "Comment",
  file: "File",
  sla: "SLA",
  connectCase: "Linked case",
  custom: "Note",
  task: "Task",
};

/** One item of the unified timeline: what it is, who, when, and what it says. */
export function TimelineEntry({ item, caseId }: { item: RelatedItem; caseId: string }) {
  return (
    <li style={{ marginBottom: 16 }}>
      <article aria-label={`${TYPE_LABEL[item.type]} by ${item.createdBy.name}`}>
        <SpaceBetween size="xxs">
          <SpaceBetween direction="horizontal" size="xs" alignItems="center">
            <Badge color={item.type === "sla" ? "red" : item.type === "comment" ? "blue" : "grey"}>{TYPE_LABEL[item.type]}</Badge>
            <Box variant="small">
              {item.createdBy.name} · <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>
              {item.updatedAt && " · edited"}
            </Box>
          </SpaceBetween>
          <Content item={item} caseId={caseId} />
        </SpaceBetween>
      </article>
    </li>
  );
}

function Content({ item, caseId }: { item: RelatedItem; caseId: string }) {
  const content = item.content as Record<string, unknown>;
  switch (item.type) {
    case "comment":
      return <Comment item={item} caseId={caseId} />;
    case "contact": {
      const contact = content as unknown as Schemas["ContactContent"];
      return (
        <SpaceBetween size="xxs">
          <Box>
            {contact.channel} {contact.direction?.toLowerCase()} contact{contact.agent ? ` with ${contact.agent}` : ""}
            {contact.queue ? ` (queue ${contact.queue})` : ""}
          </Box>
          {contact.summary && <Box>{contact.summary}</Box>}
          {contact.transcript && (
            <ExpandableSection headerText="Transcript">
              <Box variant="pre">{contact.transcript}</Box>
            </ExpandableSection>
          )}
        </SpaceBetween>
      );
    }
    case "file":
      return <FileLink item={item} caseId={caseId} />;
    case "connectCase": {
      const link = content as unknown as Schemas["ConnectCaseContent"];
      return (
        <Box>
          {link.kind ?? "related"} case: <Link href={hrefFor({ page: "case", caseId: link.caseId })}>{link.caseId}</Link>
        </Box>
      );
    }
    case "task":
      return (
        <Box>
          Task "{String(content.name ?? content.taskId ?? "")}" {String(content.action ?? "")} (status {String(content.status ?? "")})
          {content.dueAt ? ` (due ${formatDateTime(String(content.dueAt))})` : ""}
        </Box>
      );
    case "sla":
      return (
        <Box>
          {String(content.name ?? "SLA")}: {String(content.event ?? content.status ?? "")}
          {content.targetTime ? ` (target ${formatDateTime(String(content.targetTime))})` : ""}
        </Box>
      );
    default:
      return <Box variant="code">{JSON.stringify(content.values ?? content)}</Box>;
  }
}

function Comment({ item, caseId }: { item: RelatedItem; caseId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const me = useMe().data;
  const comment = item.content as unknown as Schemas["CommentContent"];
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(comment.body);
  const mine = me != null && item.createdBy.principalId === me.userId;
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: timelineKey(caseId) });
    void queryClient.invalidateQueries({ queryKey: caseKey(caseId) });
  };
  const edit = useMutation({
    mutationFn: async () =>
      unwrap(await api.PATCH("/cases/{caseId}/related-items/{relatedItemId}", { params: { path: { caseId, relatedItemId: item.relatedItemId } }, body: { body } })),
    onSuccess: () => {
      setEditing(false);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: async () => unwrap(await api.DELETE("/cases/{caseId}/related-items/{relatedItemId}", { params: { path: { caseId, relatedItemId: item.relatedItemId } } })),
    onSuccess: refresh,
  });
  return (
    <SpaceBetween size="xxs">
      <Badge color={comment.internal === false ? "green" : "grey"}>{comment.internal === false ? "Customer-visible" : "Internal"}</Badge>
      {editing ? (
        <SpaceBetween size="xs">
          <Textarea ariaLabel="Edit comment" value={body} onChange={({ detail }) => setBody(detail.value)} />
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="primary" loading={edit.isPending} onClick={() => edit.mutate()}>
              Save comment
            </Button>
            <Button variant="link" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </SpaceBetween>
        </SpaceBetween>
      ) : (
        <Box>
          <CommentBody body={comment.body} mentions={item.mentions ?? []} />
        </Box>
      )}
      {mine && !editing && (
        <SpaceBetween direction="horizontal" size="xs">
          <Button variant="inline-link" onClick={() => setEditing(true)}>
            Edit
          </Button>
          <Button variant="inline-link" loading={remove.isPending} onClick={() => remove.mutate()}>
            Delete
          </Button>
        </SpaceBetween>
      )}
      {(edit.isError || remove.isError) && <Box color="text-status-error">{describeError(edit.error ?? remove.error)}</Box>}
    </SpaceBetween>
  );
}

// The API's own rule (domain/watching.py): `@handle`, not inside an email address.
const MENTION = /(?<![\w.+-])@([A-Za-z0-9][A-Za-z0-9._+-]{0,63})/g;

/** A comment's text with the users it mentions in bold (named as the API resolved them); an
 * `@word` that named nobody stays plain text. */
function CommentBody({ body, mentions }: { body: string; mentions: Schemas["Mention"][] }) {
  const byHandle = new Map(mentions.map((mention) => [mention.handle, mention]));
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of body.matchAll(MENTION)) {
    const handle = match[1].replace(/\.+$/, "").toLowerCase();
    const mention = byHandle.get(handle);
    if (!mention) continue;
    parts.push(body.slice(last, match.index));
    parts.push(
      <Box key={match.index} variant="span" fontWeight="bold">
        <span title={mention.name}>@{handle}</span>
      </Box>,
    );
    last = match.index + 1 + handle.length;
  }
  parts.push(body.slice(last));
  return <>{parts}</>;
}

function FileLink({ item, caseId }: { item: RelatedItem; caseId: string }) {
  const api = useApi();
  const file = item.content as unknown as Schemas["FileContent"];
  const [error, setError] = useState<string | null>(null);
  async function download() {
    try {
      const answer = unwrap<Schemas["Download"]>(
        await api.GET("/cases/{caseId}/related-items/{relatedItemId}/download", { params: { path: { caseId, relatedItemId: item.relatedItemId } } }),
      );
      window.open(answer.url, "_blank", "noopener");
    } catch (failure) {
      setError(describeError(failure));
    }
  }
  return (
    <Box>
      <Button variant="inline-link" iconName="download" ariaLabel={`Download ${file.fileName}`} onClick={() => void download()}>
        {file.fileName}
      </Button>{" "}
      ({Math.ceil(file.size / 1024)} KB)
      {error && <Box color="text-status-error">{error}</Box>}
    </Box>
  );
}
