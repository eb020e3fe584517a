import { type Browser, expect, type Page, test, type TestInfo } from "@playwright/test";
import { clientFor, expectInView, lastCode, pdfText, phoneFor, ready, sameSite, signIn, staffPage } from "./helpers";

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

test("a head publishes a reception, a resident finds it signed out, books a slot and cancels", async ({ browser }, testInfo) => {
  // Two people's whole flow: longer than one page's.
  test.setTimeout(90_000);
  const host = `Hokim oʻrinbosari T. Aliyev (${testInfo.project.name})`;
  // The head publishes from the desk; a past date is refused with what was typed kept.
  const page = await staffPage(browser, HEAD);
  await page.goto("/desk");
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
  await page.context().close();
});

const COORDINATOR = "+998900000104";
const OFFICER = "+998900000102";

test("the People's Reception gives a body an instruction, and the body's officer acknowledges it", async ({ browser }, testInfo) => {
  test.setTimeout(90_000);
  const text = `Qabul kunlarini oldindan eʼlon qiling (${testInfo.project.name}).`;
  const page = await staffPage(browser, COORDINATOR);
  await page.goto("/desk");
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
  const officer = await staffPage(browser, OFFICER);
  await officer.goto("/desk");
  await ready(officer, testInfo);
  const received = officer.locator(".instruction", { hasText: text });
  await received.getByRole("button", { name: "Tanishdim" }).click();
  await expect(officer).toHaveURL(/instruction=acknowledged/);
  await expect(officer.locator(".instruction", { hasText: text })).toContainText("Tanishildi");
  await page.reload();
  await expect(given).toContainText("Tanishildi");
  await officer.context().close();
});

/**
 * The officer publishes a reception of body 1 starting half an hour from the server's now
 * (its register is open from an hour before), and opens its page.
 */
async function receptionUnderWay(officer: Page, testInfo: TestInfo, host: string): Promise<string> {
  const answer = await officer.request.post("/dev/clock", {
    form: { advance_seconds: "0" },
    headers: { ...sameSite(officer), Accept: "application/json" },
  });
  const { now } = await answer.json();
  // Tashkent is UTC+5 all year.
  const tashkent = new Date(now + 5 * 3_600_000 + 30 * 60_000).toISOString();
  await officer.goto("/desk/receptions");
  await ready(officer, testInfo);
  await officer.locator(".new-reception summary").click();
  await officer.getByLabel("Tashkilot").selectOption("1");
  await officer.getByLabel("Qabul qiluvchi").fill(host);
  await officer.getByLabel("Manzil").fill("Amir Temur koʻchasi 5, 2-qavat");
  await officer.getByLabel("Tuman yoki shahar").selectOption("1726266");
  await officer.getByLabel("Sana").fill(tashkent.slice(0, 10));
  await officer.getByLabel("Boshlanish vaqti").fill(tashkent.slice(11, 16));
  await officer.getByRole("button", { name: "Eʼlon qilish" }).click();
  await expect(officer).toHaveURL(/\/desk\/receptions\/\d+\?published=1$/);
  await expect(officer.getByRole("heading", { name: "Tashrif buyuruvchini yozish" })).toBeVisible();
  return officer.url().replace(/\?.*$/, "");
}

/** Fills the register's form for one visitor's issue. */
async function fillVisit(
  page: Page,
  visit: { name: string; summary: string; resolution?: string; phone?: string; topic?: string; paper?: boolean },
) {
  await page.getByLabel("Familiya, ism, sharif").fill(visit.name);
  await page.getByLabel("Yashash manzili").fill("Chilonzor 9-kvartal, 14-uy");
  await page.getByLabel("Masala mazmuni").fill(visit.summary);
  if (visit.resolution) {
    await page.getByLabel("Joyida hal qilindi").check();
    await page.getByLabel("Qanday hal qilindi").fill(visit.resolution);
  } else {
    await page.getByLabel("Murojaat sifatida roʻyxatga olinsin").check();
    await page.getByLabel("Telefon raqami (murojaat uchun shart)").fill(visit.phone ?? "");
    if (visit.topic) {
      await page.getByLabel("Mavzu", { exact: true }).selectOption(visit.topic);
    }
    if (visit.paper) {
      await page.getByLabel(/qogʻozda imzoladi/).check();
    }
  }
}

