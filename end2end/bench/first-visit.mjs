// Bytes a phone transfers on a first visit (empty cache) to a page, counted by Chromium
// itself (encoded bytes on the wire, headers included), with JavaScript on so the WASM app
// is part of it. Prints one JSON line.
//   node end2end/bench/first-visit.mjs http://127.0.0.1:3000/
import { chromium, devices } from "@playwright/test";

const url = process.argv[2] ?? "http://127.0.0.1:3000/";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ ...devices["Pixel 7"] });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Network.enable");
await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
const byType = {};
const typeOf = new Map();
let total = 0;
cdp.on("Network.responseReceived", (e) => typeOf.set(e.requestId, e.type));
cdp.on("Network.loadingFinished", (e) => {
  const type = typeOf.get(e.requestId) ?? "Other";
  byType[type] = (byType[type] ?? 0) + e.encodedDataLength;
  total += e.encodedDataLength;
});
const started = Date.now();
await page.goto(url, { waitUntil: "load" });
await page.waitForSelector("html[data-hydrated=true]", { timeout: 60_000 });
const hydratedMs = Date.now() - started;
await page.waitForTimeout(500);
console.log(JSON.stringify({ url, total_bytes: total, by_type: byType, hydrated_ms: hydratedMs }));
await browser.close();
