// 设计任务审核: design tasks by status; approve or refuse a pending one.
import { v1 } from "../api";
import { Audit } from "../decide";
import { shanghaiTime, yuan } from "../format";
import { Cell, Queue, type RowProps } from "../queue";
import { Photo } from "../ui";

interface DesignTask {
  id: number;
  title: string;
  area: number;
  style: string;
  budget: string;
  address: string | null;
  description: string;
  photos: { sml: string; mid: string }[];
  slots: number;
  taken: number;
  status: number;
  create_time: string;
  customer: { nickname: string; tel: string | null };
}

const STATUSES: [number, string][] = [
  [0, "待审核"],
  [1, "待接单"],
  [3, "进行中"],
  [4, "已完成"],
  [2, "已拒绝"],
];

function Row({ item, reload }: RowProps<DesignTask>) {
  const audit = (approve: boolean, reason: string | null) =>
    v1("POST", `/v1/admin/design/task/${item.id}/audit`, { approve, reason });
  return (
    <tr>
      <Cell label="房屋照片">
        <div class="photos">
          {item.photos.map((photo, index) => (
            <Photo photo={photo} alt={`${item.title}照片 ${index + 1}`} />
          ))}
        </div>
      </Cell>
      <Cell label="任务">
        <strong>{item.title}</strong>
        <div class="muted">
          {item.area}㎡ · {item.style} · 预算 {yuan(item.budget)}
        </div>
        <div>{item.description}</div>
      </Cell>
      <Cell label="客户">
        {item.customer.nickname}
        <div class="muted">{item.customer.tel ?? "—"}</div>
        <div class="muted">{item.address ?? ""}</div>
      </Cell>
      <Cell label="接单">
        {item.taken} / {item.slots}
      </Cell>
      <Cell label="提交时间">{shanghaiTime(item.create_time)}</Cell>
      <Cell label="操作">
        {item.status === 0 && <Audit audit={audit} then={reload} />}
      </Cell>
    </tr>
  );
}

export function DesignTaskQueue() {
  return (
    <Queue<DesignTask>
      title="设计任务审核"
      path="/v1/admin/design/tasks"
      statuses={STATUSES}
      columns={["房屋照片", "任务", "客户", "接单", "提交时间", "操作"]}
      Row={Row}
      empty="没有此状态的设计任务"
    />
  );
}