test("at a reception the officer registers a walk-in whose appeal is confirmed with the code the visitor received", async ({ browser }, testInfo) => {
  test.setTimeout(90_000);
  const officer = await staffPage(browser, OFFICER);
  const host = `Hokim yordamchisi S. Nazarov (${testInfo.project.name})`;
  const register = await receptionUnderWay(officer, testInfo, host);
  const visitor = phoneFor(testInfo, 44);
  const js = testInfo.project.use.javaScriptEnabled !== false;

  // Without a phone an appeal is refused with the reason, and what was typed is not lost.
  await ready(officer, testInfo);
  await fillVisit(officer, { name: "Qodirova Zulfiya", summary: "Kardiolog qabuli yoʻq", topic: "healthcare" });
  await officer.getByRole("button", { name: "Yozish", exact: true }).click();
  const reason = "Telefon raqamini toʻgʻri yozing, masalan 90 123 45 67: murojaat uchun u shart.";
  if (js) {
    // The device's register keeps the refused entry, with the server's reason.
    await expect(officer.locator(".register-refused")).toContainText(reason);
    await expect(officer.locator(".register-refused")).toContainText("Kardiolog qabuli yoʻq");
    await officer.locator(".register-refused").getByRole("button", { name: "Oʻchirish" }).click();
    await expect(officer.locator(".register-refused")).toHaveCount(0);
    await fillVisit(officer, { name: "Qodirova Zulfiya", summary: "Kardiolog qabuli yoʻq", topic: "healthcare", phone: visitor });
  } else {
    await expect(officer).toHaveURL(/register_error=phone/);
    await expectInView(officer, officer.getByRole("alert"), officer.getByLabel("Telefon raqami (murojaat uchun shart)"));
    await expect(officer.getByRole("alert")).toHaveText(reason);
    await expect(officer.getByLabel("Masala mazmuni")).toHaveValue("Kardiolog qabuli yoʻq");
    await expect(officer.getByLabel("Murojaat sifatida roʻyxatga olinsin")).toBeChecked();
    await officer.getByLabel("Telefon raqami (murojaat uchun shart)").fill(visitor);
  }
  await officer.getByRole("button", { name: "Yozish", exact: true }).click();

  // The entry waits for the visitor: a wrong code is refused at it, theirs files the appeal.
  const waiting = officer.locator(".visit", { hasText: "Kardiolog qabuli yoʻq" });
  await expect(waiting).toContainText("Fuqaro tasdigʻini kutmoqda");
  await ready(officer, testInfo);
  const code = await lastCode(officer, visitor);
  await waiting.getByLabel("Fuqaroga kelgan SMS kod").fill(code === "000000" ? "111111" : "000000");
  await waiting.getByRole("button", { name: "Tasdiqlash" }).click();
  await expect(officer).toHaveURL(/visit_error=code/);
  await expect(officer.getByRole("alert")).toContainText("Kod notoʻgʻri");
  await ready(officer, testInfo);
  await officer.locator(".visit", { hasText: "Kardiolog qabuli yoʻq" }).getByLabel("Fuqaroga kelgan SMS kod").fill(code);
  await officer.locator(".visit", { hasText: "Kardiolog qabuli yoʻq" }).getByRole("button", { name: "Tasdiqlash" }).click();
  await expect(officer).toHaveURL(/filed=M-/);
  await expect(officer.getByText(/Murojaat roʻyxatga olindi: M-\d{4}-\d{6}\./)).toBeVisible();
  await expect(officer.locator(".visit", { hasText: "Kardiolog qabuli yoʻq" })).toContainText("SMS kod bilan tasdiqlangan");

  // The protocol to print, and as a PDF a reader can read.
  await officer.getByRole("link", { name: "Bayonnoma (chop etish uchun)" }).click();
  await expect(officer.getByRole("heading", { name: "Qabul bayonnomasi" })).toBeVisible();
  await expect(officer.locator(".protocol-entries li")).toHaveCount(1);
  await expect(officer.locator(".protocol-entries")).toContainText("Qodirova Zulfiya");
  const download = officer.waitForEvent("download");
  await officer.getByRole("link", { name: "Bayonnomani PDF qilib yuklab olish" }).click();
  const text = await pdfText(await (await download).path());
  expect(text).toContain("Qabul bayonnomasi");
  expect(text).toContain("Qodirova Zulfiya");
  expect(text).toContain(host);
  await officer.goto(register);
  await officer.context().close();
});

