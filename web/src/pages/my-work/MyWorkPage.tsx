import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { MyCases } from "./MyCases";
import { MyTasks } from "./MyTasks";
import { QueueTasks } from "./QueueTasks";

export function MyWorkPage() {
  return (
    <ContentLayout header={<Header variant="h1">My work</Header>}>
      <SpaceBetween size="l">
        <MyTasks />
        <QueueTasks />
        <MyCases />
      </SpaceBetween>
    </ContentLayout>
  );
}
