import { expect, request, test } from "@playwright/test";
import { ready, staffPage } from "./helpers";

// Open311 keys (issue 17): an administrator issues a key to a named party and sees it once;
// the party files with it, anyone reads the request back without anything personal; the key
// is revoked. With JavaScript on and off.

test("an administrator issues an Open311 key, sees it once, and revokes it after a filing", async ({ browser }, testInfo) => {
  // The demo administrator's session is shared with other tests: a phone may ask for five
  // codes an hour.
  const page = await staffPage(browser, "+998900000105", /\/admin\/staff$/);
  await page.goto("/admin/api-keys");
  await ready(page, testInfo);
  const party = `Ishonch telefoni ${testInfo.project.name}`;
  await page.getByLabel("Tashkilot nomi").fill(party);
  await page.getByLabel("Bir kunda eng koʻp murojaat").fill("20");
  await page.getByRole("button", { name: "Kalit berish" }).click();
  await expect(page).toHaveURL(/issued=1/);
  await expect(page.getByText(`${party} uchun kalit berildi.`)).toBeVisible();
  const key = (await page.locator("code.api-key").textContent())!.trim();
  expect(key).toHaveLength(43);

  // The party files from its own system (no session of ours); the answer carries the
  // appeal's number, the listing shows its place and state but not who wrote what.
  const api = await request.newContext({ baseURL: testInfo.project.use.baseURL });
  const filed = await api.post("/open311/v2/requests.json", {
    form: {
      api_key: key,
      service_code: "healthcare",
      address_id: "1726266",
      address_string: "Amir Temur koʻchasi 9",
      description: "Poliklinikada shifokor yoʻq.",
      first_name: "Aziz",
      last_name: "Rahimov",
      phone: "+998901239871",
    },
  });
  expect(filed.status()).toBe(200);
  const id = (await filed.json())[0].service_request_id as string;
  const read = await api.get(`/open311/v2/requests/${id}.json`);
  const text = await read.text();
  expect(text).toContain("Yunusobod");
  expect(text).not.toContain("Rahimov");

  // Shown once: the page read again lists the party with its first characters only.
  await page.goto("/admin/api-keys");
  await ready(page, testInfo);
  await expect(page.locator("code.api-key")).toHaveCount(0);
  const row = page.locator(".api-keys li", { hasText: party });
  await expect(row).toContainText(`${key.slice(0, 6)}…`);
  await expect(row).toContainText("yuborilgan: 1");
  await row.getByRole("button", { name: "Bekor qilish" }).click();
  await expect(page).toHaveURL(/revoked=1/);
  await expect(page.getByText("Kalit bekor qilindi.")).toBeVisible();
  const refused = await api.post("/open311/v2/requests.json", { form: { api_key: key, service_code: "healthcare" } });
  expect(refused.status()).toBe(403);
  await api.dispose();
  await page.context().close();
});
