// cargo leptos end-to-end starts the server and runs the tests at once: wait until it is
// ready (the database migrated and the reference data loaded).
import { baseURL } from "./playwright.config";

export default async function globalSetup() {
  const deadline = Date.now() + 120_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseURL}/readyz`);
      if (response.ok) return;
      last = `${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the server at ${baseURL} did not become ready: ${last}`);
}
