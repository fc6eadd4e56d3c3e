import { ApiError } from "../api/client";

/** One sentence for an agent from any failure: the API's message and code, or the network's. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message}${error.code ? ` (${error.code})` : ""}`;
  if (error instanceof Error) return error.message;
  return "Something went wrong";
}
