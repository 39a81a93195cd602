// The design workflow's audits: the platform checks the deposit, retainage and CAD vouchers
// (steps 5, 10, 12), a design company its designers' first and final drafts (steps 2, 7).
// Each item shows what was uploaded — photos, rooms, amounts — and is approved or sent back
// with a reason through the process's next step.
import { v1 } from "../api";
import { Audit } from "../decide";
import { shanghaiTime, yuan } from "../format";
import { Cell, Queue, type RowProps } from "../queue";
import { COMPANY_QUEUE } from "../session";
import { Photo } from "../ui";

type Picture = { sml: string; mid: string };

interface AuditItem {
  id: number;
  task_id: number;
  title: string;
  designer_id: number;
  designer: { nickname: string } | null;
  customer: { nickname: string; tel: string | null } | null;
  step_id: number;
  time: number;
  first_draft?: { photo: Picture; explain: string; deposit: string };
  first_reception?: { photo: Picture; amount: number };
  final_draft?: {
    room_list: { name: string; explain: string; part: { name: string; photo: Picture }[] }[];
    explain: string;
    retainage: string;
    practical_area: number;
    practical_style: string;
    charge: string;
    design_budget: string;
    is_quota: boolean;
  };
  final_reception?: { photo: Picture; amount: number };
  cad_reception?: { photo: Picture };
}

/** Each audited step: its name, and the process step that audits it. */
const STEPS: Record<number, [string, string]> = {
  2: ["初稿", "first-draft-audit"],
  5: ["定金凭证", "deposit-audit"],
  7: ["终稿", "final-draft-audit"],
  10: ["尾款凭证", "retainage-audit"],
  12: ["CAD 图纸", "cad-audit"],
};

function Upload({ item }: { item: AuditItem }) {
  if (item.first_draft) {
    const draft = item.first_draft;
    return (
      <div>
        <Photo photo={draft.photo} alt={`${item.title}初稿`} />
        <p>{draft.explain}</p>
        <p class="muted">定金 {yuan(draft.deposit)}</p>
      </div>
    );
  }
  const voucher = item.first_reception ?? item.final_reception;
  if (voucher) {
    return (
      <div>
        <Photo photo={voucher.photo} alt={`${item.title}${STEPS[item.step_id][0]}`} />
        <p>金额 {yuan(voucher.amount.toFixed(2))}</p>
      </div>
    );
  }
  if (item.final_draft) {
    const draft = item.final_draft;
    return (
      <div>
        <p>{draft.explain}</p>
        <p class="muted">
          {draft.practical_area}㎡ · {draft.practical_style} · 设计费 {yuan(draft.charge)} · 预算 {yuan(draft.design_budget)} · 尾款{" "}
          {yuan(draft.retainage)}
          {draft.is_quota ? " · 含报价" : ""}
        </p>
        <ul class="rooms" aria-label="房间列表">
          {draft.room_list.map((room) => (
            <li>
              <strong>{room.name}</strong>：{room.explain}
              <div class="photos">
                {room.part.map((part) => (
                  <Photo photo={part.photo} alt={`${room.name}${part.name}`} />
                ))}
              </div>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (item.cad_reception) return <Photo photo={item.cad_reception.photo} alt={`${item.title} CAD 图纸`} />;
  return <span class="muted">—</span>;
}

function Row({ item, reload }: RowProps<AuditItem>) {
  const [stepName, auditStep] = STEPS[item.step_id] ?? [`第 ${item.step_id} 步`, ""];
  const audit = (approve: boolean, reason: string | null) =>
    v1("POST", `/v1/design/task/${item.task_id}/process/${item.designer_id}/${auditStep}`, { approve, reason });
  return (
    <tr>
      <Cell label="任务">
        <strong>{item.title || `任务 ${item.task_id}`}</strong>
        <div class="muted">设计师 {item.designer?.nickname ?? item.designer_id}</div>
        <div class="muted">
          客户 {item.customer?.nickname ?? "—"} {item.customer?.tel ?? ""}
        </div>
      </Cell>
      <Cell label="待审核">{stepName}</Cell>
      <Cell label="提交内容">
        <Upload item={item} />
      </Cell>
      <Cell label="提交时间">{shanghaiTime(item.time)}</Cell>
      <Cell label="操作">
        <Audit audit={audit} refuse="驳回" then={reload} />
      </Cell>
    </tr>
  );
}

const COLUMNS = ["任务", "待审核", "提交内容", "提交时间", "操作"];

export function PlatformAudits() {
  return (
    <Queue<AuditItem>
      title="凭证审核"
      path="/v1/admin/design/processes"
      columns={COLUMNS}
      Row={Row}
      empty="没有待审核的凭证"
    />
  );
}

export function CompanyAudits() {
  return <Queue<AuditItem> title="设计稿审核" path={COMPANY_QUEUE} columns={COLUMNS} Row={Row} empty="没有待审核的设计稿" />;
}
