// A task's page: its detail, the members it reached, the response and gathering tables
// (paged as the API pages them, `pc`/`pn`), and finishing it.
import { useState } from "preact/hooks";
import { task } from "../api";
import { ActButton } from "../decide";
import { shanghaiTime } from "../format";
import { Cell, Table } from "../queue";
import { ErrorNote, ListState, Pager, useLoad } from "../ui";
import { GATHER_STATUS, percent, RESPONSE_STATUS, TASK_STATUS } from "./labels";

interface Detail {
  task_id: number;
  title: string;
  launch_admin: string;
  launch_datetime: string;
  gather_datetime: string;
  finish_datetime: string;
  gather_place: string;
  mem_count: number;
  content: string;
  status?: string;
  detail?: number;
}

interface MemberRow {
  soldier_id: number;
  name: string;
  phone: number;
  serve_office: string;
  status: string;
  resp_time?: string;
}

interface Unit {
  name: string;
  members: { soldier_id: number; name: string }[];
}

const PER_PAGE = 20;

function Targets({ id }: { id: number }) {
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () =>
      task<{ total_mem: number; total_pages: number; offices: Unit[]; orgs: Unit[]; indiv: { soldier_id: number; name: string }[] }>(
        "GET",
        `/task/detail/mem/${id}?pc=${PER_PAGE}&pn=${page}`,
      ),
    [id, page],
  );
  const data = loaded.data;
  return (
    <section aria-label="任务成员">
      <h2>任务成员{data ? `（${data.total_mem} 人）` : ""}</h2>
      <ErrorNote message={loaded.error} />
      {data && (
        <ul class="units">
          {[...data.offices, ...data.orgs].map((unit) => (
            <li>
              <strong>{unit.name}</strong>：{unit.members.map((m) => m.name).join("、") || "—"}
            </li>
          ))}
          {data.indiv.length > 0 && (
            <li>
              <strong>个人</strong>：{data.indiv.map((m) => m.name).join("、")}
            </li>
          )}
        </ul>
      )}
      <Pager page={page} last={Math.max(1, data?.total_pages ?? 1)} onPage={setPage} />
    </section>
  );
}

function Members({ id, kind }: { id: number; kind: "response" | "gather" }) {
  const [page, setPage] = useState(1);
  const loaded = useLoad(
    () =>
      task<{
        total_pages: number;
        total_mem: number;
        mem_list: MemberRow[];
        response_count?: number;
        accept_count?: number;
        avg_resp_time?: string;
        check_count?: number;
      }>("GET", `/task/${kind}/${id}?pc=${PER_PAGE}&pn=${page}`),
    [id, kind, page],
  );
  const data = loaded.data;
  const labels = kind === "response" ? RESPONSE_STATUS : GATHER_STATUS;
  return (
    <section aria-label={kind === "response" ? "响应情况" : "集合情况"}>
      <h2>{kind === "response" ? "响应情况" : "集合情况"}</h2>
      {data && kind === "response" && (
        <p class="muted">
          已响应 {data.response_count} 人，已接受 {data.accept_count} 人，平均响应用时 {data.avg_resp_time}
        </p>
      )}
      {data && kind === "gather" && <p class="muted">已签到 {data.check_count} 人</p>}
      <ListState loaded={{ ...loaded, data: data?.mem_list }} empty="暂无成员" />
      {data && data.mem_list.length > 0 && (
        <Table columns={["姓名", "单位", "电话", "状态", "响应时间"]}>
          {data.mem_list.map((row) => (
            <tr key={row.soldier_id}>
              <Cell label="姓名">{row.name}</Cell>
              <Cell label="单位">{row.serve_office}</Cell>
              <Cell label="电话">{row.phone}</Cell>
              <Cell label="状态">{labels[row.status] ?? row.status}</Cell>
              <Cell label="响应时间">{shanghaiTime(row.resp_time)}</Cell>
            </tr>
          ))}
        </Table>
      )}
      <Pager page={page} last={Math.max(1, data?.total_pages ?? 1)} onPage={setPage} />
    </section>
  );
}

export function TaskDetail({ id }: { id: number }) {
  const loaded = useLoad(() => task<Detail>("GET", `/task/detail/${id}`), [id]);
  const detail = loaded.data;
  return (
    <section>
      <ListState loaded={{ ...loaded, data: detail ? [detail] : undefined }} empty="" />
      {detail && (
        <>
          <h1>{detail.title}</h1>
          <dl class="facts">
            <dt>状态</dt>
            <dd>{detail.status ? TASK_STATUS[detail.status] : "已完成"}</dd>
            <dt>进度</dt>
            <dd>{percent(detail.detail)}</dd>
            <dt>发布人</dt>
            <dd>{detail.launch_admin}</dd>
            <dt>发布时间</dt>
            <dd>{shanghaiTime(detail.launch_datetime)}</dd>
            <dt>集合时间</dt>
            <dd>{shanghaiTime(detail.gather_datetime)}</dd>
            <dt>结束时间</dt>
            <dd>{shanghaiTime(detail.finish_datetime)}</dd>
            <dt>集合地点</dt>
            <dd>{detail.gather_place}</dd>
            <dt>需要人数</dt>
            <dd>{detail.mem_count}</dd>
            <dt>任务详情</dt>
            <dd>{detail.content || "—"}</dd>
          </dl>
          {detail.status && (
            <ActButton
              label="结束任务"
              danger
              act={async () => {
                if (!confirm(`结束任务「${detail.title}」？`)) return;
                await task("PUT", "/task/finish", { task_id: id });
              }}
              then={loaded.reload}
            />
          )}
          <Targets id={id} />
          <Members id={id} kind="response" />
          <Members id={id} kind="gather" />
        </>
      )}
    </section>
  );
}
