import { expect, test, type Page } from "@playwright/test";

// The app shell at a phone viewport. Runs twice: with JavaScript (project "phone") and
// without it ("phone-no-js"); tests tagged @js need JavaScript and run only in the first.

async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

test("the home page speaks Uzbek (Latin) by default and lists the services", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("lang", "uz");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Xush kelibsiz");
  await expect(page.locator(".services .card")).toHaveCount(6);
  // The main tasks lead from the home page (each asks for a sign-in and comes back).
  const tasks = page.getByRole("navigation", { name: "Asosiy ishlar" });
  for (const task of ["Hisob qoʻshish", "Qarzni toʻlash", "Hisoblagich koʻrsatkichini yuborish", "Murojaat yuborish", "Murojaatlarim"]) {
    await expect(tasks.getByRole("link", { name: task })).toBeVisible();
  }
  await expect(page.locator(".service-electricity")).toContainText("Elektr energiyasi");
  await expect(page.getByRole("navigation", { name: "Asosiy menyu" })).toBeVisible();
  await expectNoHorizontalScroll(page);
});

test("the language switcher changes every string and the choice sticks", async ({ page }) => {
  await page.goto("/regions");
  await page.getByRole("button", { name: "Ру" }).click();
  await expect(page).toHaveURL(/\/regions$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Регионы");
  await expect(page.getByText("Андижанская область")).toBeVisible();

  await page.getByRole("button", { name: "Ўз" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "uz-Cyrl");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ҳудудлар");

  // The cookie keeps the choice on the next page.
  await page.goto("/about");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Илова ҳақида");

  await page.getByRole("button", { name: "Oʻz" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ilova haqida");
});

test.describe("a Russian browser", () => {
  test.use({ locale: "ru-RU" });

  test("gets Russian before making any choice", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "ru");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Добро пожаловать");
  });
});

test("regions lead to their districts and cities", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation").getByRole("link", { name: "Hududlar" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hududlar");
  await expect(page.locator(".regions li")).toHaveCount(14);
  await page.getByRole("link", { name: /Andijon viloyati/ }).click();
  await expect(page).toHaveURL(/\/regions\/1703$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Andijon viloyati");
  await expect(page.locator(".districts li")).toHaveCount(16);
  await expectNoHorizontalScroll(page);
});

test("an unknown address shows the not-found page with status 404", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sahifa topilmadi");
  await page.getByRole("link", { name: "Bosh sahifaga qaytish" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Xush kelibsiz");
});

test("the about page credits the data sources", async ({ page }) => {
  await page.goto("/about");
  await expect(page.locator(".attribution")).toContainText("CC BY 4.0");
  await expect(page.locator(".attribution")).toContainText("Uzinfocom");
  await expect(page.locator(".data-counts")).toContainText("9452 ta mahalla");
});

test("the web app manifest and its icons are served", async ({ request }) => {
  const manifest = await (await request.get("/manifest.webmanifest")).json();
  expect(manifest.lang).toBe("uz");
  for (const icon of manifest.icons) {
    const response = await request.get(icon.src);
    expect(response.status(), icon.src).toBe(200);
  }
});

test("the page hydrates under the strict content security policy @js", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  expect(problems).toEqual([]);
});

test("after hydration the tabs navigate without reloading the page @js", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await page.getByRole("navigation").getByRole("link", { name: "Hududlar" }).click();
  await expect(page.locator(".regions li")).toHaveCount(14);
  await page.getByRole("link", { name: /Toshkent shahri/ }).click();
  await expect(page.locator(".districts li")).toHaveCount(12);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  await expect(
    page.getByRole("navigation").getByRole("link", { name: "Hududlar", exact: true }),
  ).toHaveAttribute("aria-current", "page");
});
