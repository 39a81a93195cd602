// 民兵目录导入: paste or upload the directory JSON (`{offices, orgs, members}`); the API
// checks every row before it writes any, and names the first bad one, shown here with the
// row's content. Nothing is written when a row is refused.
import { useState } from "preact/hooks";
import { RequestError, task } from "../api";
import { DoneNote, ErrorNote, Field, useAction } from "../ui";

type Directory = Record<string, unknown[]>;

const SECTIONS: [string, string][] = [
  ["offices", "人武部"],
  ["orgs", "组织"],
  ["members", "民兵"],
];

/** The row an import error names (`members[3]: …` or `members[3].phone: …`). */
export function rowOf(message: string): { section: string; index: number } | undefined {
  const found = message.match(/\b(offices|orgs|members)\[(\d+)\]/);
  return found ? { section: found[1], index: Number(found[2]) } : undefined;
}

function parse(text: string): Directory {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RequestError(`不是有效的 JSON：${(error as Error).message}`, 400);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RequestError("目录须为对象：{offices, orgs, members}", 400);
  }
  return value as Directory;
}

export function DirectoryImport() {
  const [text, setText] = useState("");
  const [bad, setBad] = useState<{ section: string; index: number; row: unknown }>();
  const action = useAction();
  const load = async (file: File | undefined) => {
    if (file) setText(await file.text());
  };
  const submit = (event: Event) => {
    event.preventDefault();
    setBad(undefined);
    action.run(async () => {
      const directory = parse(text);
      try {
        const written = await task<{ offices: number; orgs: number; members: number }>("PUT", "/task/directory", directory);
        return `已导入：人武部 ${written.offices} 个，组织 ${written.orgs} 个，民兵 ${written.members} 名`;
      } catch (error) {
        const at = error instanceof Error ? rowOf(error.message) : undefined;
        if (at) setBad({ ...at, row: directory[at.section]?.[at.index] });
        throw error;
      }
    });
  };
  return (
    <section>
      <h1>民兵目录导入</h1>
      <p class="muted">按编号导入或替换人武部、组织和民兵；任一行有误时不写入任何数据。</p>
      <form onSubmit={submit} aria-label="导入目录">
        <Field label="上传 JSON 文件">
          <input type="file" accept="application/json,.json" onChange={(e) => load(e.currentTarget.files?.[0])} />
        </Field>
        <Field label="或粘贴目录 JSON">
          <textarea name="directory" rows={12} spellcheck={false} required value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={action.busy}>
          {action.busy ? "导入中…" : "导入"}
        </button>
      </form>
      <ErrorNote message={action.error} />
      {bad && (
        <div class="card bad-row" role="group" aria-label="有误的行">
          <h2>
            有误的行：{SECTIONS.find(([s]) => s === bad.section)?.[1] ?? bad.section}第 {bad.index + 1} 行（{bad.section}[{bad.index}]）
          </h2>
          <pre>{JSON.stringify(bad.row, null, 2) ?? "（此行不存在）"}</pre>
          <p>未写入任何数据。</p>
        </div>
      )}
      <DoneNote message={action.done} />
    </section>
  );
}
