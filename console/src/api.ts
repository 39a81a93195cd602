// The console's one way to the API: same origin, the `token` cookie, JSON both ways.
// Each of the API's three answer shapes is read here, so pages see data or one error
// carrying the API's own words.

/** A failed request, with the message the API answered in (its seed's words). */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: number,
  ) {
    super(message);
  }
}

type Listener = (running: number) => void;
const listeners = new Set<Listener>();
let running = 0;

/** Calls `listener` with the number of requests in flight whenever it changes. */
export function onRequests(listener: Listener): () => void {
  listeners.add(listener);
  listener(running);
  return () => listeners.delete(listener);
}

function track(delta: number) {
  running += delta;
  listeners.forEach((listener) => listener(running));
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  track(1);
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      // The mobilization routes answer a missing login with 302 to /user: seen, not followed.
      redirect: "manual",
    });
  } catch {
    throw new RequestError("网络连接失败，请稍后重试", 0);
  } finally {
    track(-1);
  }
}

async function json(response: Response): Promise<any> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function failure(response: Response, body: any): RequestError {
  if (response.type === "opaqueredirect" || response.status === 302) {
    return new RequestError("请先登录", 401);
  }
  // Homemaking `{error_code, message}`, design `{message, status}`, mobilization `{cnmsg}`.
  const message = body?.message ?? body?.cnmsg ?? `请求失败（HTTP ${response.status}）`;
  return new RequestError(message, response.status, body?.error_code);
}

/** A homemaking or design route (`/v1/…`): the envelope's `data`. */
export async function v1<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  const answer = await json(response);
  if (response.ok && answer?.error_code === 0) return answer.data as T;
  if (response.ok && answer !== undefined && answer.error_code === undefined) return answer as T;
  throw failure(response, answer);
}

/** A mobilization route (`/user`, `/task/…`): bare JSON (nothing for 204). */
export async function task<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  const answer = await json(response);
  if (response.ok) return answer as T;
  throw failure(response, answer);
}

/** The seed's page shape (both the Laravel and the mini-program names). */
export interface Page<T> {
  total: number;
  current_page: number;
  last_page: number;
  has_more: boolean;
  data: T[];
}

/** `?status=…&page=…&count=…` */
export function pageQuery(params: Record<string, string | number>): string {
  return "?" + new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
}
