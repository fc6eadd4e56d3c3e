import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import Flashbar from "@cloudscape-design/components/flashbar";
import Form from "@cloudscape-design/components/form";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import Select from "@cloudscape-design/components/select";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Table from "@cloudscape-design/components/table";
import { ifMatch, unwrap, type Schemas, type Task } from "../../api/client";
import { DueStatus } from "../../components/DueStatus";
import { describeError } from "../../components/errors";
import { UserPicker } from "../../components/UserPicker";
import { useApi } from "../../context";
import { caseKey } from "./caseQueries";
import { timelineKey } from "./timelineQueries";

/** The case's tasks (active first), completing them, and creating one from a task template. */
export function TasksTab({ caseId }: { caseId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const tasks = useQuery({
    queryKey: ["tasks", "case", caseId],
    queryFn: async () => unwrap<{ items: Task[] }>(await api.GET("/cases/{caseId}/tasks", { params: { path: { caseId }, query: { limit: 50 } } })).items,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["tasks"] });
    void queryClient.invalidateQueries({ queryKey: timelineKey(caseId) });
    void queryClient.invalidateQueries({ queryKey: caseKey(caseId) });
  };
  const complete = useMutation({
    mutationFn: async (task: Task) =>
      unwrap(await api.PATCH("/tasks/{taskId}", { params: { path: { taskId: task.taskId }, header: { "if-match": ifMatch(task.version) } }, body: { status: "done" } })),
    onSettled: refresh,
  });
  return (
    <SpaceBetween size="l">
      <NewTaskForm caseId={caseId} onCreated={refresh} />
      {complete.isError && <Flashbar items={[{ type: "error", content: describeError(complete.error) }]} />}
      <Table
        header={<Header variant="h2">Tasks of this case</Header>}
        ariaLabels={{ tableLabel: "Tasks of this case" }}
        loading={tasks.isLoading}
        loadingText="Loading tasks"
        items={tasks.data ?? []}
        trackBy="taskId"
        empty="No tasks"
        columnDefinitions={[
          { id: "name", header: "Task", cell: (task) => task.name, isRowHeader: true },
          { id: "status", header: "Status", cell: (task) => task.status },
          { id: "due", header: "Due", cell: (task) => <DueStatus dueAt={task.dueAt} overdueAt={task.overdueAt} done={task.status === "done"} /> },
          { id: "who", header: "Assignee or queue", cell: (task) => task.assignee ?? task.queue ?? "-" },
          {
            id: "actions",
            header: "Actions",
            cell: (task) =>
              task.status === "open" || task.status === "in_progress" ? (
                <Button ariaLabel={`Complete ${task.name}`} onClick={() => complete.mutate(task)} loading={complete.isPending && complete.variables?.taskId === task.taskId}>
                  Complete
                </Button>
              ) : null,
          },
        ]}
      />
    </SpaceBetween>
  );
}

function NewTaskForm({ caseId, onCreated }: { caseId: string; onCreated: () => void }) {
  const api = useApi();
  const templates = useQuery({
    queryKey: ["task-templates"],
    staleTime: 5 * 60_000,
    queryFn: async () => unwrap<{ items: Schemas["TaskTemplate"][] }>(await api.GET("/task-templates")).items.filter((template) => template.active),
  });
  const [templateId, setTemplateId] = useState("");
  const [name, setName] = useState("");
  const [queue, setQueue] = useState("");
  const [assignee, setAssignee] = useState("");
  const [dueAt, setDueAt] = useState("");
  const create = useMutation({
    mutationFn: async () =>
      unwrap<Task>(
        await api.POST("/cases/{caseId}/tasks", {
          params: { path: { caseId } },
          body: {
            ...(templateId ? { templateId } : {}),
            ...(name ? { name } : {}),
            ...(queue ? { queue } : {}),
            ...(assignee ? { assignee } : {}),
            ...(dueAt ? { dueAt: new Date(dueAt).toISOString() } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setName("");
      setDueAt("");
      onCreated();
    },
  });
  const templateOptions = [{ value: "", label: "No template" }, ...(templates.data ?? []).map((t) => ({ value: t.templateId, label: t.name }))];
  return (
    <Container header={<Header variant="h2">Create a task</Header>}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <Form
          errorText={create.isError ? describeError(create.error) : undefined}
          actions={
            <Button variant="primary" formAction="submit" loading={create.isPending}>
              Create task
            </Button>
          }
        >
          <SpaceBetween size="s">
            <FormField label="Task template">
              <Select selectedOption={templateOptions.find((o) => o.value === templateId) ?? templateOptions[0]} options={templateOptions} onChange={({ detail }) => setTemplateId(detail.selectedOption.value ?? "")} statusType={templates.isLoading ? "loading" : "finished"} />
            </FormField>
            <FormField label="Task name">
              <Input value={name} onChange={({ detail }) => setName(detail.value)} />
            </FormField>
            <SpaceBetween direction="horizontal" size="s">
              <FormField label="Queue">
                <Input value={queue} onChange={({ detail }) => setQueue(detail.value)} />
              </FormField>
              <FormField label="Assignee">
                <UserPicker ariaLabel="Task assignee" value={assignee} onChange={setAssignee} />
              </FormField>
              <FormField label="Due" description="Local time">
                <Input type={"datetime-local" as "text"} value={dueAt} onChange={({ detail }) => setDueAt(detail.value)} />
              </FormField>
            </SpaceBetween>
          </SpaceBetween>
        </Form>
      </form>
    </Container>
  );
}
