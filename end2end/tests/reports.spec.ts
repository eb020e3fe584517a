import { expect, test } from "@playwright/test";
import { expectInView, fillApplicant, pdfText, phoneFor, ready, sameSite, signIn, staffPage } from "./helpers";

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
  // The same figures for print, read back by pdf.js.
  const pdf = page.waitForEvent("download");
  await page.getByRole("link", { name: "PDF yuklab olish (chop etish uchun)" }).click();
  const text = await pdfText(await (await pdf).path());
  expect(text).toContain("Sogʻliqni saqlash vazirligi");
  expect(text).toContain("Kelib tushgan murojaatlar");
  expect(text).toContain("Jami");

  // Another ministry's report is not the officer's to read.
  await page.goto("/desk/reports?scope=body%3A7&quarter=2026-Q3");
  await expect(page.getByRole("alert")).toHaveText(
    "Bu hisobotni koʻrish huquqingiz yoʻq: oʻz organingiz yoki hududingizni tanlang.",
  );
  await page.context().close();
});

const HEAD = "+998900000103";

test("a head records the report's hearing and a decision, whose owner's work is marked done", async ({ browser }, testInfo) => {
  const page = await staffPage(browser, HEAD);
  const answer = await page.request.post("/dev/clock", {
    form: { advance_seconds: "0" },
    headers: { ...sameSite(page), Accept: "application/json" },
  });
  const { now } = await answer.json();
  // Tashkent is UTC+5 all year.
  const day = (ms: number) => new Date(ms + 5 * 3_600_000).toISOString().slice(0, 10);
  await page.goto("/desk/reports");
  await ready(page, testInfo);
  // Each project hears a quarter of its own (a quarter is heard once).
  const quarters = await page.getByLabel("Chorak").locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const quarter = quarters[testInfo.project.name === "phone" ? 1 : 2];
  await page.goto(`/desk/reports?scope=body%3A1&quarter=${quarter}`);
  await ready(page, testInfo);
  const hearing = page.locator("#hearing");
  await expect(hearing.getByRole("heading", { name: "Hisobot muhokamasi" })).toBeVisible();
  await expect(hearing).toContainText("Hisobot hali muhokama qilinmagan.");

  // A day still to come is refused at the field, with what was typed kept.
  await page.getByLabel("Muhokama kuni").fill(day(now + 3 * 86_400_000));
  await page.getByLabel("Ishtirokchilar").fill("B. Rahimov, N. Yusupova");
  await page.getByRole("button", { name: "Muhokamani qayd etish" }).click();
  await expect(page.getByRole("alert")).toHaveText("Muhokama kunini tanlang: chorak boshidan bugungacha.");
  await expectInView(page, page.getByRole("alert"), page.getByLabel("Muhokama kuni"));
  await expect(page.getByLabel("Ishtirokchilar")).toHaveValue("B. Rahimov, N. Yusupova");
  await page.getByLabel("Muhokama kuni").fill(day(now));
  await page.getByRole("button", { name: "Muhokamani qayd etish" }).click();
  await expect(page.getByRole("status")).toHaveText("Muhokama qayd etildi.");
  await expect(hearing.locator(".held-day")).toHaveText(day(now));

  // A decision with an owner and a due day.
  await page.getByLabel("Qaror", { exact: true }).fill("Elektron navbat joriy etilsin");
  await page.getByLabel("Masʼul shaxs (F.I.Sh.)").fill("Aziz Karimov");
  await page.getByLabel("Masʼul shaxsning telefoni").fill("+998 90 123 45 0" + (testInfo.project.name === "phone" ? "1" : "2"));
  await page.getByLabel("Muddat").fill(day(now + 10 * 86_400_000));
  await page.getByRole("button", { name: "Qaror qoʻshish" }).click();
  await expect(page.getByRole("status")).toHaveText("Qaror qoʻshildi, masʼul shaxsga SMS yuborildi.");
  const decision = hearing.locator("article.decision");
  await expect(decision.locator(".decision-text")).toHaveText("Elektron navbat joriy etilsin");
  await expect(decision.locator(".status")).toHaveText("Muddati bor");
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  // The head marks it done, saying what was done.
  await decision.getByLabel("Nima qilindi").fill("Elektron navbat ishga tushirildi");
  await decision.getByRole("button", { name: "Bajarildi deb qayd etish" }).click();
  await expect(page.getByRole("status")).toHaveText("Qaror ijrosi qayd etildi.");
  await expect(hearing.locator("article.decision .status")).toHaveText("Bajarilgan");
  await page.context().close();
});

