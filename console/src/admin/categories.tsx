// 服务分类: the categories, a new one, and renaming one.
import { useState } from "preact/hooks";
import { v1 } from "../api";
import { Cell, Table } from "../queue";
import { DoneNote, ErrorNote, Field, ListState, useAction, useLoad } from "../ui";

interface Category {
  id: number;
  name: string;
}

function Rename({ category, reload }: { category: Category; reload: () => void }) {
  const [name, setName] = useState(category.name);
  const action = useAction();
  return (
    <form
      class="reason"
      onSubmit={(event) => {
        event.preventDefault();
        action.run(async () => {
          await v1("PUT", `/v1/admin/category/${category.id}`, { name: name.trim() });
          reload();
          return "已保存";
        });
      }}
    >
      <input aria-label={`分类 ${category.id} 的名称`} maxLength={20} required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <button type="submit" disabled={action.busy || name.trim() === category.name}>
        {action.busy ? "保存中…" : "改名"}
      </button>
      <ErrorNote message={action.error} />
      <DoneNote message={action.done} />
    </form>
  );
}

export function Categories() {
  const loaded = useLoad(() => v1<Category[]>("GET", "/v1/category"), []);
  const [name, setName] = useState("");
  const create = useAction();
  return (
    <section>
      <h1>服务分类</h1>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          create.run(async () => {
            await v1("POST", "/v1/admin/category", { name: name.trim() });
            setName("");
            loaded.reload();
            return "已新增";
          });
        }}
      >
        <Field label="新分类名称">
          <input maxLength={20} required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={create.busy}>
          {create.busy ? "提交中…" : "新增分类"}
        </button>
      </form>
      <ErrorNote message={create.error} />
      <DoneNote message={create.done} />
      <ListState loaded={loaded} empty="还没有分类" />
      {loaded.data && loaded.data.length > 0 && (
        <Table columns={["编号", "名称"]}>
          {loaded.data.map((category) => (
            <tr key={category.id}>
              <Cell label="编号">{category.id}</Cell>
              <Cell label="名称">
                <Rename category={category} reload={loaded.reload} />
              </Cell>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
