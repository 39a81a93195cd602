// 进行中 / 已完成: the tasks of the commander's scope, with their state and progress.
import { useState } from "preact/hooks";
import { task } from "../api";
import { shanghaiTime } from "../format";
import { Cell, Table } from "../queue";
import { ListState, Pager, useLoad } from "../ui";
import { percent, TASK_STATUS } from "./labels";

interface TaskRow {
  task_id: number;
  title: string;
  launch_admin: string;
  launch_datetime: string;
  gather_datetime?: string;
  finish_datetime?: string;
  gather_place: string;
  status?: string;
  detail?: number;
  mem_count: number;
  response_count?: number;
  accept_count?: number;
  check_count?: number;
}

const PER_PAGE = 10;

export function TaskList({ kind }: { kind: "working" | "done" }) {
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () => task<{ total_pages: number; total_tasks: number; data: TaskRow[] }>("GET", `/task/${kind}/${PER_PAGE}/${page}`),
    [kind, page],
  );
  const rows = loaded.data?.data;
  return (
    <section>
      <h1>{kind === "working" ? "进行中的任务" : "已完成的任务"}</h1>
      <ListState loaded={{ ...loaded, data: rows }} empty="没有任务" />
      {rows && rows.length > 0 && (
        <Table columns={["任务", "发布人", "集合", "状态", "进度", "响应 / 接受 / 签到"]}>
          {rows.map((row) => (
            <tr key={row.task_id}>
              <Cell label="任务">
                <a href={`#/tasks/${row.task_id}`}>{row.title}</a>
                <div class="muted">发布于 {shanghaiTime(row.launch_datetime)}</div>
              </Cell>
              <Cell label="发布人">{row.launch_admin}</Cell>
              <Cell label="集合">
                {row.gather_place}
                <div class="muted">{shanghaiTime(row.gather_datetime)}</div>
              </Cell>
              <Cell label="状态">{row.status ? TASK_STATUS[row.status] : "已完成"}</Cell>
              <Cell label="进度">
                {row.detail !== undefined ? (
                  <progress max={1} value={row.detail} aria-label={`${row.title}的进度`}>
                    {percent(row.detail)}
                  </progress>
                ) : null}{" "}
                {percent(row.detail)}
              </Cell>
              <Cell label="响应 / 接受 / 签到">
                {row.response_count ?? 0} / {row.accept_count ?? 0} / {row.check_count ?? 0}（需 {row.mem_count} 人）
              </Cell>
            </tr>
          ))}
        </Table>
      )}
      {loaded.data && <p class="muted">共 {loaded.data.total_tasks} 个任务</p>}
      <Pager page={page} last={loaded.data?.total_pages ?? 1} onPage={setPage} />
    </section>
  );
}
