// 发布任务: the commander's form. Common places come from /task/info, the organisations
// (with their members) from /task/orgs, and for an office commander the lower offices
// (with theirs) from /task/offices; any mix of units and single members can be tasked.
import { useState } from "preact/hooks";
import { task } from "../api";
import { fromLocalInput, shanghaiInput } from "../format";
import { go } from "../route";
import { ErrorNote, Field, useAction, useLoad } from "../ui";

interface Place {
  place_id: number;
  place_name: string;
}
interface Member {
  soldier_id: number;
  name: string;
  is_admin?: boolean;
}
interface OrgOffice {
  office_name: string;
  orgs: { org_id: number; name: string; members: Member[] }[];
  lower_offices: OrgOffice[];
}
interface OfficeNode {
  office_id: number;
  name: string;
  members: Member[];
  lower_offices: OfficeNode[];
}

/** A set of ids chosen with checkboxes. */
function useChosen() {
  const [ids, setIds] = useState<number[]>([]);
  const toggle = (id: number) => setIds((now) => (now.includes(id) ? now.filter((x) => x !== id) : [...now, id]));
  return { ids, toggle, has: (id: number) => ids.includes(id) };
}
type Chosen = ReturnType<typeof useChosen>;

function Members({ members, soldiers }: { members: Member[]; soldiers: Chosen }) {
  if (members.length === 0) return null;
  return (
    <details>
      <summary>成员（{members.length}）</summary>
      <ul class="members">
        {members.map((member) => (
          <li key={member.soldier_id}>
            <label class="inline">
              <input type="checkbox" checked={soldiers.has(member.soldier_id)} onChange={() => soldiers.toggle(member.soldier_id)} />
              {member.name}
              {member.is_admin ? "（指挥员）" : ""}
            </label>
          </li>
        ))}
      </ul>
    </details>
  );
}

function OrgTree({ office, orgs, soldiers }: { office: OrgOffice; orgs: Chosen; soldiers: Chosen }) {
  return (
    <li>
      <strong>{office.office_name}</strong>
      <ul>
        {office.orgs.map((org) => (
          <li key={org.org_id}>
            <label class="inline">
              <input type="checkbox" checked={orgs.has(org.org_id)} onChange={() => orgs.toggle(org.org_id)} />
              {org.name}（整个组织）
            </label>
            <Members members={org.members} soldiers={soldiers} />
          </li>
        ))}
        {office.lower_offices.map((lower) => (
          <OrgTree office={lower} orgs={orgs} soldiers={soldiers} />
        ))}
      </ul>
    </li>
  );
}

