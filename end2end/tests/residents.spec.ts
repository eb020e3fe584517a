import { expect, type Page, test } from "@playwright/test";
import { askForCode, lastCode, phoneFor, sameSite, signIn } from "./helpers";

// A resident signs in with the code from the SMS outbox (/dev/sms.json, development mode),
// links a utility account and sees its debt, in all three languages. Plain forms: the same
// tests run with JavaScript on and off.

// These tests move the server's clock, so they run one at a time.
test.describe.configure({ mode: "serial" });

test("a resident signs in, links an account, sees the debt in every language", async ({ page }, testInfo) => {
  const phone = phoneFor(testInfo, 1);
  await askForCode(page, phone);
  await expect(page.locator(".phone-sent")).toContainText("*** **");
  await page.getByLabel("6 xonali kod").fill(await lastCode(page, phone));
  await page.getByRole("button", { name: "Kirish", exact: true }).click();
  await expect(page).toHaveURL(/\/accounts$/);
  await expect(page.getByText("Hali hisob qoʻshilmagan.")).toBeVisible();

  await page.getByRole("link", { name: "Hisob qoʻshish" }).click();
  await page.getByLabel("Xizmat turi").selectOption("electricity");
  await page.getByLabel("Viloyat").selectOption("1726");
  await page.getByRole("button", { name: "Davom etish" }).click();
  await page.getByLabel("Tuman yoki shahar").selectOption("1726266");
  await page.getByLabel("Shaxsiy hisob raqami").fill("10000003");
  // The code printed on the account's bill proves it is hers (services::demo::bill_code).
  await page.getByLabel("Kvitansiyadagi hisob kodi").fill("52348347");
  await page.getByRole("button", { name: "Hisobni topish" }).click();

  await expect(page).toHaveURL(/\/accounts\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Elektr energiyasi · 10000003");
  await expect(page.locator(".balance.big")).toContainText(/Qarz|Ortiqcha toʻlov|Qarz yoʻq/);
  await expect(page.locator(".history.charges li").first()).toBeVisible();
  const url = page.url();

  await page.getByRole("button", { name: "Ру" }).click();
  await expect(page).toHaveURL(url);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Электроэнергия · 10000003");
  await expect(page.locator(".balance.big")).toContainText(/Задолженность|Переплата|Задолженности нет/);
  await expect(page.getByRole("heading", { name: "Начисления" })).toBeVisible();
  // Every word in the page's language: charge lines name their month, payments their way,
  // units and the currency are Russian (the walkthrough's leaks: D7–D10).
  await expect(page.locator(".history.charges li").first()).toContainText(
    /Начисление за \d{2}\.\d{4}|По показаниям: [\d.]+ → [\d.]+/,
  );
  await expectNoLeaks(page, ["hisobi", "Toʻlov", "orqali", "soʻm", "kWh", "electricity"]);

  await page.getByRole("button", { name: "Ўз" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Электр энергияси · 10000003");
  await expect(page.getByRole("heading", { name: "Ҳисобланган тўловлар" })).toBeVisible();
  await expectNoLeaks(page, ["hisobi", "Toʻlov", "orqali", "soʻm", "kWh", "electricity", "Начисление"]);

  await page.getByRole("button", { name: "Oʻz" }).click();
  await page.goto("/accounts");
  await expect(page.locator(".accounts li")).toHaveCount(1);
});

test("a wrong code says how many tries are left", async ({ page }, testInfo) => {
  const phone = phoneFor(testInfo, 2);
  await askForCode(page, phone);
  const code = await lastCode(page, phone);
  const wrong = code === "000000" ? "111111" : "000000";
  await page.getByLabel("6 xonali kod").fill(wrong);
  await page.getByRole("button", { name: "Kirish", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Kod notoʻgʻri. Yana 4 ta urinish qoldi.");
});

test("an expired code says so", async ({ page }, testInfo) => {
  const phone = phoneFor(testInfo, 3);
  await askForCode(page, phone);
  const code = await lastCode(page, phone);
  await page.request.post("/dev/clock", { form: { advance_seconds: "301" }, headers: sameSite(page) });
  await page.getByLabel("6 xonali kod").fill(code);
  await page.getByRole("button", { name: "Kirish", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Kodning muddati tugadi. Yangi kod soʻrang.");
});

test("an account not proven to be hers says so and keeps what was typed", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 4));
  await page.goto("/accounts/link?service=gas&region=1703");
  await page.getByLabel("Shaxsiy hisob raqami").fill("99999999");
  await page.getByRole("button", { name: "Hisobni topish" }).click();
  // One answer for an account that does not exist and one whose bill code is missing or wrong.
  await expect(page.getByRole("alert")).toHaveText(
    "Bu raqamdagi hisob telefoningizga rasmiylashtirilmagan yoki kod notoʻgʻri. Raqamni va kvitansiyadagi kodni tekshiring.",
  );
  await expect(page.getByLabel("Shaxsiy hisob raqami")).toHaveValue("99999999");
});

test("a malformed phone number says what is wrong", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Mobil telefon raqami").fill("+998 71 123 45 67");
  await page.getByRole("button", { name: "Kod yuborish" }).click();
  await expect(page.getByRole("alert")).toHaveText("Bu mobil raqam emas. Mobil telefon raqamingizni kiriting.");
});

/** None of the words of another language that once leaked into this page's text. */
async function expectNoLeaks(page: Page, leaks: string[]) {
  const text = await page.locator("main").innerText();
  for (const leak of leaks) expect(text, `"${leak}" on a page in another language`).not.toContain(leak);
}
