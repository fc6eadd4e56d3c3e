import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Spinner from "@cloudscape-design/components/spinner";
import { describeError } from "../../components/errors";
import { AddComment } from "./AddComment";
import { AttachFile } from "./AttachFile";
import { LinkCase } from "./LinkCase";
import { TimelineEntry } from "./TimelineEntry";
import { useTimeline } from "./timelineQueries";

export function Timeline({ caseId }: { caseId: string }) {
  const timeline = useTimeline(caseId);
  const items = timeline.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <SpaceBetween size="l">
      <AddComment caseId={caseId} />
      <SpaceBetween direction="horizontal" size="l">
        <AttachFile caseId={caseId} />
        <LinkCase caseId={caseId} />
      </SpaceBetween>
      <Container header={<Header variant="h2" description="Newest first">Timeline</Header>}>
        {timeline.isLoading ? (
          <Spinner />
        ) : timeline.isError ? (
          <Box color="text-status-error">{describeError(timeline.error)}</Box>
        ) : (
          <SpaceBetween size="m">
            {items.length === 0 && <Box color="text-body-secondary">Nothing on the timeline yet.</Box>}
            <ol aria-label="Timeline" style={{ listStyle: "none", margin: 0, padding: 0 }}>
              {items.map((item) => (
                <TimelineEntry key={item.relatedItemId} item={item} caseId={caseId} />
              ))}
            </ol>
            {timeline.hasNextPage && (
              <Button onClick={() => void timeline.fetchNextPage()} loading={timeline.isFetchingNextPage}>
                Show older
              </Button>
            )}
          </SpaceBetween>
        )}
      </Container>
    </SpaceBetween>
  );
}
