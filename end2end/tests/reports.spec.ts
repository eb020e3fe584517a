import { expect, test } from "@playwright/test";
import { ready, staffPage } from "./helpers";

// Quarterly reports (issue 15): an officer opens the report of their body from the desk, on a
// phone, with JavaScript on and off; a refusal says why.

const OFFICER = "+998900000102";

test("an officer reads the quarter's report of their body and downloads it as CSV", async ({ browser }, testInfo) => {
  const page = await staffPage(browser, OFFICER);
  await page.goto("/desk");
  await page.getByRole("link", { name: "Choraklik hisobotlar →" }).click();
  await expect(page).toHaveURL(/\/desk\/reports$/);
  await ready(page, testInfo);
  await page.getByLabel("Nima boʻyicha").selectOption("body:1");
  await page.getByRole("button", { name: "Koʻrsatish" }).click();
  await expect(page).toHaveURL(/scope=body%3A1&quarter=\d{4}-Q[1-4]/);
  await expect(page.getByRole("heading", { name: "Kelib tushgan murojaatlar" })).toBeVisible();
  await expect(page.locator("tr.figure-received-total th")).toHaveText("Jami");
  // Nothing is wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "CSV yuklab olish" }).click();
  expect((await download).suggestedFilename()).toMatch(/^report-body-1-\d{4}-Q[1-4]\.csv$/);

  // Another ministry's report is not the officer's to read.
  await page.goto("/desk/reports?scope=body%3A7&quarter=2026-Q3");
  await expect(page.getByRole("alert")).toHaveText(
    "Bu hisobotni koʻrish huquqingiz yoʻq: oʻz organingiz yoki hududingizni tanlang.",
  );
  await page.context().close();
});
