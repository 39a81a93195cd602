// A queue of the API (`GET /v1/admin/…?status=&page=&count=`): the status tabs (when it
// has statuses), the page of items as a table (cards at phone width), and the pager.
import type { ComponentChildren, FunctionComponent } from "preact";
import { useState } from "preact/hooks";
import { pageQuery, v1, type Page } from "./api";
import { ListState, Pager, StatusTabs, useLoad } from "./ui";

export interface RowProps<T> {
  item: T;
  /** Reads the page again (after an action moved the item). */
  reload: () => void;
}

export function Queue<T extends { id: number }>(props: {
  title: string;
  path: string;
  statuses?: [number, string][];
  columns: string[];
  Row: FunctionComponent<RowProps<T>>;
  empty: string;
}) {
  const [status, setStatus] = useState(props.statuses?.[0][0]);
  const [page, setPage] = useState(1);
  const query: Record<string, number> = status === undefined ? { page, count: 10 } : { status, page, count: 10 };
  const loaded = useLoad(() => v1<Page<T>>("GET", props.path + pageQuery(query)), [status, page]);
  const items = loaded.data?.data;
  const choose = (next: number) => {
    setStatus(next);
    setPage(1);
  };
  return (
    <section>
      <h1>{props.title}</h1>
      {props.statuses && status !== undefined && (
        <StatusTabs label="按状态筛选" options={props.statuses} value={status} onChange={choose} />
      )}
      <ListState loaded={{ ...loaded, data: items }} empty={props.empty} />
      {items && items.length > 0 && (
        <Table columns={props.columns}>
          {items.map((item) => (
            <props.Row key={item.id} item={item} reload={loaded.reload} />
          ))}
        </Table>
      )}
      {loaded.data && (
        <p class="muted">共 {loaded.data.total} 条</p>
      )}
      <Pager page={page} last={loaded.data?.last_page ?? 1} onPage={setPage} />
    </section>
  );
}

export function Table({ columns, children }: { columns: string[]; children: ComponentChildren }) {
  return (
    <table>
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col">{column}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** A table cell that names its column when the table is shown as cards. */
export function Cell({ label, children }: { label: string; children?: ComponentChildren }) {
  return <td data-label={label}>{children}</td>;
}
