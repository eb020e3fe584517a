import { expect, test, type Browser, type Page } from "@playwright/test";
import path from "node:path";
import { linkAccount, phoneFor, sameSite, signIn } from "./helpers";

// Sending a meter reading with a photo (the live viewfinder on Chromium's fake camera, or the
// file input), seeing it in the inspector's queue, confirming it there, and the charge and
// the message back on the resident's side.

test.describe.configure({ mode: "serial" });

const INSPECTOR = "+998900000101";
const PHOTO = path.join(__dirname, "..", "fixtures", "meter.jpg");

type Names = { uz: string; uz_cyrl: string; ru: string };

/** The value of the last confirmed reading shown on the account page. */
async function lastReading(page: Page): Promise<number> {
  const text = await page.locator(".last-reading").innerText();
  const match = /^([\d.]+)/.exec(text.trim());
  return match ? parseFloat(match[1]) : 0;
}

/** Picks a mahalla: with JavaScript by typing its name in Cyrillic into the search. */
async function pickMahalla(page: Page, accountId: string, js: boolean) {
  const form = await (await page.request.post("/api/reading_form", { form: { account_id: accountId }, headers: sameSite(page) })).json();
  const [code, names] = form.mahallas[3] as [string, Names];
  if (js) {
    const search = page.getByLabel("Mahallani qidirish (lotin yoki kirill)");
    await search.fill(names.uz_cyrl.slice(0, 5));
    await expect(page.locator("#mahalla option", { hasText: names.uz })).toHaveCount(1);
    expect(await page.locator("#mahalla option").count()).toBeLessThan(form.mahallas.length);
  }
  await page.locator("#mahalla").selectOption(code);
}

/** Sends a reading `add` units above the last one; returns the new reading's id. */
async function sendReading(page: Page, how: "viewfinder" | "file", js: boolean, add: number): Promise<string> {
  const accountId = /\/accounts\/(\d+)/.exec(page.url())![1];
  const value = ((await lastReading(page)) + add).toFixed(1);
  await pickMahalla(page, accountId, js);
  if (how === "viewfinder") {
    await page.getByRole("button", { name: "Kamerani ochish" }).click();
    const video = page.locator("video.viewfinder");
    await expect(video).toBeVisible();
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Suratga olish", exact: true }).click();
    await expect(page.locator(".photo-ready")).toContainText("Surat tayyor");
    await expect(video).toBeHidden();
  } else {
    await page.locator("#photo-camera").setInputFiles(PHOTO);
    if (js) await expect(page.locator(".photo-ready")).toContainText("Surat tayyor");
  }
  await page.getByLabel("Koʻrsatkich, kVt·soat").fill(value);
  await page.getByRole("button", { name: "Yuborish" }).click();
  await expect(page).toHaveURL(/reading=sent/);
  await expect(page.getByText("Koʻrsatkich yuborildi.")).toBeVisible();
  const pending = page.locator(".readings li.reading.pending").first();
  await expect(pending).toContainText(value);
  const src = await pending.locator("img.thumb").getAttribute("src");
  return /\/readings\/(\d+)\//.exec(src!)![1];
}

/** The inspector confirms the reading in a browser context of their own. */
async function confirmAsInspector(browser: Browser, readingId: string) {
  const context = await browser.newContext({ ...test.info().project.use });
  const page = await context.newPage();
  await signIn(page, INSPECTOR);
  await page.goto("/inspector");
  await page.locator(`a[href="/inspector/readings/${readingId}"]`).click();
  await expect(page.locator(".meter-photo img")).toBeVisible();
  await page.getByRole("button", { name: "Tasdiqlash" }).click();
  await expect(page).toHaveURL(/\/inspector\?done=/);
  await expect(page.getByText("Qaror saqlandi.")).toBeVisible();
  await context.close();
}

async function seeConfirmed(page: Page, phone: string, readingId: string) {
  await page.reload();
  const row = page.locator(".readings li.reading", { has: page.locator(`img[src^="/readings/${readingId}/"]`) });
  await expect(row.locator(".reading-status")).toHaveText("tasdiqlangan");
  await expect(row).toContainText("Hisoblandi:");
  const messages = await (await page.request.get(`/dev/sms.json?phone=${encodeURIComponent(phone)}`)).json();
  expect(messages[0].body).toContain("tasdiqlandi");
}

test("a reading sent with the live viewfinder is confirmed by the inspector @js", async ({ page, browser }, testInfo) => {
  const phone = phoneFor(testInfo, 11);
  await signIn(page, phone);
  await linkAccount(page);
  const id = await sendReading(page, "viewfinder", true, 120);
  await confirmAsInspector(browser, id);
  await seeConfirmed(page, phone, id);
});

test("a reading sent with the phone's camera through the file input is confirmed", async ({ page, browser }, testInfo) => {
  const js = testInfo.project.name === "phone";
  const phone = phoneFor(testInfo, 12);
  await signIn(page, phone);
  await linkAccount(page);
  const id = await sendReading(page, "file", js, 80);
  await confirmAsInspector(browser, id);
  await seeConfirmed(page, phone, id);
});

test("a reading below the last one and letters in the value are refused with their message", async ({ page }, testInfo) => {
  const js = testInfo.project.name === "phone";
  await signIn(page, phoneFor(testInfo, 13));
  await linkAccount(page);
  const accountId = /\/accounts\/(\d+)/.exec(page.url())![1];
  await pickMahalla(page, accountId, js);
  await page.locator("#photo-camera").setInputFiles(PHOTO);
  if (js) await expect(page.locator(".photo-ready")).toBeVisible();
  await page.getByLabel("Koʻrsatkich, kVt·soat").fill("1");
  await page.getByRole("button", { name: "Yuborish" }).click();
  await expect(page.getByRole("alert")).toContainText("oxirgi tasdiqlanganidan kam");
  await page.locator("#photo-camera").setInputFiles(PHOTO);
  if (js) await expect(page.locator(".photo-ready")).toBeVisible();
  await page.getByLabel("Koʻrsatkich, kVt·soat").fill("12ab");
  await page.getByRole("button", { name: "Yuborish" }).click();
  await expect(page.getByRole("alert")).toContainText("faqat raqamlardan");
});

test("an upload cut off by a dropped connection is retried into one reading @js", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 14));
  await linkAccount(page);
  let attempts = 0;
  await page.route("**/accounts/*/readings", async (route) => {
    attempts += 1;
    // The first attempt dies mid-way, as on a mobile network going through a tunnel.
    if (attempts === 1) await route.abort("connectionreset");
    else await route.continue();
  });
  const id = await sendReading(page, "file", true, 30);
  expect(attempts).toBe(2);
  expect(id).toMatch(/^\d+$/);
  const value = await page.locator(".readings li.reading.pending").first().locator("span").first().innerText();
  await expect(page.locator(".readings li.reading.pending", { hasText: value })).toHaveCount(1);
});
