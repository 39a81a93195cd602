// The controls of one decision on a queue item: buttons that act at once, and an action
// that needs a reason (refusal, forced off-shelf). Each shows its progress and its error.
import { useState } from "preact/hooks";
import { DoneNote, ErrorNote, useAction } from "./ui";

export function ActButton(props: { label: string; act: () => Promise<unknown>; then: () => void; danger?: boolean }) {
  const action = useAction();
  return (
    <span class="act">
      <button
        type="button"
        class={props.danger ? "danger" : ""}
        disabled={action.busy}
        onClick={() =>
          action.run(async () => {
            await props.act();
            props.then();
          })
        }
      >
        {action.busy ? "处理中…" : props.label}
      </button>
      <ErrorNote message={action.error} />
    </span>
  );
}

export function WithReason(props: {
  label: string;
  reasonLabel: string;
  act: (reason: string) => Promise<unknown>;
  then: () => void;
}) {
  const [reason, setReason] = useState("");
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    action.run(async () => {
      await props.act(reason.trim());
      setReason("");
      props.then();
    });
  };
  return (
    <form class="reason" onSubmit={submit}>
      <label>
        <span class="visually-hidden">{props.reasonLabel}</span>
        <input
          aria-label={props.reasonLabel}
          placeholder={props.reasonLabel}
          maxLength={200}
          required
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="danger" disabled={action.busy}>
        {action.busy ? "处理中…" : props.label}
      </button>
      <ErrorNote message={action.error} />
      <DoneNote message={action.done} />
    </form>
  );
}

/** The audit of a queue item: approve at once, or refuse (send back) with a reason. Both
 *  go to `audit` as the API's `{approve, reason}`. */
export function Audit(props: {
  audit: (approve: boolean, reason: string | null) => Promise<unknown>;
  refuse?: string;
  then: () => void;
}) {
  const refuse = props.refuse ?? "拒绝";
  return (
    <>
      <ActButton label="通过" act={() => props.audit(true, null)} then={props.then} />
      <WithReason
        label={refuse}
        reasonLabel={`${refuse}理由`}
        act={(reason) => props.audit(false, reason)}
        then={props.then}
      />
    </>
  );
}
