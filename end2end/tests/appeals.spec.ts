import { type Browser, expect, type Page, test } from "@playwright/test";
import { fillApplicant, hydrated, lastCode, phoneFor, ready, sameSite, signIn, staffPage } from "./helpers";

const OFFICER = "+998900000102";
const COORDINATOR = "+998900000104";

// Filing an appeal from a phone: registered at once with a number and the date an answer is
// due, and the timeline on its page; bad input comes back with its message and the text kept.

test("a resident files an appeal and sees its number, term and timeline", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 15));
  await page.goto("/appeals");
  await page.getByRole("link", { name: "Yangi murojaat" }).click();
  await expect(page).toHaveURL(/\/appeals\/new$/);
  await ready(page, testInfo);
  await page.getByLabel("Tuman yoki shahar").selectOption("1726266");
  await fillApplicant(page);
  await page.getByLabel("Mavzu").selectOption("healthcare");
  await page.getByLabel("Davlat organi").selectOption("4");
  await page.getByLabel("Shikoyat").check();
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
  await ready(page, testInfo);
  await page.getByLabel("Tuman yoki shahar").selectOption("1726266");
  await fillApplicant(page);
  await page.getByLabel("Mavzu").selectOption("healthcare");
  // No body is chosen for the resident (with the page's script the topic suggests one).
  await page.getByLabel("Davlat organi").selectOption("4");
  await page.getByLabel("Qisqacha mazmuni").fill("Yoritish");
  await page.getByLabel("Murojaat matni").fill("   ");
  await page.getByRole("button", { name: "Murojaatni yuborish" }).click();
  await expect(page.getByRole("alert")).toHaveText("Murojaat matnini yozing.");
  await expect(page.getByLabel("Qisqacha mazmuni")).toHaveValue("Yoritish");
});

/** Files an appeal from the form; returns its id. */
async function fileAppeal(page: Page, subject: string, cosigners = ""): Promise<string> {
  await page.goto("/appeals/new");
  await ready(page, test.info());
  await page.getByLabel("Tuman yoki shahar").selectOption("1726266");
  await fillApplicant(page);
  await page.getByLabel("Mavzu").selectOption("healthcare");
  await page.getByLabel("Davlat organi").selectOption("4");
  await page.getByLabel("Qisqacha mazmuni").fill(subject);
  await page.getByLabel("Murojaat matni").fill("Poliklinika hovlisidagi chiroqlar bir oydan beri yoqilmaydi.");
  if (cosigners) {
    await page.getByLabel("Hammualliflar", { exact: true }).fill(cosigners);
    if (test.info().project.use.javaScriptEnabled !== false) {
      // The district's mahallas load when it is chosen.
      await page.getByLabel("Mahalla", { exact: true }).selectOption({ label: "Adolat MFY" });
    }
  }
  await page.getByRole("button", { name: "Murojaatni yuborish" }).click();
  if (cosigners && test.info().project.use.javaScriptEnabled === false) {
    // Without JavaScript the mahallas are offered once the district is sent: a collective
    // appeal is refused without one, with everything typed kept.
    await expect(page).toHaveURL(/error=mahalla_required/);
    await expect(page.getByRole("alert")).toHaveText(
      "Jamoaviy murojaat uchun mahallani tanlang: yakunlashga uning yettiligi rozilik beradi.",
    );
    await expect(page.getByLabel("Qisqacha mazmuni")).toHaveValue(subject);
    await page.getByLabel("Mahalla", { exact: true }).selectOption({ label: "Adolat MFY" });
    await page.getByRole("button", { name: "Murojaatni yuborish" }).click();
  }
  await expect(page).toHaveURL(/\/appeals\/\d+\?filed=1$/);
  return /\/appeals\/(\d+)/.exec(page.url())![1];
}

/** The appeals officer, signed in a browser context of their own (one session reused). */
function officerPage(browser: Browser): Promise<Page> {
  return staffPage(browser, OFFICER);
}

