import { type Browser, expect, type Page, test, type TestInfo } from "@playwright/test";
import { clientFor, expectInView, lastCode, phoneFor, ready, signIn } from "./helpers";

// Receptions (issue 14): a head of a body publishes a reception day, anyone finds it without
// signing in, a resident signs in from its page, books a slot and cancels, and the head sees
// who comes when. With JavaScript on and off, on a phone.

const HEAD = "+998900000103";

/** A day two months ahead, as a date field takes it: later than any clock a test moves. */
function dayAhead(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A page of its own for someone else in the same test (the resident beside the head). */
async function otherPage(browser: Browser, testInfo: TestInfo): Promise<Page> {
  const context = await browser.newContext({ ...testInfo.project.use });
  return context.newPage();
}

test("a head publishes a reception, a resident finds it signed out, books a slot and cancels", async ({ page, browser }, testInfo) => {
  // Two people's whole flow: longer than one page's.
  test.setTimeout(90_000);
  const host = `Hokim oʻrinbosari T. Aliyev (${testInfo.project.name})`;
  // The head publishes from the desk; a past date is refused with what was typed kept.
  await signIn(page, HEAD, /\/desk$/);
  await page.getByRole("link", { name: "Qabullar va yozilganlar →" }).click();
  await expect(page).toHaveURL(/\/desk\/receptions$/);
  await ready(page, testInfo);
  await page.locator(".new-reception summary").click();
  await page.getByLabel("Tashkilot").selectOption("1");
  await page.getByLabel("Qabul qiluvchi").fill(host);
  await page.getByLabel("Manzil").fill("Amir Temur koʻchasi 5, 2-qavat");
  await page.getByLabel("Tuman yoki shahar").selectOption("1726266");
  await page.getByLabel("Sana").fill("2020-01-10");
  await page.getByLabel("Boshlanish vaqti").fill("10:00");
  await page.getByLabel("Vaqtlar soni").fill("3");
  await page.getByLabel("Tibbiy yordam").check();
  await page.getByRole("button", { name: "Eʼlon qilish" }).click();
  await expect(page).toHaveURL(/\/desk\/receptions\?error=past/);
  await expectInView(page, page.getByRole("alert"), page.getByLabel("Sana"));
  await expect(page.getByRole("alert")).toHaveText("Qabul vaqti kelajakda boʻlishi kerak.");
  await expect(page.getByLabel("Qabul qiluvchi")).toHaveValue(host);
  await ready(page, testInfo);
  await expect(page.getByLabel("Tibbiy yordam")).toBeChecked();
  await page.getByLabel("Sana").fill(dayAhead(60));
  await page.getByRole("button", { name: "Eʼlon qilish" }).click();
  await expect(page).toHaveURL(/\/desk\/receptions\/\d+\?published=1$/);
  await expect(page.getByText("Qabul eʼlon qilindi.")).toBeVisible();
  await expect(page.getByText("Hali hech kim yozilmagan.")).toBeVisible();
  const register = page.url().replace(/\?.*$/, "");

  // A resident, signed out, finds it by region and body.
  const resident = await otherPage(browser, testInfo);
  await resident.goto("/");
  await resident.getByRole("link", { name: "Rahbar qabuliga yozilish" }).click();
  await expect(resident).toHaveURL(/\/receptions$/);
  await ready(resident, testInfo);
  await resident.getByLabel("Viloyat").selectOption("1726");
  await resident.getByLabel("Tashkilot").selectOption("1");
  await resident.getByRole("button", { name: "Koʻrsatish" }).click();
  await expect(resident).toHaveURL(/region=1726.*body=1/);
  await resident.getByRole("link", { name: new RegExp(host.replace(/[()]/g, "\\$&")) }).click();
  await expect(resident).toHaveURL(/\/receptions\/\d+$/);
  const here = new URL(resident.url()).pathname;
  await expect(resident.getByText("Boʻsh vaqtlar: 3 / 3")).toBeVisible();

  // Signing in from the reception's page comes back to it.
  await resident.getByRole("link", { name: "Yozilish uchun telefon raqamingiz bilan kiring" }).click();
  await expect(resident).toHaveURL(/\/sign-in\?next=/);
  const phone = phoneFor(testInfo, 43);
  await resident.setExtraHTTPHeaders({ "X-Forwarded-For": clientFor(phone) });
  await resident.getByLabel("Mobil telefon raqami").fill(phone);
  await resident.getByRole("button", { name: "Kod yuborish" }).click();
  await expect(resident).toHaveURL(/\/sign-in\/code/);
  await resident.getByLabel("6 xonali kod").fill(await lastCode(resident, phone));
  await resident.getByRole("button", { name: "Kirish", exact: true }).click();
  await expect(resident).toHaveURL(new RegExp(`${here}$`));
  await ready(resident, testInfo);

  // A question of blanks is refused above its field; the slot and name are kept.
  const slot = resident.getByLabel("Qabul vaqti");
  await slot.selectOption({ index: 1 });
  const chosen = await slot.inputValue();
  await resident.getByLabel("Familiya, ism, sharif").fill("Karimova Dilnoza");
  await resident.getByLabel("Qanday masala bilan kelasiz").fill("   ");
  await resident.getByRole("button", { name: "Yozilish", exact: true }).click();
  await expect(resident).toHaveURL(/error=question/);
  await expectInView(resident, resident.getByRole("alert"), resident.getByLabel("Qanday masala bilan kelasiz"));
  await expect(resident.getByRole("alert")).toHaveText("Masalani qisqacha yozing (1000 belgigacha).");
  await expect(slot).toHaveValue(chosen);
  await expect(resident.getByLabel("Familiya, ism, sharif")).toHaveValue("Karimova Dilnoza");
  await ready(resident, testInfo);
  await resident.getByLabel("Qanday masala bilan kelasiz").fill("Poliklinikada navbat juda uzun");
  await resident.getByRole("button", { name: "Yozilish", exact: true }).click();
  await expect(resident).toHaveURL(/\?booked=1$/);
  await expect(resident.getByText("Yozildingiz. Tasdiq SMS orqali yuborildi")).toBeVisible();
  await expect(resident.getByText(/^Siz .* ga yozilgansiz\.$/)).toBeVisible();
  await expect(resident.getByText("Boʻsh vaqtlar: 2 / 3")).toBeVisible();

  // The head sees who comes when, the phone masked.
  await page.goto(register);
  await expect(page.locator(".bookings li")).toHaveCount(1);
  await expect(page.locator(".bookings li")).toContainText("Karimova Dilnoza");
  await expect(page.locator(".bookings li")).toContainText("Poliklinikada navbat juda uzun");
  await expect(page.locator(".bookings li")).toContainText("***");

  // The resident cancels; the slot is free again.
  await ready(resident, testInfo);
  await resident.getByRole("button", { name: "Yozilishni bekor qilish" }).click();
  await expect(resident).toHaveURL(/\?cancelled=1$/);
  await expect(resident.getByText("Yozilish bekor qilindi.")).toBeVisible();
  await expect(resident.getByText("Boʻsh vaqtlar: 3 / 3")).toBeVisible();
  await expect(resident.getByRole("button", { name: "Yozilish", exact: true })).toBeVisible();

  // The head calls it off: only with the tick that confirms.
  await ready(page, testInfo);
  await page.getByLabel("Ha, bekor qilinsin").check();
  await page.getByRole("button", { name: "Qabulni bekor qilish" }).click();
  await expect(page).toHaveURL(/\?called_off=1$/);
  await resident.reload();
  await expect(resident.getByText("Qabul bekor qilingan")).toBeVisible();
  await expect(resident.getByText("Bu qabulga yozilish yopilgan.")).toBeVisible();
  await resident.context().close();
});

const COORDINATOR = "+998900000104";
const OFFICER = "+998900000102";

test("the People's Reception gives a body an instruction, and the body's officer acknowledges it", async ({ page, browser }, testInfo) => {
  test.setTimeout(90_000);
  const text = `Qabul kunlarini oldindan eʼlon qiling (${testInfo.project.name}).`;
  await signIn(page, COORDINATOR, /\/desk$/);
  await ready(page, testInfo);
  await page.locator(".give-instruction summary").click();
  await page.getByLabel("Organ", { exact: true }).selectOption("2");
  // Blanks are refused above the form, and the choice is kept.
  await page.getByLabel("Koʻrsatma matni").fill("   ");
  await page.getByRole("button", { name: "Koʻrsatma berish" }).click();
  await expect(page).toHaveURL(/error=instruction_empty/);
  await expectInView(page, page.getByRole("alert"), page.getByLabel("Koʻrsatma matni"));
  await expect(page.getByRole("alert")).toHaveText("Koʻrsatma matnini yozing.");
  await expect(page.getByLabel("Organ", { exact: true })).toHaveValue("2");
  await ready(page, testInfo);
  await page.getByLabel("Koʻrsatma matni").fill(text);
  await page.getByRole("button", { name: "Koʻrsatma berish" }).click();
  await expect(page).toHaveURL(/instruction=given/);
  const given = page.locator(".instruction", { hasText: text });
  await expect(given).toContainText("Tanishilmagan");

  // The officer of the ministry above that body sees it on the desk and acknowledges it.
  const officer = await otherPage(browser, testInfo);
  await signIn(officer, OFFICER, /\/desk$/);
  await ready(officer, testInfo);
  const received = officer.locator(".instruction", { hasText: text });
  await received.getByRole("button", { name: "Tanishdim" }).click();
  await expect(officer).toHaveURL(/instruction=acknowledged/);
  await expect(officer.locator(".instruction", { hasText: text })).toContainText("Tanishildi");
  await page.reload();
  await expect(given).toContainText("Tanishildi");
  await officer.context().close();
});
