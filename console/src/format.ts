// Times: the API writes them as Asia/Shanghai wall time ("2026-12-07 21:30:00"); they are
// shown as written, whatever the browser's own zone. Unix seconds are converted.

const shanghai = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** A time for display, in Asia/Shanghai. */
export function shanghaiTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "number") return shanghai.format(new Date(value * 1000));
  return value.replace(/:\d\d$/, "");
}

/** A `datetime-local` input's value ("2026-12-07T21:30"), read as Asia/Shanghai, in the
 *  API's form ("2026-12-07 21:30:00"). */
export function fromLocalInput(value: string): string {
  return value.length === 16 ? `${value.replace("T", " ")}:00` : value.replace("T", " ");
}

/** Now plus `minutes`, in Asia/Shanghai, as a `datetime-local` value. */
export function shanghaiInput(minutes: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    })
      .formatToParts(new Date(Date.now() + minutes * 60_000))
      .map((part) => [part.type, part.value]),
  );
  const hour = parts.hour === "24" ? "00" : parts.hour;
  return `${parts.year}-${parts.month}-${parts.day}T${hour}:${parts.minute}`;
}

/** Money as the API writes it ("300.00"), with the currency sign. */
export function yuan(value: string | number | null | undefined): string {
  return value === null || value === undefined ? "—" : `¥${value}`;
}
