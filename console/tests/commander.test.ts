// The commander's flows: publishing a task in the form reaches the members it names.
import assert from "node:assert/strict";
import { test } from "node:test";
import { withBrowser, member, memberCookie, newPage, screenshot, signInAt, stamp, task } from "./support";

// The demo directory: 海珠区人武部 (office 2) is commanded by member 2; its organisation 201
// has 15 members, 120101–120115.
const DISTRICT_COMMANDER = member(2);
const ORG_MEMBER = member(120_101);

const browser = withBrowser();

test("a commander publishes a task in the form and a member's /task/mine lists it", async () => {
  const title = `防汛集结 ${stamp()}`;
  const page = await newPage(browser());
  await signInAt(page, DISTRICT_COMMANDER, "commander");
  await page.getByRole("link", { name: "发布任务" }).click();
  await page.getByLabel("任务名称").fill(title);
  await page.getByLabel("需要人数").fill("3");
  await page.getByLabel("集合地点").selectOption({ label: "海珠广场" });
  await page.getByLabel("任务详情").fill("携带雨具，到场签到");
  await page.getByLabel("201民兵连（整个组织）").check();
  await page.getByRole("button", { name: "发布任务" }).click();

  // The task's own page: its detail, and the organisation's members reached.
  await page.getByRole("heading", { name: title }).waitFor();
  const targets = page.getByRole("region", { name: "任务成员" });
  await targets.getByText("（15 人）").or(targets.getByText("（16 人）")).waitFor();

  const cookie = await memberCookie(ORG_MEMBER);
  const mine = await task("GET", "/task/mine/20/1", cookie);
  assert.equal(mine.status, 200);
  assert.ok(
    mine.body.data.some((row: { title: string }) => row.title === title),
    `not in /task/mine: ${JSON.stringify(mine.body)}`,
  );

  await page.getByRole("link", { name: "进行中的任务" }).click();
  await page.getByRole("link", { name: title }).waitFor();
  await screenshot(page, "commander-publishes-task");
});