test("the topic suggests the body closest to the resident's district @js", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 17));
  await page.goto("/appeals/new");
  await hydrated(page);
  await page.getByLabel("Tuman yoki shahar").selectOption("1726266");
  await fillApplicant(page);
  await page.getByLabel("Mavzu").selectOption("healthcare");
  await expect(page.getByLabel("Davlat organi")).toHaveValue("4");
  await expect(page.locator(".body-suggestion")).toContainText("1-son oilaviy poliklinika");
  await page.getByLabel("Mavzu").selectOption("electricity");
  await expect(page.locator(".body-suggestion")).toContainText("elektr");
});

test("a draft stays on the phone when the connection drops before sending @js", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 18));
  await page.goto("/appeals/new");
  await hydrated(page);
  await page.getByLabel("Tuman yoki shahar").selectOption("1726266");
  await fillApplicant(page);
  await page.getByLabel("Mavzu").selectOption("healthcare");
  await page.getByLabel("Qisqacha mazmuni").fill("Qoralama");
  await page.getByLabel("Murojaat matni").fill("Aloqa uzilib qolsa ham bu matn yoʻqolmasligi kerak.");
  // The draft is kept on the phone as it is typed.
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem("fuqaro.draft.appeal-form") ?? ""))
    .toContain("Aloqa uzilib qolsa");
  // The network goes: the send fails (the browser shows its error page).
  await page.context().setOffline(true);
  const failed = page.waitForEvent("requestfailed", (r) => r.url().endsWith("/appeals") && r.method() === "POST");
  // The navigation fails by design: the click must not wait for it.
  await page.getByRole("button", { name: "Murojaatni yuborish" }).click({ noWaitAfter: true });
  await failed;
  await page.context().setOffline(false);
  await page.goto("/appeals/new");
  await hydrated(page);
  await expect(page.locator(".draft-restored")).toBeVisible();
  await expect(page.getByLabel("Qisqacha mazmuni")).toHaveValue("Qoralama");
  await expect(page.getByLabel("Murojaat matni")).toHaveValue("Aloqa uzilib qolsa ham bu matn yoʻqolmasligi kerak.");
  await page.getByRole("button", { name: "Murojaatni yuborish" }).click();
  await expect(page).toHaveURL(/\?filed=1$/);
  await hydrated(page);
  // Sent: the draft is gone.
  await page.goto("/appeals/new");
  await hydrated(page);
  await expect(page.locator(".draft-restored")).toHaveCount(0);
  await expect(page.getByLabel("Qisqacha mazmuni")).toHaveValue("");
});

