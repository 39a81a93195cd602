// 服务审核: services by status; approve or refuse a pending one, force a listed one off
// the shelf.
import { v1 } from "../api";
import { Audit, WithReason } from "../decide";
import { shanghaiTime, yuan } from "../format";
import { Cell, Queue, type RowProps } from "../queue";
import { Photo } from "../ui";

interface Service {
  id: number;
  title: string;
  price: string;
  status: number;
  create_time: string;
  category: { name: string };
  cover_image: { sml: string; mid: string } | null;
  publisher: { nickname: string; tel: string | null };
}

const STATUSES: [number, string][] = [
  [0, "待审核"],
  [1, "待发布"],
  [2, "已发布"],
  [3, "已下架"],
  [5, "审核不通过"],
];

function Row({ item, reload }: RowProps<Service>) {
  const audit = (approve: boolean, reason: string | null) =>
    v1("POST", `/v1/admin/service/${item.id}/audit`, { approve, reason });
  return (
    <tr>
      <Cell label="封面">
        <Photo photo={item.cover_image} alt={`${item.title}的封面`} />
      </Cell>
      <Cell label="服务">
        <strong>{item.title}</strong>
        <div class="muted">{item.category.name}</div>
      </Cell>
      <Cell label="价格">{yuan(item.price)}</Cell>
      <Cell label="发布者">
        {item.publisher.nickname}
        <div class="muted">{item.publisher.tel ?? "—"}</div>
      </Cell>
      <Cell label="提交时间">{shanghaiTime(item.create_time)}</Cell>
      <Cell label="操作">
        {item.status === 0 && <Audit audit={audit} then={reload} />}
        {(item.status === 1 || item.status === 2) && (
          <WithReason
            label="强制下架"
            reasonLabel="下架理由"
            act={(reason) => v1("POST", `/v1/admin/service/${item.id}/off-shelf`, { reason })}
            then={reload}
          />
        )}
      </Cell>
    </tr>
  );
}

export function ServiceQueue() {
  return (
    <Queue<Service>
      title="服务审核"
      path="/v1/admin/services"
      statuses={STATUSES}
      columns={["封面", "服务", "价格", "发布者", "提交时间", "操作"]}
      Row={Row}
      empty="没有此状态的服务"
    />
  );
}
