import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Button from "@cloudscape-design/components/button";
import Flashbar from "@cloudscape-design/components/flashbar";
import Header from "@cloudscape-design/components/header";
import Link from "@cloudscape-design/components/link";
import Pagination from "@cloudscape-design/components/pagination";
import Select from "@cloudscape-design/components/select";
import Table from "@cloudscape-design/components/table";
import { ifMatch, unwrap, type Schemas, type Task } from "../../api/client";
import { DueStatus } from "../../components/DueStatus";
import { describeError } from "../../components/errors";
import { usePagedList } from "../../components/usePagedList";
import { useApi } from "../../context";
import { hrefFor } from "../../routing";

type TaskStatus = Schemas["TaskStatus"];
const STATUS_OPTIONS = [
  { value: "open", label: "Open" },
  { value: "in_progress", label: "In progress" },
  { value: "done", label: "Done" },
];

/** My tasks, soonest due first (the API's order), overdue ones flagged with how late they are. */
export function MyTasks() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<TaskStatus>("open");
  const [error, setError] = useState<string | null>(null);
  const list = usePagedList<Task>(["tasks", "mine", status], async (nextToken) =>
    unwrap(await api.GET("/tasks", { params: { query: { assignee: "me", status, limit: 10, nextToken } } })),
  );
  const complete = useMutation({
    mutationFn: async (task: Task) =>
      unwrap<Task>(
        await api.PATCH("/tasks/{taskId}", {
          params: { path: { taskId: task.taskId }, header: { "if-match": ifMatch(task.version) } },
          body: { status: "done" },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["tasks"] }),
    onError: (failure) => setError(describeError(failure)),
  });

  return (
    <Table
      header={
        <Header
          variant="h2"
          counter={list.query.isSuccess ? `(${list.items.length}${list.query.hasNextPage ? "+" : ""})` : undefined}
          actions={
            <Select
              ariaLabel="Task status"
              selectedOption={STATUS_OPTIONS.find((o) => o.value === status)!}
              options={STATUS_OPTIONS}
              onChange={({ detail }) => {
                setStatus(detail.selectedOption.value as TaskStatus);
                list.reset();
              }}
            />
          }
          description="Soonest due first"
        >
          My tasks
        </Header>
      }
      ariaLabels={{ tableLabel: "My tasks" }}
      loading={list.query.isLoading}
      loadingText="Loading tasks"
      items={list.items}
      trackBy="taskId"
      pagination={<Pagination {...list.pagination} />}
      empty={list.query.isError ? describeError(list.query.error) : "No tasks"}
      columnDefinitions={[
        { id: "name", header: "Task", cell: (task) => task.name, isRowHeader: true },
        { id: "due", header: "Due", cell: (task) => <DueStatus dueAt={task.dueAt} overdueAt={task.overdueAt} done={task.status === "done"} /> },
        { id: "case", header: "Case", cell: (task) => (task.caseId ? <Link href={hrefFor({ page: "case", caseId: task.caseId })}>Open case</Link> : "-") },
        { id: "priority", header: "Priority", cell: (task) => task.priority },
        {
          id: "actions",
          header: "Actions",
          cell: (task) =>
            task.status === "done" || task.status === "cancelled" ? null : (
              <Button ariaLabel={`Complete ${task.name}`} loading={complete.isPending && complete.variables?.taskId === task.taskId} onClick={() => complete.mutate(task)}>
                Complete
              </Button>
            ),
        },
      ]}
      filter={error ? <Flashbar items={[{ type: "error", content: error, dismissible: true, onDismiss: () => setError(null) }]} /> : undefined}
    />
  );
}
