/** "in 2 h 5 min" / "3 min late": the words an agent reads on a due time or an SLA target. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function timeLeft(target: string, now: number): { late: boolean; text: string } {
  const delta = new Date(target).getTime() - now;
  return delta < 0 ? { late: true, text: `${formatDuration(delta)} late` } : { late: false, text: `in ${formatDuration(delta)}` };
}

export function formatDateTime(value: string | null | undefined): string {
  return value ? new Date(value).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "-";
}