function OfficeTree({ office, offices, soldiers }: { office: OfficeNode; offices: Chosen; soldiers: Chosen }) {
  return (
    <li>
      <label class="inline">
        <input type="checkbox" checked={offices.has(office.office_id)} onChange={() => offices.toggle(office.office_id)} />
        {office.name}（整个单位）
      </label>
      <Members members={office.members} soldiers={soldiers} />
      {office.lower_offices.length > 0 && (
        <ul>
          {office.lower_offices.map((lower) => (
            <OfficeTree office={lower} offices={offices} soldiers={soldiers} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function PublishTask() {
  const info = useLoad(() => task<{ is_office: boolean; places: Place[] }>("GET", "/task/info"), []);
  const orgTree = useLoad(() => task<{ total_mems: number; detail: OrgOffice }>("GET", "/task/orgs"), []);
  const isOffice = info.data?.is_office === true;
  const officeTree = useLoad(
    () => (isOffice ? task<{ total_mems: number; office_detail: OfficeNode }>("GET", "/task/offices") : Promise.resolve(undefined)),
    [isOffice],
  );
  const [title, setTitle] = useState("");
  const [memCount, setMemCount] = useState("");
  const [gather, setGather] = useState(shanghaiInput(120));
  const [finish, setFinish] = useState(shanghaiInput(240));
  const [detail, setDetail] = useState("");
  const [placeId, setPlaceId] = useState("");
  const [placeName, setPlaceName] = useState("");
  const [lat, setLat] = useState("");
  const [lng, setLng] = useState("");
  const orgs = useChosen();
  const offices = useChosen();
  const soldiers = useChosen();
  const action = useAction();

  const submit = (event: Event) => {
    event.preventDefault();
    action.run(async () => {
      const newPlace = placeId === "-1";
      const created = await task<{ task_id: number }>("POST", "/task", {
        title: title.trim(),
        mem_count: Number(memCount),
        gather_datetime: fromLocalInput(gather),
        finish_datetime: fromLocalInput(finish),
        detail: detail.trim() || null,
        place_id: Number(placeId),
        place_name: newPlace ? placeName.trim() : null,
        place_lat: newPlace && lat ? Number(lat) : null,
        place_lng: newPlace && lng ? Number(lng) : null,
        accept_org_ids: orgs.ids,
        accept_office_ids: offices.ids,
        accept_soldr_ids: soldiers.ids,
      });
      go(`/tasks/${created.task_id}`);
    });
  };

  return (
    <section>
      <h1>发布任务</h1>
      <form onSubmit={submit} aria-label="发布任务">
        <div class="row">
          <Field label="任务名称">
            <input name="title" required maxLength={60} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </Field>
          <Field label="需要人数">
            <input name="mem_count" required type="number" min={1} step={1} value={memCount} onInput={(e) => setMemCount(e.currentTarget.value)} />
          </Field>
          <Field label="集合时间（北京时间）">
            <input name="gather_datetime" required type="datetime-local" value={gather} onInput={(e) => setGather(e.currentTarget.value)} />
          </Field>
          <Field label="结束时间（北京时间）">
            <input name="finish_datetime" required type="datetime-local" value={finish} onInput={(e) => setFinish(e.currentTarget.value)} />
          </Field>
        </div>
        <Field label="集合地点">
          <select name="place_id" required value={placeId} onChange={(e) => setPlaceId(e.currentTarget.value)}>
            <option value="">请选择</option>
            {info.data?.places.map((place) => (
              <option value={String(place.place_id)}>{place.place_name}</option>
            ))}
            <option value="-1">新地点…</option>
          </select>
        </Field>
        <ErrorNote message={info.error} />
        {placeId === "-1" && (
          <div class="row">
            <Field label="新地点名称">
              <input required maxLength={64} value={placeName} onInput={(e) => setPlaceName(e.currentTarget.value)} />
            </Field>
            <Field label="纬度（可不填）">
              <input type="number" step="any" min={-90} max={90} value={lat} onInput={(e) => setLat(e.currentTarget.value)} />
            </Field>
            <Field label="经度（可不填）">
              <input type="number" step="any" min={-180} max={180} value={lng} onInput={(e) => setLng(e.currentTarget.value)} />
            </Field>
          </div>
        )}
        <Field label="任务详情">
          <textarea name="detail" rows={3} maxLength={2000} value={detail} onInput={(e) => setDetail(e.currentTarget.value)} />
        </Field>
        <fieldset>
          <legend>派给组织{orgTree.data ? `（共 ${orgTree.data.total_mems} 人）` : ""}</legend>
          <ErrorNote message={orgTree.error} />
          {orgTree.loading && !orgTree.data && <p class="muted" role="status">加载中…</p>}
          {orgTree.data && (
            <ul class="tree">
              <OrgTree office={orgTree.data.detail} orgs={orgs} soldiers={soldiers} />
            </ul>
          )}
        </fieldset>
        {isOffice && (
          <fieldset>
            <legend>派给单位{officeTree.data ? `（共 ${officeTree.data.total_mems} 人）` : ""}</legend>
            <ErrorNote message={officeTree.error} />
            {officeTree.data && (
              <ul class="tree">
                <OfficeTree office={officeTree.data.office_detail} offices={offices} soldiers={soldiers} />
              </ul>
            )}
          </fieldset>
        )}
        <p class="muted">
          已选：组织 {orgs.ids.length} 个，单位 {offices.ids.length} 个，成员 {soldiers.ids.length} 名
        </p>
        <ErrorNote message={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? "发布中…" : "发布任务"}
        </button>
      </form>
    </section>
  );
}
