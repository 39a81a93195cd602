// The platform admin's flows, end to end against the local stack: what the console does
// is read back through the mini programs' own routes.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  withBrowser,
  ADMIN,
  CONSUMER,
  member,
  memberCookie,
  newPage,
  pendingService,
  PUBLISHER,
  screenshot,
  signInAt,
  stamp,
  task,
  tokenOf,
  v1,
} from "./support";

const browser = withBrowser();

test("the admin approves a service in the console and the mini program then lists it published", async () => {
  const publisher = await tokenOf(PUBLISHER);
  const title = `深度保洁 ${stamp()}`;
  const id = await pendingService(publisher, title);

  const page = await newPage(browser());
  await signInAt(page, ADMIN, "platform");
  await page.getByRole("link", { name: "服务审核" }).click();
  const row = page.getByRole("row").filter({ hasText: title });
  await row.getByRole("button", { name: "通过" }).click();
  await row.waitFor({ state: "detached" });
  await page.getByRole("button", { name: "待发布" }).click();
  await page.getByRole("row").filter({ hasText: title }).waitFor();

  // Approved is 待发布 (1); its publisher lists it, and the mini program shows it.
  assert.equal((await v1("GET", `/v1/service/${id}`, publisher)).status, 1);
  await v1("POST", `/v1/service/${id}`, publisher, { action: 1 });
  const consumer = await tokenOf(CONSUMER);
  const shown = await v1("GET", `/v1/service/${id}`, consumer);
  assert.equal(shown.status, 2);
  const listed = await v1<{ data: { id: number }[] }>("GET", "/v1/service/list?page=1&count=100");
  assert.ok(listed.data.some((service) => service.id === id), "the published service is not in /v1/service/list");
  await page.getByRole("button", { name: "已发布" }).click();
  await page.getByRole("row").filter({ hasText: title }).waitFor();
  await screenshot(page, "admin-approves-service");
});

test("a refund executed in the console (at phone width) reads status 2 through the API", async () => {
  const publisher = await tokenOf(PUBLISHER);
  const consumer = await tokenOf(CONSUMER);
  const admin = await tokenOf(ADMIN);
  const title = `家电清洗 ${stamp()}`;
  const service = await pendingService(publisher, title);
  await v1("POST", `/v1/admin/service/${service}/audit`, admin, { approve: true });
  await v1("POST", `/v1/service/${service}`, publisher, { action: 1 });
  const { order_id: order } = await v1("POST", "/v1/order", consumer, { service_id: service });
  await v1("POST", `/v1/order/${order}`, publisher, { action: 1 });
  await v1("POST", `/v1/order/${order}`, consumer, { action: 3 });
  const { id: refund } = await v1<{ id: string }>("POST", "/v1/refund", consumer, { order_id: order, reason: "师傅没有按时上门" });
  await v1("POST", `/v1/refund/${refund}`, publisher, { action: 1 });

  const page = await newPage(browser(), "phone");
  await signInAt(page, ADMIN, "platform");
  await page.getByRole("button", { name: "菜单" }).click();
  await page.getByRole("link", { name: "退款执行" }).click();
  const row = page.getByRole("row").filter({ hasText: title });
  await row.getByRole("button", { name: "执行退款" }).click();
  await row.waitFor({ state: "detached" });

  assert.equal((await v1("GET", `/v1/refund/${refund}`, consumer)).status, 2);
  await page.getByRole("button", { name: "已退款" }).click();
  await page.getByRole("row").filter({ hasText: title }).waitFor();
  await screenshot(page, "admin-executes-refund-phone");
});

test("a directory import with a bad row shows the row and writes nothing", async () => {
  const good = 990_000 + Math.floor(Math.random() * 9_000);
  const directory = {
    offices: [],
    orgs: [],
    members: [
      { soldier_id: good, name: "新民兵", phone: 13900000000, im_user_id: 9_000_001, is_admin: false, i_code: `mob-${good}`, order_no: good, office_id: 2 },
      { soldier_id: good + 1, name: "错行民兵", phone: 13900000001, im_user_id: 9_000_002, is_admin: false, i_code: `mob-${good + 1}`, order_no: good + 1, org_id: 987654 },
    ],
  };

  const page = await newPage(browser());
  await signInAt(page, ADMIN, "platform");
  await page.getByRole("link", { name: "民兵目录导入" }).click();
  await page.getByLabel("或粘贴目录 JSON").fill(JSON.stringify(directory, null, 2));
  await page.getByRole("button", { name: "导入" }).click();
  const bad = page.getByRole("group", { name: "有误的行" });
  await bad.waitFor();
  assert.match(await bad.innerText(), /第 2 行（members\[1\]）/);
  assert.match(await bad.innerText(), /错行民兵/);
  assert.match(await page.getByRole("alert").innerText(), /members\[1\]/);

  // Nothing written: 海珠区人武部 (office 2), where the good row would have put its member,
  // still lists only its own (the commander's /task/offices shows each office's members).
  const offices = await task("GET", "/task/offices", await memberCookie(member(2)));
  assert.equal(offices.status, 200);
  const listed = JSON.stringify(offices.body);
  assert.match(listed, /指挥官2/, "the office's members are not in the answer");
  assert.doesNotMatch(listed, new RegExp(`${good}|新民兵`));
  await screenshot(page, "admin-directory-import-bad-row");
});
