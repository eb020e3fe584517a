import { expect, test } from "@playwright/test";
import { fillApplicant, phoneFor, ready, signIn } from "./helpers";

// The six-monthly rating of bodies (issue 15), published openly: anyone reads it on a phone,
// with JavaScript on and off, without signing in; chooses the half-year; opens a body's
// history with its chart; downloads the spreadsheet; a half-year not begun is refused.

const POLYCLINIC = "Yunusobod tumani 1-son oilaviy poliklinika";

test("anyone reads the rating of bodies and a body's history on a phone", async ({ page }, testInfo) => {
  // A resident's appeal to the polyclinic puts it in the running half-year.
  await signIn(page, phoneFor(testInfo, 51));
  await page.goto("/appeals/new");
  await ready(page, testInfo);
  await page.getByLabel("Tuman yoki shahar").selectOption("1726266");
  await fillApplicant(page);
  await page.getByLabel("Mavzu").selectOption("healthcare");
  await page.getByLabel("Davlat organi").selectOption("4");
  await page.getByLabel("Qisqacha mazmuni").fill("Reyting uchun");
  await page.getByLabel("Murojaat matni").fill("Poliklinikada navbat ikki haftaga choʻzilmoqda.");
  await page.getByRole("button", { name: "Murojaatni yuborish" }).click();
  await expect(page).toHaveURL(/\/appeals\/\d+/);

  // Nobody signed in from here on.
  await page.context().clearCookies();
  await page.goto("/");
  await page.getByRole("link", { name: "Organlar reytingi" }).click();
  await expect(page).toHaveURL(/\/rating$/);
  await ready(page, testInfo);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Davlat organlari reytingi");
  await expect(page.locator(".status-provisional")).toContainText("Dastlabki");
  const row = page.locator("tr.body-4");
  await expect(row.getByRole("link")).toHaveText(POLYCLINIC);
  await expect(page.getByRole("heading", { name: "Hududlar boʻyicha murojaatlar" })).toBeVisible();
  await expect(page.locator("tr.region-1726 th")).toHaveText("Toshkent shahri");
  await expect(page.getByRole("heading", { name: "Qanday hisoblanadi" })).toBeVisible();
  await expect(page.locator("#how")).toContainText("Qanoatlantirilgan murojaatlar organ yakunlagan barcha murojaatlarga boʻlinadi.");
  // The wide table scrolls inside its box; the page is no wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  // The half-year is chosen with a plain form.
  const period = await page.getByLabel("Davr").inputValue();
  expect(period).toMatch(/^\d{4}-H[12]$/);
  await page.getByRole("button", { name: "Koʻrsatish" }).click();
  await expect(page).toHaveURL(new RegExp(`/rating\\?period=${period}$`));
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "XLSX yuklab olish" }).click();
  expect((await download).suggestedFilename()).toBe(`rating-${period}.xlsx`);

  // A body's history: its half-years in a table and a chart drawn on the server.
  await page.locator("tr.body-4").getByRole("link").click();
  await expect(page).toHaveURL(/\/rating\/body\/4$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(POLYCLINIC);
  await expect(page.locator(`tr.period-${period}`)).toContainText("(dastlabki)");
  await expect(page.getByRole("img")).toHaveAttribute("aria-label", /\d+-yil, I{1,2} yarim yillik/);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  // A half-year not begun is refused, saying so.
  await page.goto("/rating?period=2999-H1");
  await expect(page.getByRole("alert")).toHaveText("Bu yarim yillik hali boshlanmagan.");
});