test("an officer triages and answers on the desk and the resident's page changes without a reload @js", async ({ page, browser }, testInfo) => {
  // A whole appeal's life in two browsers (file, triage, answer, close, rate): more than the
  // usual thirty seconds on a busy two-core machine.
  test.slow();
  await signIn(page, phoneFor(testInfo, 19));
  const id = await fileAppeal(page, "Chiroqlar yonmaydi");
  await expect(page.locator(".appeal-category")).toHaveText("hali saralanmagan");
  // The page follows the live stream from the newest event it shows, so nothing falls
  // between the render and the stream's start.
  await hydrated(page);

  const desk = await officerPage(browser);
  await desk.goto("/desk");
  await desk.locator(`a[href="/desk/appeals/${id}"]`).click();
  await expect(desk.locator(".appeal-number")).toBeVisible();
  // Nothing is wider than the phone (a long timeline line once made the page scroll sideways).
  expect(await desk.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await desk.getByLabel("Toifa").selectOption("urgent");
  await desk.getByRole("button", { name: "Saralash" }).click();
  await expect(desk.getByText("Saqlandi.")).toBeVisible();

  // The resident's page, untouched, follows within a second or so.
  await expect(page.locator(".appeal-category")).toHaveText("shoshilinch", { timeout: 3000 });
  await expect(page.locator(".timeline li.event.triaged")).toBeVisible();

  await desk.getByLabel("Javob matni yoki sabab").fill("Chiroqlar 25-noyabrgacha almashtiriladi.");
  await desk.getByRole("button", { name: "Javob berish" }).click();
  await expect(desk.getByText("Saqlandi.")).toBeVisible();
  await expect(page.locator(".appeal-status")).toHaveText("javob berildi", { timeout: 3000 });
  await expect(page.locator(".timeline li.event.answered")).toContainText("25-noyabrgacha");
  // The list follows too.
  await page.goto("/appeals");
  await hydrated(page);
  const row = page.locator(".list.appeals li", { hasText: "Chiroqlar yonmaydi" });
  await expect(row.locator(".appeal-status")).toHaveText("javob berildi");
  await resolve(desk);
  await expect(row.locator(".appeal-status")).toHaveText("yakunlandi", { timeout: 3000 });

  // The resident rates the answer; the officer sees the rating.
  await page.goto(`/appeals/${id}`);
  await page.getByLabel("4", { exact: true }).check();
  await page.getByLabel("Izoh (ixtiyoriy)").fill("Tez hal qilindi");
  await page.getByRole("button", { name: "Bahoni yuborish" }).click();
  await expect(page.getByText("Bahoingiz uchun rahmat.")).toBeVisible();
  await desk.reload();
  await expect(desk.locator(".ratings .rating")).toContainText("4 / 5");
  await desk.context().close();
});

test("an escalation is shown live when the clock passes the term @js", async ({ page }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 20));
  const id = await fileAppeal(page, "Muddati oʻtadigan murojaat");
  await expect(page.locator(".appeal-body")).toContainText("1-son oilaviy poliklinika");
  await hydrated(page);
  // Weeks later the ordinary term (15 days from the next working day, on past holidays) has
  // ended unanswered. The resident uses the app now and then meanwhile: a session unused for
  // a week ends.
  for (let days = 0; days < 25; days += 5) {
    await page.request.get("/appeals");
    await page.request.post("/dev/clock", { form: { advance_seconds: String(5 * 24 * 3600) }, headers: sameSite(page) });
  }
  await expect(page.locator(".appeal-body")).toContainText("Yunusobod tumani tibbiyot birlashmasi", { timeout: 3000 });
  await expect(page.locator(".timeline li.event.escalated")).toBeVisible();
  expect(id).toMatch(/^\d+$/);
});

test("a collective appeal closes only with the word of a confirmed co-signer and of its mahalla's seven", async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  await signIn(page, phoneFor(testInfo, 21));
  const [cosigner, other, chair] = [phoneFor(testInfo, 48), phoneFor(testInfo, 50), phoneFor(testInfo, 49)];
  const id = await fileAppeal(page, "Koʻcha yoritilishi", `${cosigner}, ${other}`);
  await expect(page.locator(".cosigners li")).toHaveCount(2);
  // A co-signer confirms with the code from their SMS.
  const number = (await page.locator(".appeal-number").textContent())!.trim();
  const code = await lastCode(page, cosigner);
  await page.goto(`/appeals/cosign?number=${number}`);
  await page.getByLabel("Mobil telefon raqami").fill(cosigner);
  await page.getByLabel("6 xonali kod").fill(code);
  await page.getByRole("button", { name: "Imzoni tasdiqlash" }).click();
  await expect(page.getByText("Imzongiz tasdiqlandi. Rahmat!")).toBeVisible();

  const desk = await officerPage(browser);
  await desk.goto(`/desk/appeals/${id}`);
  await resolve(desk);
  await expect(desk.getByRole("alert")).toHaveText(
    "Jamoaviy murojaatni yakunlash uchun hammualliflar vakilining roziligi kerak.",
  );

  // Each gives their own word, confirmed with a code sent to their phone.
  const give = async (phone: string, role: string) => {
    const context = await browser.newContext({ ...testInfo.project.use });
    const them = await context.newPage();
    await signIn(them, phone);
    await them.goto("/consents");
    const item = them.locator(".consent-case", { hasText: number });
    await expect(item).toContainText(`Siz: ${role}`);
    await item.getByRole("button", { name: "Rozilik beraman" }).click();
    await expect(them.getByText("Telefoningizga kod yuborildi. Uni kiriting.")).toBeVisible();
    await them.getByLabel("SMS kod").fill(await lastCode(them, phone));
    await them.getByRole("button", { name: "Tasdiqlash" }).click();
    await expect(them.getByText("Soʻzingiz qayd etildi.")).toBeVisible();
    await expect(them.locator(".consent-case", { hasText: number })).toContainText("Rozilik bergansiz");
    await context.close();
  };
  await give(cosigner, "Hammualliflar vakili");
  await desk.reload();
  await resolve(desk);
  await expect(desk.getByRole("alert")).toHaveText(
    "Jamoaviy murojaatni yakunlash uchun mahalla yettiligi aʼzosining roziligi kerak.",
  );

  // The People's Reception names the mahalla's chair by phone.
  const coordinator = await staffPage(browser, COORDINATOR);
  await coordinator.goto("/desk");
  await coordinator.getByRole("link", { name: "Mahalla yettiligini tayinlash →" }).click();
  await ready(coordinator, testInfo);
  await coordinator.getByLabel("Tuman yoki shahar").selectOption("1726266");
  if (testInfo.project.use.javaScriptEnabled === false) {
    await coordinator.getByRole("button", { name: "Koʻrsatish" }).click();
  }
  await coordinator.getByLabel("Mahalla", { exact: true }).selectOption({ label: "Adolat MFY" });
  await coordinator.getByRole("button", { name: "Koʻrsatish" }).click();
  await expect(coordinator.getByRole("heading", { name: /Aʼzolar — Adolat MFY/ })).toBeVisible();
  await coordinator.getByLabel("Lavozimi").selectOption("mahalla_chair");
  await coordinator.getByLabel("Familiyasi, ismi").fill(`Rahimova Dilnoza (${testInfo.project.name})`);
  await coordinator.getByLabel("Telefon raqami").fill(chair);
  await coordinator.getByRole("button", { name: "Tayinlash" }).click();
  await expect(coordinator.getByText("Tayinlandi, unga SMS yuborildi.")).toBeVisible();
  await expect(coordinator.locator(".list.seven")).toContainText(`Mahalla raisi: Rahimova Dilnoza (${testInfo.project.name})`);
  await coordinator.context().close();

  await give(chair, "Mahalla raisi");
  await desk.reload();
  await resolve(desk);
  await expect(desk.getByText("Murojaat yakunlandi. Fuqaroga xabar yuborildi.")).toBeVisible();
  await expect(desk.locator(".appeal-status")).toHaveText("yakunlandi");
  await desk.context().close();
});

