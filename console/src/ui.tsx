// The console's building blocks: loading a resource, running an action, and the few
// controls every page shares. Every control has a visible label; errors are shown in the
// API's words; a running request shows progress and disables what started it.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { onRequests, RequestError } from "./api";

/** The state of a read: its data, its error, and whether it is running. */
export interface Loaded<T> {
  data?: T;
  error?: string;
  loading: boolean;
  reload: () => void;
}

function messageOf(error: unknown): string {
  return error instanceof RequestError || error instanceof Error ? error.message : String(error);
}

/** Runs `read` now and whenever `keys` change; `reload` runs it again. */
export function useLoad<T>(read: () => Promise<T>, keys: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ data: previous.data, loading: true }));
    read().then(
      (data) => current && setState({ data, loading: false }),
      (error) => current && setState({ error: messageOf(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...keys, round]);
  return { ...state, reload: useCallback(() => setRound((n) => n + 1), []) };
}

/** An action's state: `run` starts it (once at a time), then shows its error or `done`. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const run = async (action: () => Promise<string | void>) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      setDone((await action()) ?? undefined);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, done };
}

/** The bar at the top while any request runs. */
export function Progress() {
  const [running, setRunning] = useState(0);
  useEffect(() => onRequests(setRunning), []);
  return (
    <div
      class={running > 0 ? "progress active" : "progress"}
      role="progressbar"
      aria-label="请求进行中"
      aria-busy={running > 0}
      hidden={running === 0}
    />
  );
}

export function ErrorNote({ message }: { message?: string }) {
  return message ? (
    <p class="error" role="alert">
      {message}
    </p>
  ) : null;
}

export function DoneNote({ message }: { message?: string }) {
  return message ? (
    <p class="done" role="status">
      {message}
    </p>
  ) : null;
}

/** What a list shows while it loads, when it failed, and when it is empty. */
export function ListState<T>({ loaded, empty }: { loaded: Loaded<T[]>; empty: string }) {
  if (loaded.error) return <ErrorNote message={loaded.error} />;
  if (loaded.loading && !loaded.data) return <p class="muted" role="status">加载中…</p>;
  if (loaded.data && loaded.data.length === 0) return <p class="muted">{empty}</p>;
  return null;
}

export function Pager({ page, last, onPage }: { page: number; last: number; onPage: (page: number) => void }) {
  if (last <= 1) return null;
  return (
    <nav class="pager" aria-label="分页">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        上一页
      </button>
      <span>
        第 {page} / {last} 页
      </span>
      <button type="button" disabled={page >= last} onClick={() => onPage(page + 1)}>
        下一页
      </button>
    </nav>
  );
}

/** Tabs choosing a status: each a button, the chosen one pressed. */
export function StatusTabs({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: [number, string][];
  value: number;
  onChange: (value: number) => void;
}) {
  return (
    <div class="tabs" role="group" aria-label={label}>
      {options.map(([status, name]) => (
        <button type="button" aria-pressed={status === value} onClick={() => onChange(status)}>
          {name}
        </button>
      ))}
    </div>
  );
}

/** A photo's `sml` variant, opening its `mid` one. */
export function Photo({ photo, alt }: { photo?: { sml: string; mid: string } | null; alt: string }) {
  if (!photo) return <span class="muted">无图</span>;
  return (
    <a href={photo.mid} target="_blank" rel="noreferrer">
      <img class="thumb" src={photo.sml} alt={alt} loading="lazy" />
    </a>
  );
}

export function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
    </label>
  );
}
