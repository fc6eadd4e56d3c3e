/** The typed API client: paths, parameters and bodies come from `schema.d.ts`, generated from
 * docs/openapi.json (`npm run generate:api`; never edit it by hand). */
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";
import type { Session } from "../auth/session";

export type Schemas = components["schemas"];
export type Case = Schemas["Case"];
export type Task = Schemas["Task"];
export type RelatedItem = Schemas["RelatedItem"];
export type ErrorBody = Schemas["ErrorResponse"];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Partial<ErrorBody>,
  ) {
    super(body.message ?? `HTTP ${status}`);
  }
  get code(): string | undefined {
    return this.body.code;
  }
}

export function createApi(baseUrl: string, session: Session) {
  const client = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    async onRequest({ request }) {
      const bearer = await session.bearer();
      if (bearer) request.headers.set("Authorization", `Bearer ${bearer}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) session.signOut();
      return response;
    },
  };
  client.use(auth);
  return client;
}

export type Api = ReturnType<typeof createApi>;

/** The body of a successful answer as the schema type named by the caller, or an ApiError.
 * (The document types error answers only; success bodies are named here per call.) */
export function unwrap<T>(result: { data?: unknown; error?: unknown; response: Response }): T {
  if (!result.response.ok) {
    throw new ApiError(result.response.status, (result.error ?? {}) as Partial<ErrorBody>);
  }
  return result.data as T;
}

/** `If-Match` for a record read at `version` (the API's ETag is the quoted version). */
export function ifMatch(version: number): string {
  return `"${version}"`;
}
