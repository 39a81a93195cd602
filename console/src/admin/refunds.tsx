// 退款执行: refunds by status; one the publisher agreed to (1) is paid back by the
// platform, which records it here (→ 2).
import { v1 } from "../api";
import { ActButton } from "../decide";
import { shanghaiTime, yuan } from "../format";
import { Cell, Queue, type RowProps } from "../queue";

interface Party {
  nickname: string;
  tel: string | null;
}

interface Refund {
  id: number;
  order_no: number;
  reason: string;
  illustration: string[];
  status: number;
  create_time: string;
  service_order: { price: string; service_snap: { title: string } };
  publisher: Party;
  consumer: Party;
}

const STATUSES: [number, string][] = [
  [1, "待退款"],
  [0, "待同意"],
  [2, "已退款"],
  [3, "已完成"],
  [4, "已拒绝"],
  [5, "已取消"],
];

function Row({ item, reload }: RowProps<Refund>) {
  return (
    <tr>
      <Cell label="订单">
        <strong>{item.service_order.service_snap.title}</strong>
        <div class="muted">订单号 {item.order_no}</div>
      </Cell>
      <Cell label="退款金额">{yuan(item.service_order.price)}</Cell>
      <Cell label="退款理由">
        {item.reason}
        <div class="photos">
          {item.illustration.map((url, index) => (
            <a href={url} target="_blank" rel="noreferrer">
              <img class="thumb" src={url} alt={`退款凭证 ${index + 1}`} loading="lazy" />
            </a>
          ))}
        </div>
      </Cell>
      <Cell label="顾客">
        {item.consumer.nickname}
        <div class="muted">{item.consumer.tel ?? "—"}</div>
      </Cell>
      <Cell label="服务者">
        {item.publisher.nickname}
        <div class="muted">{item.publisher.tel ?? "—"}</div>
      </Cell>
      <Cell label="申请时间">{shanghaiTime(item.create_time)}</Cell>
      <Cell label="操作">
        {item.status === 1 && (
          <ActButton label="执行退款" act={() => v1("POST", `/v1/admin/refund/${item.id}/refunded`, {})} then={reload} />
        )}
      </Cell>
    </tr>
  );
}

export function RefundQueue() {
  return (
    <Queue<Refund>
      title="退款执行"
      path="/v1/admin/refunds"
      statuses={STATUSES}
      columns={["订单", "退款金额", "退款理由", "顾客", "服务者", "申请时间", "操作"]}
      Row={Row}
      empty="没有此状态的退款"
    />
  );
}
