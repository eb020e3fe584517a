import { expect, test } from "@playwright/test";
import { expectInView, ready, staffPage } from "./helpers";

// The terms of appeals are settings (issue 14, point 8): an administrator changes one, a value
// out of range is refused above its field with what was typed kept. With JavaScript on and off.

test("an administrator sets the terms of appeals; a value out of range is refused at its field", async ({ browser }, testInfo) => {
  // The demo administrator's session is shared with other tests: a phone may ask for five
  // codes an hour.
  const page = await staffPage(browser, "+998900000105", /\/admin\/staff$/);
  await page.goto("/admin/terms");
  await ready(page, testInfo);
  const urgent = page.getByLabel("Shoshilinch murojaat, ish kuni");
  const remind = page.getByLabel("Muddat tugashidan necha soat oldin ijrochiga eslatiladi");
  await expect(urgent).toHaveValue("3");
  // The browser's own check would stop 0 on a number field; the server's check is what is
  // tested here, so the field's limits are lifted first.
  await remind.evaluate((input: HTMLInputElement) => input.removeAttribute("min"));
  await remind.fill("0");
  await urgent.fill("4");
  await page.getByRole("button", { name: "Saqlash" }).click();
  await expect(page).toHaveURL(/error=term&field=remind_hours/);
  await expectInView(page, page.getByRole("alert"), remind);
  await expect(urgent).toHaveValue("4");
  await ready(page, testInfo);
  await remind.fill("12");
  await page.getByRole("button", { name: "Saqlash" }).click();
  await expect(page).toHaveURL(/saved=1$/);
  await expect(page.getByText("Muddatlar saqlandi.")).toBeVisible();
  await expect(urgent).toHaveValue("4");
  await expect(remind).toHaveValue("12");
  // Back to the law's default, so that other tests count the usual terms.
  await urgent.fill("3");
  await remind.fill("24");
  await page.getByRole("button", { name: "Saqlash" }).click();
  await expect(page).toHaveURL(/saved=1$/);
  await page.context().close();
});
