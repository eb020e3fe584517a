import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium, never a downloaded browser. The flags keep it off the network, which
// this machine does not have anyway (see docs/research/architecture.md).
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // A fake camera (a moving test pattern) and no permission prompt: the meter-reading
    // viewfinder is tested with it.
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
  ],
};

export const baseURL = process.env.BASE_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // One retry in CI: the browser tests run a debug build on two cores, where a page's WASM
  // chunk now and then arrives after the wait. A retry signs in as a fresh resident
  // (helpers.phoneFor counts the retry), and the list reports the test as flaky.
  retries: process.env.CI ? 1 : 0,
  // One worker: some tests move the server clock, which every test shares.
  workers: 1,
  reporter: [["list"]],
  globalSetup: "./global-setup.ts",
  use: {
    baseURL,
    trace: "retain-on-failure",
    permissions: ["camera"],
  },
  projects: [
    {
      name: "phone",
      use: { ...devices["Pixel 7"], launchOptions: chromium },
    },
    {
      // Every page must work as plain server-rendered HTML.
      name: "phone-no-js",
      use: { ...devices["Pixel 7"], javaScriptEnabled: false, launchOptions: chromium },
      grepInvert: /@js/,
    },
  ],
});