/** Closes an appeal on the desk as an officer does: an outcome chosen, the tick that confirms. */
async function resolve(desk: Page) {
  await desk.getByLabel("Yakuniy qaror").selectOption("satisfied");
  await desk.getByLabel("Ha, murojaatni shu qaror bilan yakunlayman").check();
  await desk.getByRole("button", { name: "Yakunlash" }).click();
}

test("an officer closes an appeal only with an outcome chosen and the tick that confirms it", async ({ page, browser }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 36));
  const id = await fileAppeal(page, "Yakunlash tekshiruvi");
  const desk = await officerPage(browser);
  await desk.goto(`/desk/appeals/${id}`);
  await ready(desk, testInfo);
  // No answer is chosen for the officer: triage and the outcome both start at "—".
  await expect(desk.getByLabel("Toifa")).toHaveValue("");
  await expect(desk.getByLabel("Yakuniy qaror")).toHaveValue("");
  // One tap does nothing: the browser asks for the outcome and the tick first.
  await desk.getByRole("button", { name: "Yakunlash" }).click();
  await expect(desk).toHaveURL(new RegExp(`/desk/appeals/${id}$`));
  await desk.getByLabel("Yakuniy qaror").selectOption("explained");
  await desk.getByRole("button", { name: "Yakunlash" }).click();
  await expect(desk).toHaveURL(new RegExp(`/desk/appeals/${id}$`));
  await expect(desk.locator(".appeal-status")).not.toHaveText("yakunlandi");
  // Asked without the tick all the same (as a form without the browser's check would), the
  // server refuses it and says why.
  const refused = await desk.request.post(`/desk/appeals/${id}`, {
    multipart: { action: "resolve", resolution: "explained", text: "" },
    headers: { Origin: new URL(desk.url()).origin },
    maxRedirects: 0,
  });
  expect(refused.headers()["location"]).toContain("error=confirm_required");
  await resolve(desk);
  await expect(desk.getByText("Murojaat yakunlandi. Fuqaroga xabar yuborildi.")).toBeVisible();
  await expect(desk.locator(".appeal-status")).toHaveText("yakunlandi");
  await desk.context().close();
});

