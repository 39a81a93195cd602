// 登录凭证: the registered pairs (numbers masked), registering one, and removing one
// (its user's sessions end).
import { useState } from "preact/hooks";
import { pageQuery, v1, type Page } from "../api";
import { ActButton } from "../decide";
import { Cell, Table } from "../queue";
import { DoneNote, ErrorNote, Field, ListState, Pager, useAction, useLoad } from "../ui";

interface Credential {
  id: number;
  i_code: string;
  order_no: string;
  roles: string[];
  user_id: number | null;
}

const ROLES: [string, string][] = [
  ["admin", "平台管理员"],
  ["company", "设计公司"],
  ["designer", "设计师"],
];

const roleName = (role: string) => ROLES.find(([r]) => r === role)?.[1] ?? role;

function Register({ registered }: { registered: () => void }) {
  const [iCode, setICode] = useState("");
  const [orderNo, setOrderNo] = useState("");
  const [nickname, setNickname] = useState("");
  const [companyId, setCompanyId] = useState("");
  const [roles, setRoles] = useState<string[]>([]);
  const action = useAction();
  const toggle = (role: string) =>
    setRoles(roles.includes(role) ? roles.filter((r) => r !== role) : [...roles, role]);
  const submit = (event: Event) => {
    event.preventDefault();
    action.run(async () => {
      const created = await v1<{ i_code: string; order_no: number }>("POST", "/v1/admin/credential", {
        i_code: iCode.trim(),
        order_no: Number(orderNo),
        roles,
        nickname: nickname.trim() || null,
        company_id: companyId ? Number(companyId) : null,
      });
      setICode("");
      setOrderNo("");
      setNickname("");
      setCompanyId("");
      setRoles([]);
      registered();
      return `已登记 ${created.i_code} / ${created.order_no}（订单号只显示这一次）`;
    });
  };
  return (
    <form class="card" onSubmit={submit} aria-label="登记凭证">
      <h2>登记凭证</h2>
      <div class="row">
        <Field label="识别码（i_code）">
          <input required maxLength={64} value={iCode} onInput={(e) => setICode(e.currentTarget.value)} />
        </Field>
        <Field label="订单号（order_no）">
          <input required inputMode="numeric" pattern="[0-9]+" value={orderNo} onInput={(e) => setOrderNo(e.currentTarget.value)} />
        </Field>
        <Field label="昵称">
          <input maxLength={32} value={nickname} onInput={(e) => setNickname(e.currentTarget.value)} />
        </Field>
        <Field label="所属设计公司编号（设计师填写）">
          <input inputMode="numeric" pattern="[0-9]*" value={companyId} onInput={(e) => setCompanyId(e.currentTarget.value)} />
        </Field>
      </div>
      <fieldset>
        <legend>角色</legend>
        {ROLES.map(([role, name]) => (
          <label class="inline">
            <input type="checkbox" checked={roles.includes(role)} onChange={() => toggle(role)} />
            {name}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={action.busy}>
        {action.busy ? "提交中…" : "登记"}
      </button>
      <ErrorNote message={action.error} />
      <DoneNote message={action.done} />
    </form>
  );
}

export function Credentials() {
  const [page, setPage] = useState(1);
  const loaded = useLoad(() => v1<Page<Credential>>("GET", "/v1/admin/credential" + pageQuery({ page, count: 20 })), [page]);
  const items = loaded.data?.data;
  return (
    <section>
      <h1>登录凭证</h1>
      <Register registered={loaded.reload} />
      <ListState loaded={{ ...loaded, data: items }} empty="还没有登记的凭证" />
      {items && items.length > 0 && (
        <Table columns={["编号", "识别码", "订单号", "角色", "用户", "操作"]}>
          {items.map((credential) => (
            <tr key={credential.id}>
              <Cell label="编号">{credential.id}</Cell>
              <Cell label="识别码">{credential.i_code}</Cell>
              <Cell label="订单号">{credential.order_no}</Cell>
              <Cell label="角色">{credential.roles.map(roleName).join("、") || "—"}</Cell>
              <Cell label="用户">{credential.user_id ?? "未登录过"}</Cell>
              <Cell label="操作">
                <ActButton
                  label="吊销"
                  danger
                  act={async () => {
                    if (!confirm(`吊销凭证 ${credential.i_code}？其用户将立即退出登录。`)) return;
                    await v1("DELETE", `/v1/admin/credential/${credential.id}`);
                  }}
                  then={loaded.reload}
                />
              </Cell>
            </tr>
          ))}
        </Table>
      )}
      <Pager page={page} last={loaded.data?.last_page ?? 1} onPage={setPage} />
    </section>
  );
}
