import { expect, test } from "@playwright/test";
import { linkAccount, phoneFor, ready, sameSite, signIn } from "./helpers";

// Pages lead to the task (issue 13, walkthrough D20, D21, D23, D24): the pay form is where a
// person looking for it finds it, pagers keep the place, and the pickers start from what the
// app already knows. With JavaScript on and off.

test("the account page leads to paying, and its pagers keep the place", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 40));
  await linkAccount(page);
  await ready(page, testInfo);
  // The pay form comes right after the balance, before the histories.
  const pay = await page.locator("#pay").boundingBox();
  const readings = await page.locator(".history.readings").boundingBox();
  expect(pay!.y).toBeLessThan(readings!.y);
  // An older page of charges opens at the charges, not at the top.
  await page.locator(".history.charges .pager a[rel=next]").click();
  await expect(page).toHaveURL(/charges=2.*#charges$/);
  const heading = page.getByRole("heading", { name: "Hisoblangan toʻlovlar" });
  await expect(heading).toBeInViewport();
});

test("the pickers start from what the app knows: the account's mahalla, the resident's district", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 41));
  await linkAccount(page);
  const accountId = /\/accounts\/(\d+)/.exec(page.url())![1];
  const form = await (
    await page.request.post("/api/reading_form", { form: { account_id: accountId }, headers: sameSite(page) })
  ).json();
  expect(form.mahalla, "the demo account has its mahalla").toBeTruthy();
  await expect(page.locator("#mahalla")).toHaveValue(form.mahalla);
  // The appeal form starts at the district (and mahalla) of the resident's account.
  await page.goto("/appeals/new");
  await ready(page, testInfo);
  await expect(page.getByLabel("Tuman yoki shahar")).toHaveValue("1726266");
  await expect(page.locator("#appeal-mahalla")).toHaveValue(form.mahalla);
  // Districts are grouped by region.
  await expect(page.locator("#appeal-district optgroup")).toHaveCount(14);
});
