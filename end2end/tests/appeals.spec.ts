import { expect, test } from "@playwright/test";
import { phoneFor, signIn } from "./helpers";

// Filing an appeal from a phone: registered at once with a number and the date an answer is
// due, and the timeline on its page; bad input comes back with its message and the text kept.

test("a resident files an appeal and sees its number, term and timeline", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 15));
  await page.goto("/appeals");
  await page.getByRole("link", { name: "Yangi murojaat" }).click();
  await expect(page).toHaveURL(/\/appeals\/new$/);
  await page.getByLabel("Davlat organi").selectOption("4");
  await page.getByLabel("Mavzu").selectOption("healthcare");
  await page.getByLabel("Shikoyat").check();
  await page.getByLabel("Tuman yoki shahar").selectOption("1726266");
  await page.getByLabel("Qisqacha mazmuni").fill("Shifokor qabuliga yozilib boʻlmayapti");
  await page.getByLabel("Murojaat matni").fill("Uch haftadan beri oilaviy shifokor qabuliga navbat yoʻq.");
  await page.getByRole("button", { name: "Murojaatni yuborish" }).click();
  await expect(page).toHaveURL(/\/appeals\/\d+\?filed=1$/);
  await expect(page.getByText("Murojaatingiz roʻyxatga olindi.")).toBeVisible();
  await expect(page.locator(".appeal-number")).toHaveText(/^M-\d{4}-\d{6}$/);
  await expect(page.locator(".appeal-due")).toContainText("Javob muddati:");
  await expect(page.locator(".timeline li.event.registered")).toBeVisible();

  await page.goto("/appeals");
  await expect(page.locator(".list.appeals li").first()).toContainText("Shifokor qabuliga yozilib boʻlmayapti");
});

test("an appeal without text is refused with its message and keeps the subject", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 16));
  await page.goto("/appeals/new");
  await page.getByLabel("Qisqacha mazmuni").fill("Yoritish");
  await page.getByLabel("Murojaat matni").fill("   ");
  await page.getByRole("button", { name: "Murojaatni yuborish" }).click();
  await expect(page.getByRole("alert")).toHaveText("Murojaat matnini yozing.");
  await expect(page.getByLabel("Qisqacha mazmuni")).toHaveValue("Yoritish");
});
