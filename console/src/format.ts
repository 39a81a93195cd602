// Times: the API writes them as Asia/Shanghai wall time ("2026-12-07 21:30:00"); they are
// shown as written, whatever the browser's own zone. Unix seconds are converted to the
// same form.

const SHANGHAI = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** `date` in Asia/Shanghai as "2026-12-07T21:30". */
function shanghai(date: Date): string {
  const part = Object.fromEntries(SHANGHAI.formatToParts(date).map((p) => [p.type, p.value]));
  const hour = part.hour === "24" ? "00" : part.hour;
  return `${part.year}-${part.month}-${part.day}T${hour}:${part.minute}`;
}

/** A time for display ("2026-12-07 21:30"), in Asia/Shanghai. */
export function shanghaiTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "number") return shanghai(new Date(value * 1000)).replace("T", " ");
  return value.replace(/:\d\d$/, "");
}

/** A `datetime-local` input's value ("2026-12-07T21:30"), read as Asia/Shanghai, in the
 *  API's form ("2026-12-07 21:30:00"). */
export function fromLocalInput(value: string): string {
  return value.length === 16 ? `${value.replace("T", " ")}:00` : value.replace("T", " ");
}

/** Now plus `minutes`, in Asia/Shanghai, as a `datetime-local` value. */
export function shanghaiInput(minutes: number): string {
  return shanghai(new Date(Date.now() + minutes * 60_000));
}

/** Money as the API writes it ("300.00"), with the currency sign. */
export function yuan(value: string | number | null | undefined): string {
  return value === null || value === undefined ? "—" : `¥${value}`;
}