test("the register keeps entries on the device while the connection is lost and sends each once when it is back @js", async ({ browser }, testInfo) => {
  test.setTimeout(90_000);
  const officer = await staffPage(browser, OFFICER);
  const register = await receptionUnderWay(officer, testInfo, `Sayyor qabul: R. Jurayev (${testInfo.project.name})`);
  await ready(officer, testInfo);

  // No connection: two visitors are written down, kept on the phone, and the form is empty
  // for the next one each time.
  await officer.context().setOffline(true);
  await fillVisit(officer, { name: "Aliyev Rustam", summary: "Koʻchada chiroq yoʻq", resolution: "Elektr tarmoqlariga topshirildi" });
  await officer.getByRole("button", { name: "Yozish", exact: true }).click();
  await expect(officer.locator("#register-queue")).toContainText("hali yuborilmagan: 1");
  await expect(officer.getByLabel("Familiya, ism, sharif")).toHaveValue("");
  await fillVisit(officer, {
    name: "Karimova Dilnoza",
    summary: "Suv bosimi past",
    phone: phoneFor(testInfo, 45),
    topic: "healthcare",
    paper: true,
  });
  await officer.getByRole("button", { name: "Yozish", exact: true }).click();
  await expect(officer.locator("#register-queue")).toContainText("hali yuborilmagan: 2");
  await expect(officer.locator(".visit")).toHaveCount(0);

  // Back online: both are sent, in order, and the register shows them.
  await officer.context().setOffline(false);
  await expect(officer.locator("#register-queue")).toHaveCount(0);
  await expect(officer.locator(".visit")).toHaveCount(2);
  await expect(officer.locator(".visit").nth(1)).toContainText(/Murojaat M-\d{4}-\d{6}/);

  // Each once: the page read again from the server lists two.
  await officer.goto(register);
  await expect(officer.locator(".visit")).toHaveCount(2);
  await officer.context().close();
});

test("a resident chooses the mahalla whose field receptions they are told of", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 46));
  await page.goto("/profile");
  await ready(page, testInfo);
  await page.getByLabel("Tuman yoki shahar").selectOption("1726266");
  if (testInfo.project.use.javaScriptEnabled === false) {
    // Without JavaScript the district is saved first, and the page offers its mahallas.
    await page.getByRole("button", { name: "Saqlash", exact: true }).click();
    await expect(page).toHaveURL(/notices_district=1726266/);
  }
  const mahalla = page.getByLabel("Mahalla", { exact: true });
  await expect(mahalla.locator("option")).not.toHaveCount(1);
  const name = (await mahalla.locator("option").nth(1).textContent())!.trim();
  await mahalla.selectOption({ index: 1 });
  await page.getByRole("button", { name: "Saqlash", exact: true }).click();
  await expect(page).toHaveURL(/done=field_notices/);
  await expect(page.getByText("Saqlandi.")).toBeVisible();
  await expect(page.getByText(`Hozir xabar beriladi: ${name}`)).toBeVisible();
  await page.getByRole("button", { name: "Xabar bermang" }).click();
  await expect(page.getByText(/Hozir xabar beriladi/)).toHaveCount(0);
});
