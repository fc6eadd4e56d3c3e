import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Button from "@cloudscape-design/components/button";
import Flashbar, { type FlashbarProps } from "@cloudscape-design/components/flashbar";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import Pagination from "@cloudscape-design/components/pagination";
import Select from "@cloudscape-design/components/select";
import Table from "@cloudscape-design/components/table";
import { ApiError, unwrap, type Task } from "../../api/client";
import { useMe, useUsers, type User } from "../../api/users";
import { DueStatus } from "../../components/DueStatus";
import { describeError } from "../../components/errors";
import { usePagedList } from "../../components/usePagedList";
import { useApi } from "../../context";

const QUEUE_KEY = "casetrail.queue";

/** My queues' unclaimed tasks, soonest due first, each with Claim. Of agents claiming at once one
 * wins; the others are told who. A person's queues are theirs (`queues` of GET /users/me, given
 * by an admin); an API key is no person, so its user types the queue. */
export function QueueTasks() {
  const me = useMe();
  if (me.isLoading) return null;
  return <QueueTasksOf me={me.data ?? null} />;
}

function QueueTasksOf({ me }: { me: User | null }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const users = useUsers().data ?? [];
  const myQueues = me?.queues ?? [];
  const [queue, setQueue] = useState(() => {
    const remembered = localStorage.getItem(QUEUE_KEY) ?? "";
    return me ? (myQueues.includes(remembered) ? remembered : (myQueues[0] ?? "")) : remembered;
  });
  const [draft, setDraft] = useState(queue);
  const [flash, setFlash] = useState<FlashbarProps.MessageDefinition | null>(null);
  const list = usePagedList<Task>(["tasks", "queue", queue], async (nextToken) =>
    queue ? unwrap(await api.GET("/tasks", { params: { query: { queue, status: "open", limit: 10, nextToken } } })) : { items: [] },
  );
  const choose = (chosen: string) => {
    localStorage.setItem(QUEUE_KEY, chosen);
    setQueue(chosen);
    list.reset();
  };
  const nameOf = (principalId: string | null | undefined) => users.find((user) => user.userId === principalId)?.name ?? principalId ?? "someone";

  const claim = useMutation({
    mutationFn: async (task: Task) => unwrap<Task>(await api.POST("/tasks/{taskId}/claim", { params: { path: { taskId: task.taskId } } })),
    onSuccess: (task) => setFlash({ type: "success", content: `You claimed "${task.name}".`, dismissible: true, onDismiss: () => setFlash(null) }),
    onError: async (failure, task) => {
      let content = describeError(failure);
      if (failure instanceof ApiError && failure.code === "TASK_ALREADY_CLAIMED") {
        const winner = (failure.body.details as { assignee?: string } | null | undefined)?.assignee;
        content = `"${task.name}" was already claimed by ${nameOf(winner)}.`;
      }
      setFlash({ type: "warning", content, dismissible: true, onDismiss: () => setFlash(null) });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["tasks"] }),
  });

  const unclaimed = list.items.filter((task) => !task.assignee);
  return (
    <Table
      header={
        <Header variant="h2" description={me ? "Unclaimed tasks of my queues, soonest due first" : "Unclaimed tasks of the queue, soonest due first"}>
          {me ? "My queues" : "Queue tasks"}
        </Header>
      }
      filter={
        <form
          onSubmit={(event) => {
            event.preventDefault();
            choose(draft.trim());
          }}
        >
          {me ? (
            <Select
              ariaLabel="Queue"
              disabled={myQueues.length === 0}
              placeholder="No queues"
              selectedOption={queue ? { value: queue, label: queue } : null}
              options={myQueues.map((name) => ({ value: name, label: name }))}
              onChange={({ detail }) => choose(detail.selectedOption.value ?? "")}
            />
          ) : (
            <Input ariaLabel="Queue" placeholder="Queue, e.g. billing" value={draft} onChange={({ detail }) => setDraft(detail.value)} type="search" />
          )}
          {flash && <Flashbar items={[flash]} />}
        </form>
      }
      ariaLabels={{ tableLabel: "Queue tasks" }}
      loading={list.query.isLoading}
      loadingText="Loading queue"
      items={unclaimed}
      trackBy="taskId"
      pagination={<Pagination {...list.pagination} />}
      empty={queue ? `No unclaimed tasks in ${queue}` : me ? "You work no queue yet: an admin gives you yours" : "Enter a queue to see its unclaimed tasks"}
      columnDefinitions={[
        { id: "name", header: "Task", cell: (task) => task.name, isRowHeader: true },
        { id: "due", header: "Due", cell: (task) => <DueStatus dueAt={task.dueAt} overdueAt={task.overdueAt} /> },
        { id: "priority", header: "Priority", cell: (task) => task.priority },
        {
          id: "claim",
          header: "Actions",
          cell: (task) => (
            <Button ariaLabel={`Claim ${task.name}`} loading={claim.isPending && claim.variables?.taskId === task.taskId} onClick={() => claim.mutate(task)}>
              Claim
            </Button>
          ),
        },
      ]}
    />
  );
}
