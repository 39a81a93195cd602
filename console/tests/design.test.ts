// The design workflow's audits in the console: the company approves its designer's first
// draft, the platform the customer's deposit voucher; each approval reads back through
// the process route.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Locator } from "playwright-core";
import {
  withBrowser,
  ADMIN,
  API_URL,
  COMPANY,
  CONSUMER,
  DESIGNER,
  newPage,
  screenshot,
  signInAt,
  stamp,
  tokenOf,
  uploadPhoto,
  v1,
} from "./support";

const browser = withBrowser();

/** The upload named `field` in the process's step list, as the process route answers it. */
async function upload(task: number, designer: number, token: string, field: string) {
  const response = await fetch(`${API_URL}/v1/design/task/${task}/process/${designer}`, { headers: { token } });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  const entry = body.process.step_list.find((step: Record<string, unknown>) => step && field in step);
  assert.ok(entry, `no ${field} in ${JSON.stringify(body.process.step_list)}`);
  return entry[field];
}

/** Waits until the photo has loaded from the asset host (its `sml` variant). */
async function shown(photo: Locator) {
  await photo.waitFor();
  for (let tries = 0; tries < 50; tries++) {
    if (await photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`the photo ${await photo.getAttribute("src")} did not load`);
}

test("the company approves a first draft and the platform a deposit voucher, with their photos shown", async () => {
  const [customer, admin, designer] = await Promise.all([tokenOf(CONSUMER), tokenOf(ADMIN), tokenOf(DESIGNER)]);
  const designerId = (await v1<{ id: number }>("GET", "/v1/user", designer)).id;
  const title = `三居室设计 ${stamp()}`;
  const { id: task } = await v1<{ id: number }>("POST", "/v1/design/task", customer, {
    title,
    area: 96,
    style: "现代简约",
    budget: "30000",
    address: "广州市海珠区新港中路 397 号",
    description: "客厅要开阔，主卧带衣帽间。",
    photos: [await uploadPhoto(customer)],
    slots: 3,
  });
  await v1("POST", `/v1/admin/design/task/${task}/audit`, admin, { approve: true });
  await v1("POST", `/v1/design/task/${task}/grab`, designer, {});
  const step = (name: string, token: string, body: unknown) =>
    v1("POST", `/v1/design/task/${task}/process/${designerId}/${name}`, token, body);
  await step("first-draft", designer, { photo: await uploadPhoto(designer), explain: "客厅以浅色为主", deposit: "2000" });

  // The company's queue shows the draft with its photo; approving it lets the customer choose.
  const page = await newPage(browser());
  await signInAt(page, COMPANY, "platform");
  await page.getByRole("link", { name: "设计稿审核" }).click();
  const draft = page.getByRole("row").filter({ hasText: title });
  await shown(draft.getByRole("img", { name: `${title}初稿` }));
  await draft.getByRole("button", { name: "通过" }).click();
  await draft.waitFor({ state: "detached" });
  assert.equal((await upload(task, designerId, customer, "first_draft")).audit_status, 1);
  await screenshot(page, "company-approves-first-draft");

  await step("first-draft-choice", customer, { choose: 1 });
  await step("deposit-voucher", customer, { photo: await uploadPhoto(customer), amount: 2000 });

  await page.getByRole("button", { name: "退出登录" }).click();
  await signInAt(page, ADMIN, "platform");
  await page.getByRole("link", { name: "凭证审核" }).click();
  const voucher = page.getByRole("row").filter({ hasText: title });
  await voucher.getByText("金额 ¥2000.00").waitFor();
  await shown(voucher.getByRole("img", { name: `${title}定金凭证` }));
  await voucher.getByRole("button", { name: "通过" }).click();
  await voucher.waitFor({ state: "detached" });
  assert.equal((await upload(task, designerId, customer, "first_reception")).audit_status, 1);
  await screenshot(page, "admin-approves-deposit-voucher");
});