test("a head finds a growing topic in the heat table, takes it up, plans and closes it", async ({ browser }, testInfo) => {
  // A resident's appeal on healthcare from Chilonzor tumani makes the topic grow this quarter.
  const resident = await browser.newContext({ ...testInfo.project.use });
  const filer = await resident.newPage();
  await signIn(filer, phoneFor(testInfo, 52));
  await filer.goto("/appeals/new");
  await ready(filer, testInfo);
  await filer.getByLabel("Tuman yoki shahar").selectOption("1726266");
  await fillApplicant(filer);
  await filer.getByLabel("Mavzu").selectOption("healthcare");
  await filer.getByLabel("Davlat organi").selectOption("4");
  await filer.getByLabel("Qisqacha mazmuni").fill("Navbat");
  await filer.getByLabel("Murojaat matni").fill("Poliklinikada navbat ikki haftaga choʻzilmoqda.");
  await filer.getByRole("button", { name: "Murojaatni yuborish" }).click();
  await expect(filer).toHaveURL(/\/appeals\/\d+/);
  await resident.close();

  const page = await staffPage(browser, HEAD);
  await page.goto("/desk");
  await page.getByRole("link", { name: "Tizimli muammolar →" }).click();
  await ready(page, testInfo);
  await page.getByLabel("Nima boʻyicha").selectOption("body:1");
  await page.getByRole("button", { name: "Koʻrsatish" }).click();
  await expect(page.getByRole("heading", { name: "Hudud va mavzu boʻyicha murojaatlar" })).toBeVisible();
  await expect(page.locator("table.heat tr.place-1726266 td.topic-healthcare")).not.toHaveText("0");
  await expect(page.getByRole("img")).toHaveAttribute("aria-label", /Tibbiy yordam: \d+/);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  // Taken up from the growing topic, with the title the head writes.
  const grows = page.locator(".growth-take").filter({ hasText: "Tibbiy yordam" });
  await grows.locator("summary").click();
  const title = `Navbatlar (${testInfo.project.name})`;
  await grows.getByLabel("Muammo nomi").fill(title);
  await grows.getByRole("button", { name: "Ishchi guruh bilan zimmaga olish" }).click();
  await expect(page).toHaveURL(/\/desk\/problems\/\d+\?done=taken$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.getByRole("status")).toHaveText("Muammo zimmaga olindi. Ishchi guruh va rejani yozing.");

  // Closing needs a plan first.
  await page.getByLabel("Natija").fill("Navbat qisqardi");
  await page.getByRole("button", { name: "Natija bilan yopish" }).click();
  await expect(page.getByRole("alert")).toHaveText("Avval ishchi guruh rejasini yozing.");
  await page.getByLabel("Ishchi guruh aʼzolari").fill("Bosh shifokor, mahalla raisi");
  await page.getByLabel("Reja", { exact: true }).fill("Elektron navbat va qoʻshimcha shifokor");
  await page.getByRole("button", { name: "Rejani saqlash" }).click();
  await expect(page.getByRole("status")).toHaveText("Reja saqlandi.");
  await page.getByLabel("Natija").fill("Navbat ikki kunga qisqardi");
  await page.getByRole("button", { name: "Natija bilan yopish" }).click();
  await expect(page.getByRole("status")).toHaveText("Muammo yopildi.");
  await expect(page.locator(".status-closed")).toHaveText("Yopilgan");
  await expect(page.locator("dd.result")).toHaveText("Navbat ikki kunga qisqardi");
  await page.context().close();
});
