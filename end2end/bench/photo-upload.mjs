// The phone side of a meter photo (issue 4): a demo resident picks a 12-megapixel photo on
// the account page; the page downscales and re-encodes it before upload. Prints the time
// that takes with the CPU slowed 4x against no slowdown (same run, median of 3), and the
// bytes that then travel against the photo's own size.
//   PHOTO=12mp.jpg BASE_URL=http://127.0.0.1:3000 node end2end/bench/photo-upload.mjs
import { chromium, devices } from "@playwright/test";
import { statSync } from "node:fs";

const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const photo = process.env.PHOTO;
const phone = "+998900000001";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ ...devices["Pixel 7"], baseURL: base });
const page = await context.newPage();

await page.goto("/sign-in");
await page.getByLabel("Mobil telefon raqami").fill(phone);
await page.getByRole("button", { name: "Kod yuborish" }).click();
await page.waitForURL(/\/sign-in\/code/);
const messages = await (await page.request.get(`/dev/sms.json?phone=${encodeURIComponent(phone)}`)).json();
await page.getByLabel("6 xonali kod").fill(/\b(\d{6})\b/.exec(messages[0].body)[1]);
await page.getByRole("button", { name: "Kirish", exact: true }).click();
await page.waitForURL(/\/accounts$/);
const accounts = await (await page.request.post("/api/my_accounts")).json();
const account = accounts.find((a) => a.service_code === "electricity");

const cdp = await context.newCDPSession(page);
async function prepare(rate) {
  await page.goto(`/accounts/${account.id}`);
  await page.waitForSelector("html[data-hydrated=true]");
  await cdp.send("Emulation.setCPUThrottlingRate", { rate });
  const started = performance.now();
  await page.locator("#photo-camera").setInputFiles(photo);
  await page.locator(".photo-ready").waitFor({ timeout: 120_000 });
  const took = performance.now() - started;
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  return took;
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = {};
for (const rate of [1, 4]) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await prepare(rate));
  times[rate] = median(runs);
}

// The prepared photo's exact size, as the page holds it; then send it.
const uploaded = Number(await page.locator(".photo-ready").getAttribute("data-bytes"));
const last = parseFloat((await page.locator(".last-reading").innerText()).trim()) || 0;
await page.getByLabel("Koʻrsatkich, kWh").fill((last + 100).toFixed(1));
await page.getByRole("button", { name: "Yuborish" }).click();
await page.waitForURL(/reading=sent/);

const original = statSync(photo).size;
console.log(`photo picked:          ${original} bytes`);
console.log(`photo uploaded:        ${uploaded} bytes   ratio ${(uploaded / original).toFixed(3)}`);
console.log(`baseline, CPU 1x:      ${times[1].toFixed(0)} ms to prepare`);
console.log(`CPU slowed 4x:         ${times[4].toFixed(0)} ms to prepare   ratio ${(times[4] / times[1]).toFixed(2)}`);
await browser.close();
