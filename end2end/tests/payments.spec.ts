import { expect, test } from "@playwright/test";
import { lastCode, linkAccount, pdfText, phoneFor, signIn } from "./helpers";


// Paying through each provider's sandbox checkout (which plays Payme or Click against our
// own merchant endpoints over HTTP), then the receipt and the new balance.

test.describe.configure({ mode: "serial" });

for (const [provider, label] of [
  ["payme", "Payme"],
  ["click", "Click"],
] as const) {
  test(`a resident pays through ${label} and keeps the receipt`, async ({ page }, testInfo) => {
    await signIn(page, phoneFor(testInfo, provider === "payme" ? 5 : 6));
    await linkAccount(page);
    const accountUrl = page.url();

    await page.getByLabel("Summa, soʻm").fill("25 000,50");
    await page.getByLabel(label).check();
    await page.getByRole("button", { name: "Davom etish" }).click();
    await expect(page).toHaveURL(/\/pay\/\d+$/);
    await expect(page.locator(".order-amount")).toContainText("25\u00a0000,50");

    await page.getByRole("button", { name: `${label} orqali toʻlash` }).click();
    await expect(page).toHaveURL(/\/receipts\/\d+$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Toʻlov kvitansiyasi");
    await expect(page.locator(".receipt-amount")).toContainText("25\u00a0000,50");
    await expect(page.locator(".receipt .qr img")).toBeVisible();
    const verifyUrl = await page.locator(".receipt .qr a").getAttribute("href");

    // The PDF to keep says the same, in text a reader can find (pdf.js reads it back).
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "PDF faylini yuklab olish" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^FQ-\d{8}\.pdf$/);
    const text = await pdfText(await download.path());
    expect(text).toContain("Toʻlov kvitansiyasi");
    expect(text).toMatch(/25\s000,50 soʻm/);
    expect(text).toMatch(/\+998 \d\d \*\*\* \*\* \d\d/);
    expect(text).toContain(verifyUrl!.slice(0, 40));

    await page.goto(accountUrl);
    await expect(page.locator(".history.payments li").first()).toContainText("25\u00a0000,50");
    await expect(page.locator(".history.orders li").first()).toContainText("Toʻlangan");

    // The verification page works for anyone holding the link.
    const stranger = await page.context().browser()!.newContext();
    const other = await stranger.newPage();
    await other.goto(new URL(verifyUrl!).pathname);
    await expect(other.getByText("Toʻlov tasdiqlangan.")).toBeVisible();
    await stranger.close();
  });
}

test("a malformed amount says how to write it", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 7));
  await linkAccount(page);
  await page.getByLabel("Summa, soʻm").fill("12,345,6");
  await page.getByRole("button", { name: "Davom etish" }).click();
  await expect(page.getByRole("alert")).toHaveText("Summa notoʻgʻri yozilgan. Masalan: 125000 yoki 125000,50.");
});

test("a resident pays by card with the code from the SMS", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 8));
  await linkAccount(page);
  await page.getByLabel("Summa, soʻm").fill("30000");
  await page.getByLabel("Bank kartasi (Uzcard, Humo)").check();
  await page.getByRole("button", { name: "Davom etish" }).click();
  await expect(page).toHaveURL(/\/pay\/\d+$/);
  const orderUrl = page.url();

  const cardPhone = phoneFor(testInfo, 9);
  const fillCard = async (number: string, expiry: string) => {
    await page.getByLabel("Karta raqami").fill(number);
    await page.getByLabel("Amal qilish muddati (OO/YY)").fill(expiry);
    await page.getByLabel("Kartaga bogʻlangan telefon raqami").fill(cardPhone);
    await page.getByRole("button", { name: "Kod olish" }).click();
  };
  await fillCard("8600 0691 9540 6312", "03/99");
  await expect(page.getByRole("alert")).toHaveText("Karta raqami notoʻgʻri. Raqamlarni tekshiring.");
  await fillCard("8600 0691 9540 6311", "01/20");
  await expect(page.getByRole("alert")).toHaveText("Kartaning amal qilish muddati tugagan.");
  await fillCard("8600 0691 9540 6311", "03/99");
  await expect(page).toHaveURL(/step=code/);

  await page.getByLabel("SMS kod").fill("000001");
  await page.getByRole("button", { name: "Toʻlash" }).click();
  await expect(page.getByRole("alert")).toHaveText(/Kod notoʻgʻri\. Yana \d ta urinish qoldi\./);

  const code = await lastCode(page, cardPhone);
  await page.getByLabel("SMS kod").fill(code);
  await page.getByRole("button", { name: "Toʻlash" }).click();
  await expect(page).toHaveURL(/\/receipts\/\d+$/);
  await expect(page.locator(".receipt-amount")).toContainText("30\u00a0000,00");
  expect(orderUrl).toContain("/pay/");
});
