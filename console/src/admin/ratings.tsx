// 评价管理: ratings by status; show, hold or hide one.
import { v1 } from "../api";
import { ActButton } from "../decide";
import { shanghaiTime } from "../format";
import { Cell, Queue, type RowProps } from "../queue";
import { Photo } from "../ui";

interface Rating {
  id: number;
  score: number;
  content: string;
  illustration: string[];
  status: number;
  create_time: string;
  author: { nickname: string };
  service_title: string | null;
  service_cover: { sml: string; mid: string } | null;
}

const STATUSES: [number, string][] = [
  [1, "待审核"],
  [2, "已显示"],
  [0, "已隐藏"],
];

const MOVES: [number, string][] = [
  [2, "显示"],
  [1, "待定"],
  [0, "隐藏"],
];

function Row({ item, reload }: RowProps<Rating>) {
  return (
    <tr>
      <Cell label="服务">
        <Photo photo={item.service_cover} alt={`${item.service_title ?? "服务"}的封面`} />
        <div>{item.service_title ?? "—"}</div>
      </Cell>
      <Cell label="评分">{"★".repeat(item.score)}</Cell>
      <Cell label="评价内容">
        {item.content}
        <div class="photos">
          {item.illustration.map((url, index) => (
            <a href={url} target="_blank" rel="noreferrer">
              <img class="thumb" src={url} alt={`评价图片 ${index + 1}`} loading="lazy" />
            </a>
          ))}
        </div>
      </Cell>
      <Cell label="评价人">{item.author.nickname}</Cell>
      <Cell label="时间">{shanghaiTime(item.create_time)}</Cell>
      <Cell label="操作">
        {MOVES.filter(([status]) => status !== item.status).map(([status, label]) => (
          <ActButton
            label={label}
            danger={status === 0}
            act={() => v1("POST", `/v1/admin/rating/${item.id}/status`, { status })}
            then={reload}
          />
        ))}
      </Cell>
    </tr>
  );
}

export function RatingQueue() {
  return (
    <Queue<Rating>
      title="评价管理"
      path="/v1/admin/ratings"
      statuses={STATUSES}
      columns={["服务", "评分", "评价内容", "评价人", "时间", "操作"]}
      Row={Row}
      empty="没有此状态的评价"
    />
  );
}
