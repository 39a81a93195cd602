// What the browser tests share: the running stack's address, Debian's Chromium driven
// headless by playwright-core, the API calls that set a scene up, signing in through the
// console's form, and the screenshot each test ends with.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before } from "node:test";
import { chromium, type Browser, type Page, type Response } from "playwright-core";

export const API_URL = (process.env.API_URL ?? "http://127.0.0.1:9000").replace(/\/$/, "");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = process.env.SCREENSHOTS ?? join(import.meta.dirname, "..", "test-output");

/** The demo fixture's pairs (scripts/dev loads it). */
export const ADMIN = { i_code: "admin-demo", order_no: 20260101 };
export const PUBLISHER = { i_code: "publisher-demo", order_no: 20260105 };
export const CONSUMER = { i_code: "consumer-demo", order_no: 20260106 };
export const COMPANY = { i_code: "company-demo", order_no: 20260102 };
export const DESIGNER = { i_code: "designer-demo", order_no: 20260103 };
/** The mobilization demo directory: every member signs in as `mob-{id}` / id. */
export const member = (soldierId: number) => ({ i_code: `mob-${soldierId}`, order_no: soldierId });

/** Something unique to this run, so a test finds its own rows among earlier ones. */
export const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** One Chromium for the test file: started before its first test, closed after its last.
 *  Answers a getter for it. */
export function withBrowser(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Root in a container has no user namespace for Chromium's sandbox.
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    });
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("Chromium has not started");
    return browser;
  };
}

/** What went wrong in the pages' loading (server errors, failed requests, script errors). */
const problems: string[] = [];

/** A page at desktop (1280 px) or phone (390 px) width, in Asia/Shanghai and zh-CN. */
export async function newPage(browser: Browser, width: "desktop" | "phone" = "desktop"): Promise<Page> {
  const context = await browser.newContext({
    viewport: width === "desktop" ? { width: 1280, height: 900 } : { width: 390, height: 844 },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("response", (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on("requestfailed", (request) => problems.push(`failed ${request.url()}: ${request.failure()?.errorText}`));
  page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the console's form, as a platform user or as a commander. */
/** Opens the console. `cargo lambda watch` now and then answers 500 for the page's script
 *  although the function answered 200 (its log shows it; API Gateway has no such fault): a
 *  load whose script failed that way is tried once more, and a second failure stands. */
export async function openConsole(page: Page) {
  for (let attempt = 1; ; attempt++) {
    let scriptFailed = false;
    const watch = (response: Response) => {
      if (response.status() >= 500 && response.url().includes("/console/assets/")) scriptFailed = true;
    };
    page.on("response", watch);
    await page.goto(`${API_URL}/console`, { waitUntil: "load" });
    page.off("response", watch);
    if (!scriptFailed || attempt === 2) return;
  }
}

export async function signInAt(page: Page, pair: { i_code: string; order_no: number }, as: "platform" | "commander") {
  await openConsole(page);
  await page
    .getByRole("form", { name: "登录" })
    .waitFor()
    .catch(async (error) => {
      const shown = await page.locator("body").innerText();
      throw new Error(`no sign-in form; the page shows "${shown}"; ${problems.join("; ")}`, { cause: error });
    });
  await page.getByLabel(as === "platform" ? "平台管理员 / 设计公司" : "民兵指挥员").check();
  await page.getByLabel("识别码（i_code）").fill(pair.i_code);
  await page.getByLabel("订单号（order_no）").fill(String(pair.order_no));
  await page.getByRole("button", { name: "登录" }).click();
  await page.getByRole("button", { name: "退出登录" }).waitFor();
}

// ---- The API, as the mini programs and the mobilization client call it ----

/** A homemaking route with the `token` header; answers `data`, throws on any error. */
export async function v1<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.token = token;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(API_URL + path, { method, headers, body: payload });
  const answer = await response.json();
  if (!response.ok || answer.error_code !== 0) {
    throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(answer)}`);
  }
  return answer.data as T;
}

export async function tokenOf(pair: { i_code: string; order_no: number }): Promise<string> {
  return (await v1<{ token: string }>("POST", "/v1/token", undefined, pair)).token;
}

/** A mobilization route with a member's login cookie: status and bare body. */
export async function task(method: string, path: string, cookie?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(API_URL + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** Logs a member in at `POST /user`; answers the `token=…` cookie to send back. */
export async function memberCookie(pair: { i_code: string; order_no: number }): Promise<string> {
  const login = await task("POST", "/user", undefined, pair);
  if (login.status !== 200) throw new Error(`POST /user → ${login.status} ${JSON.stringify(login.body)}`);
  const cookie = login.headers.get("set-cookie")?.split(";")[0];
  if (!cookie?.startsWith("token=")) throw new Error("POST /user set no token cookie");
  return cookie;
}

// A grey 8×8 baseline JPEG (160 bytes), as scripts/smoke uploads.
const PHOTO = Buffer.from(
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wAALCAAIAAgBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AQD//2Q==",
  "base64",
);

/** Uploads a photo as `token`'s user (`POST /v1/file`, multipart); answers its file id. */
export async function uploadPhoto(token: string): Promise<number> {
  const form = new FormData();
  form.append("photo", new Blob([PHOTO], { type: "image/jpeg" }), "photo.jpg");
  const files = await v1<{ id: number }[]>("POST", "/v1/file", token, form);
  return files[0].id;
}

/** A new service of the demo publisher, waiting for the platform's audit (status 0). */
export async function pendingService(publisher: string, title: string): Promise<number> {
  const [category] = await v1<{ id: number }[]>("GET", "/v1/category");
  const created = await v1<{ service_id: string }>("POST", "/v1/service", publisher, {
    type: 1,
    title,
    category_id: category.id,
    cover_image_id: await uploadPhoto(publisher),
    designated_place: 0,
    description: "上门深度保洁，含厨房油污与卫生间除垢。",
    begin_date: "2026-01-01",
    end_date: "2027-12-31",
    price: "188",
  });
  return Number(created.service_id);
}
