import { type Browser, type BrowserContext, expect, type Locator, type Page, test, type TestInfo } from "@playwright/test";
import { readFile } from "node:fs/promises";

/** A phone number of its own for each test and project, so limits never collide. */
export function phoneFor(testInfo: TestInfo, n: number): string {
  const project = testInfo.project.name === "phone" ? 1 : 2;
  return `+998 97 ${project}00 ${String(n).padStart(2, "0")} ${String(testInfo.retry).padStart(2, "0")}`;
}

/**
 * The headers a browser's own POST carries: a write with a session cookie must say where it
 * came from (Playwright's request API sends no Origin by itself).
 */
export function sameSite(page: Page): Record<string, string> {
  return { Origin: new URL(page.url()).origin };
}

/** The code in the newest message to `phone` (a sign-in, an invitation, a confirmation), from the development outbox. */
export async function lastCode(page: Page, phone: string): Promise<string> {
  const messages = await (await page.request.get(`/dev/sms.json?phone=${encodeURIComponent(phone)}`)).json();
  // Six digits standing alone: an appeal's number (M-2026-000123) has them after a dash.
  const match = /(?<![\d-])(\d{6})(?!\d)/.exec(messages[0].body);
  expect(match, "a code in the newest message").not.toBeNull();
  return match![1];
}

/**
 * Each phone comes from an address of its own, as real phones do: the test server trusts
 * `X-Forwarded-For` (FUQARO_TRUST_FORWARDED_FOR in scripts/test.sh), so the per-client limit
 * on sign-in codes counts each test's phone apart instead of the whole run as one client.
 */
export function clientFor(phone: string): string {
  const digits = phone.replace(/\D/g, "").slice(-6).padStart(6, "0");
  return `10.${Number(digits.slice(0, 2))}.${Number(digits.slice(2, 4))}.${Number(digits.slice(4, 6))}`;
}

export async function askForCode(page: Page, phone: string) {
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": clientFor(phone) });
  await page.goto("/sign-in");
  await page.getByLabel("Mobil telefon raqami").fill(phone);
  await page.getByRole("button", { name: "Kod yuborish" }).click();
  await expect(page).toHaveURL(/\/sign-in\/code/);
}

/** Signs in; a resident lands on their accounts, staff on their work (the queue, the desk). */
export async function signIn(page: Page, phone: string, lands: RegExp = /\/(accounts|inspector|desk|admin\/staff)$/) {
  await askForCode(page, phone);
  await page.getByLabel("6 xonali kod").fill(await lastCode(page, phone));
  await page.getByRole("button", { name: "Kirish", exact: true }).click();
  await expect(page).toHaveURL(lands);
}

/**
 * Links the demo electricity account 10000003 in 1726266 (the demo inspector's district) with
 * the code printed on its bill (services::demo::bill_code).
 */
export async function linkAccount(page: Page) {
  await page.goto("/accounts/link?service=electricity&region=1726");
  await page.getByLabel("Tuman yoki shahar").selectOption("1726266");
  await page.getByLabel("Shaxsiy hisob raqami").fill("10000003");
  await page.getByLabel("Kvitansiyadagi hisob kodi").fill("52348347");
  await page.getByRole("button", { name: "Hisobni topish" }).click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
}

/** Waits until the WASM app has taken over the page (with JavaScript on): a debug build's
 * chunk on a busy machine can take longer than the usual wait. */
export async function hydrated(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
}

/**
 * With JavaScript on, waits until the page has hydrated before a test types into it: a
 * lazily loaded page hydrates once its chunk has arrived, and a click that lands while it
 * does can be lost. With JavaScript off there is nothing to wait for.
 */
export async function ready(page: Page, testInfo: TestInfo) {
  if (testInfo.project.use.javaScriptEnabled !== false) await hydrated(page);
}

/** The applicant on the appeal form: the full name (kept on the profile once given) and the
 * address, which the law on appeals asks for. */
export async function fillApplicant(page: Page) {
  await page.getByLabel("Familiya, ism, otasining ismi").fill("Karimova Dilnoza Akmalovna");
  await page.getByLabel("Yashash manzilingiz (koʻcha, uy, xonadon)").fill("Amir Temur koʻchasi 1, 5-xonadon");
}

/** The message is inside the viewport and below the sticky top bar, and the focus is on it or
 * on the field at fault. */
export async function expectInView(page: Page, alert: Locator, field: Locator) {
  await expect(alert).toBeVisible();
  const box = await alert.boundingBox();
  const bar = await page.locator(".topbar").boundingBox();
  const viewport = page.viewportSize()!;
  expect(box, "the message has a box").not.toBeNull();
  expect(box!.y, "the message is not under the top bar").toBeGreaterThanOrEqual(bar!.y + bar!.height - 1);
  expect(box!.y + box!.height, "the message is inside the viewport").toBeLessThanOrEqual(viewport.height);
  const focused = await page.evaluate(() => document.activeElement?.id ?? "");
  const ids = [await alert.getAttribute("id"), await field.getAttribute("id")];
  expect(ids, `the focus (#${focused}) is on the message or the field at fault`).toContain(focused);
}

/** The text of a PDF (every page), as pdf.js (Firefox's reader) extracts it. */
export async function pdfText(path: string): Promise<string> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const data = new Uint8Array(await readFile(path));
  const document = await pdfjs.getDocument({ data, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= document.numPages; n++) {
    const content = await (await document.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ("str" in item ? item.str : "")).join("\n"));
  }
  return pages.join("\n");
}

/**
 * Staff sessions of each project, reused across tests and spec files (one worker runs them
 * all): a phone may ask for five sign-in codes an hour, and more tests than that need the
 * demo staff.
 */
const staffSessions = new Map<string, Awaited<ReturnType<BrowserContext["storageState"]>>>();

/** A member of the demo staff, signed in a browser context of their own. */
export async function staffPage(browser: Browser, phone: string, lands: RegExp = /\/desk$/): Promise<Page> {
  const project = test.info().project;
  const key = `${project.name} ${phone}`;
  const saved = staffSessions.get(key);
  const context = await browser.newContext({ ...project.use, storageState: saved });
  const page = await context.newPage();
  // A session ends when unused (and some tests move the server's clock): sign in again then.
  const alive = saved && (await page.goto("/profile"))?.status() === 200 && (await page.locator(".roles").count()) > 0;
  if (!alive) {
    await signIn(page, phone, lands);
    staffSessions.set(key, await context.storageState());
  }
  return page;
}