test("the officer handling an appeal sees who wrote it: name, full phone and address", async ({ page, browser }, testInfo) => {
  const phone = phoneFor(testInfo, 39);
  await signIn(page, phone);
  const id = await fileAppeal(page, "Arizachi kim");
  const desk = await officerPage(browser);
  await desk.goto(`/desk/appeals/${id}`);
  const applicant = desk.locator(".applicant");
  await expect(applicant).toContainText("Karimova Dilnoza Akmalovna");
  await expect(applicant).toContainText(phone);
  await expect(applicant).toContainText("Amir Temur koʻchasi 1, 5-xonadon");
  await desk.context().close();
  // Given once, the name fills the next form.
  await page.goto("/appeals/new");
  await expect(page.getByLabel("Familiya, ism, otasining ismi")).toHaveValue("Karimova Dilnoza Akmalovna");
});

test("the resident reads the answer before the forms that respond to it", async ({ page, browser }, testInfo) => {
  await signIn(page, phoneFor(testInfo, 42));
  const id = await fileAppeal(page, "Javob tartibi");
  const desk = await officerPage(browser);
  await desk.goto(`/desk/appeals/${id}`);
  await desk.getByLabel("Javob matni yoki sabab").fill("Navbat 2-dekabrga qoʻyildi.");
  await desk.getByRole("button", { name: "Javob berish" }).click();
  await expect(desk.getByText("Saqlandi.")).toBeVisible();
  await desk.context().close();
  await page.goto(`/appeals/${id}`);
  const answer = page.locator("#answer");
  await expect(answer.locator(".answer-text")).toHaveText("Navbat 2-dekabrga qoʻyildi.");
  const rate = page.getByRole("group", { name: "Javobni baholang" });
  await expect(rate).toContainText("1 — mutlaqo qoniqmadim, 5 — toʻliq qoniqdim");
  expect((await answer.boundingBox())!.y).toBeLessThan((await rate.boundingBox())!.y);
});

const HEAD = "+998900000103";

test("a head who reviews answers sends an officer's answer on to the resident", async ({ page, browser }, testInfo) => {
  test.setTimeout(90_000);
  await signIn(page, phoneFor(testInfo, 47));
  const id = await fileAppeal(page, "Javob koʻrigi");
  const head = await staffPage(browser, HEAD);
  const review = async (on: boolean) => {
    await head.goto("/desk");
    await ready(head, testInfo);
    await head.locator(".answer-review summary").click();
    const tick = head.locator(".answer-review input[name=on]").first();
    await (on ? tick.check() : tick.uncheck());
    await head.locator(".answer-review").getByRole("button", { name: "Saqlash" }).first().click();
    await expect(head).toHaveURL(/review=saved/);
    await expect(head.getByText("Saqlandi.")).toBeVisible();
  };
  await review(true);
  try {
    // The officer answers; it waits for the head, and the resident sees nothing of it yet.
    const desk = await officerPage(browser);
    await desk.goto(`/desk/appeals/${id}`);
    await ready(desk, testInfo);
    await desk.getByLabel("Javob matni yoki sabab").fill("Navbat 5-dekabrga berildi.");
    await desk.getByRole("button", { name: "Javob berish" }).click();
    await expect(desk.getByText("Javobingiz rahbar koʻrigida.", { exact: false })).toBeVisible();
    await page.goto(`/appeals/${id}`);
    await expect(page.locator(".timeline")).not.toContainText("5-dekabrga");

    // The head reads it and lets it go: the resident gets it.
    await head.goto(`/desk/appeals/${id}`);
    await ready(head, testInfo);
    await expect(head.locator(".draft-answer")).toContainText("Navbat 5-dekabrga berildi.");
    await head.getByRole("button", { name: "Javobni fuqaroga yuborish" }).click();
    await expect(head.getByText("Saqlandi.")).toBeVisible();
    await page.goto(`/appeals/${id}`);
    await expect(page.locator(".timeline li.event.answered")).toContainText("5-dekabrga");
    await desk.context().close();
  } finally {
    // The setting is the server's, shared by every test after this one.
    await review(false);
    await head.context().close();
  }
});
