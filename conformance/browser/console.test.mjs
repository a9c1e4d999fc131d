// The console in a real browser: headless Chromium (Debian's chromium)
// driven by playwright-core. conformance/browser_test.go seeds the server
// through the Go SDKs and passes what it made in IDPOOL_* variables; every
// page visited is written as a PNG to IDPOOL_SCREENSHOTS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const env = (name) => {
  const v = process.env[name];
  assert.ok(v, `${name} must be set (conformance/browser_test.go sets it)`);
  return v;
};
const endpoint = env("IDPOOL_ENDPOINT");
const console_ = endpoint + "/_idpool/console";
const shots = env("IDPOOL_SCREENSHOTS");
const poolID = env("IDPOOL_POOL_ID");
const loginUser = env("IDPOOL_LOGIN_USER");
const loginID = env("IDPOOL_LOGIN_ID");
const devUser = env("IDPOOL_DEV_USER");
const devID = env("IDPOOL_DEV_ID");
const devToken = env("IDPOOL_DEV_TOKEN");
const devAccessKey = env("IDPOOL_DEV_ACCESS_KEY");
const longDataset = env("IDPOOL_LONG_DATASET");
const hugeKey = env("IDPOOL_HUGE_KEY");
const hugeLen = Number(env("IDPOOL_HUGE_LEN"));

let profile, context, page;
const dialogs = [];
// The browser's console errors (a page that makes the browser ask for
// /favicon.ico gets one from idpool's refusal), but for the page the
// test opens knowing it is gone.
const consoleErrors = [];

before(async () => {
  profile = await mkdtemp(path.join(tmpdir(), "idpool-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: env("IDPOOL_CHROMIUM"),
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  // A value shown as markup instead of text would run its script.
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss();
  });
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 404/.test(m.text())) consoleErrors.push(m.text() + " on " + page.url());
  });
  // The console needs nothing beyond idpool.
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.origin !== new URL(endpoint).origin) {
      return route.abort();
    }
    return route.continue();
  });
});

after(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const shot = (name) => page.screenshot({ path: path.join(shots, name + ".png"), fullPage: true });

test("pools list shows the seeded pool", async () => {
  await page.goto(console_ + "/");
  const row = page.locator("tr", { hasText: poolID });
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /accounts\.google\.com/);
  assert.match(text, /allowed/);
  await shot("1-pools");
});

test("find the identity by its login and open it", async () => {
  await page.locator("tr", { hasText: poolID }).getByRole("link").first().click();
  await page.waitForURL(/\/pools\//);
  await page.fill("#q", loginUser);
  await Promise.all([page.waitForURL(/q=/), page.click("form.search button")]);
  const rows = page.locator("#identities tbody tr");
  assert.equal(await rows.count(), 1, "one identity has that login");
  assert.match(await rows.first().innerText(), new RegExp(loginID));
  await shot("2-pool-search");
  await Promise.all([page.waitForURL(/\/identities\//), rows.first().getByRole("link", { name: loginID }).click()]);
});

test("the identity shows its login and its dataset, markup as text", async () => {
  const body = await page.locator("main").innerText();
  assert.match(body, new RegExp(loginUser));
  assert.match(body, /profile/);
  const value = (key) => page.locator("table.records tr", { hasText: key }).locator("td.value").innerText();
  assert.equal(await value("city"), "Lisbon");
  assert.equal(await value("color"), "<script>alert(1)</script>");
  assert.equal(await value("spaced"), "  two  spaces", "a value keeps its spaces");
  assert.match(body, new RegExp(longDataset));
  assert.equal(await page.locator("table.records tr.deleted", { hasText: "temp" }).count(), 1, "the removed record is marked deleted");
  assert.deepEqual(dialogs, [], "no script from a value ran");
  await shot("3-identity");
  await page.emulateMedia({ colorScheme: "dark" });
  await shot("3-identity-dark");
  await page.emulateMedia({ colorScheme: "light" });
});

test("a record value of 200,000 letters is cut, and its page loads in seconds", async () => {
  // Laid out whole, such a value kept Chromium from showing the page for a
  // minute or more; cut to 4 KiB it takes well under a second.
  const start = Date.now();
  await page.goto(console_ + "/identities/" + encodeURIComponent(loginID));
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const took = Date.now() - start;
  assert.ok(took < 5000, `the page took ${took} ms to load and lay out`);
  const cell = await page.locator("table.records tr", { hasText: hugeKey }).locator("td.value").innerText();
  assert.ok(cell.startsWith("A".repeat(4096) + " "), "the value's first 4 KiB are shown");
  assert.match(cell, new RegExp(`and ${hugeLen - 4096} more characters \\(${hugeLen - 4096} bytes\\) not shown`));
});

test("the developer identity shows its developer user identifier and credentials", async () => {
  await page.goto(console_ + "/identities/" + encodeURIComponent(devID));
  const body = await page.locator("main").innerText();
  assert.match(body, new RegExp(devUser));
  assert.match(body, new RegExp(devAccessKey), "the credentials issued to it are listed");
  assert.match(body, /OpenID token/, "the token issued to it is listed");
});

test("activity shows the refusal with its reason, and new requests live", async () => {
  await page.goto(console_ + "/activity?errors=1&pool=" + encodeURIComponent(poolID));
  const refused = page.locator("#activity tbody tr", { hasText: "GetCredentialsForIdentity" });
  await refused.first().waitFor();
  const text = await refused.first().innerText();
  assert.match(text, /NotAuthorizedException/);
  assert.match(text, /role mapping of accounts\.google\.com \(Rules\)/);
  assert.match(text, /rule 1 \(hd Equals "example\.com".*did not match/);
  assert.match(text, /AmbiguousRoleResolution Deny/);
  // At 1280 pixels the ids wrap rather than squeeze the refusal's words
  // or push them out of the table's box.
  const fit = await page.locator("#activity").evaluate((t) => ({
    over: t.parentElement.scrollWidth - t.parentElement.clientWidth,
    why: t.querySelector("tr.refused td:last-child").getBoundingClientRect().width,
  }));
  assert.ok(fit.over <= 0 && fit.why >= 300, `the table overflows its box by ${fit.over}px, its last column ${fit.why}px wide`);
  await shot("4-activity");

  // A request made now appears without a reload.
  await page.goto(console_ + "/activity?errors=1");
  await page.locator("#live", { hasText: "updating live" }).waitFor();
  const missing = "us-east-1:00000000-0000-4000-8000-00000000b0b0";
  const res = await fetch(endpoint + "/", {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityService.GetId" },
    body: JSON.stringify({ IdentityPoolId: missing }),
  });
  assert.equal(res.status, 400);
  await page.locator("#activity tbody tr", { hasText: missing }).first().waitFor({ timeout: 10000 });
  assert.match(await page.locator("#activity tbody tr").first().innerText(), /ResourceNotFoundException/);
  // In UTC, to the second, as the server renders the rows below it.
  const times = await page.locator("#activity tbody tr td:first-child").allInnerTexts();
  for (const t of times) assert.match(t, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/, "a live or rendered row's time");
  await shot("4-activity-live");
});

test("live updates pause, and wait while focus is in the table", async () => {
  // A pool of its own, so that the filtered table shows only this test's
  // requests, each a GetId refused because the pool does not exist.
  const pool = "us-east-1:00000000-0000-4000-8000-00000000c0c0";
  const refuse = async () => {
    const res = await fetch(endpoint + "/", {
      method: "POST",
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityService.GetId" },
      body: JSON.stringify({ IdentityPoolId: pool }),
    });
    assert.equal(res.status, 400);
  };
  await page.goto(console_ + "/activity?pool=" + encodeURIComponent(pool));
  const live = page.locator("#live");
  await live.filter({ hasText: "updating live" }).waitFor();
  assert.equal(await live.getAttribute("role"), "status");
  const rows = page.locator("#activity tbody tr");
  assert.equal(await rows.count(), 1);
  assert.equal(await rows.first().innerText(), "No requests match these filters.");

  // Paused, a new request waits, counted, until "show them".
  const pause = page.getByRole("button", { name: "Pause live updates" });
  await pause.click();
  assert.equal(await pause.getAttribute("aria-pressed"), "true");
  await refuse();
  await live.filter({ hasText: "live updates paused. 1 new request —" }).waitFor({ timeout: 10000 });
  assert.equal(await rows.count(), 1, "the request waits while paused");
  assert.equal(await page.locator("#activity tbody tr.empty").count(), 1);
  await page.getByRole("button", { name: "show them" }).press("Enter");
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().innerText(), /ResourceNotFoundException/);
  assert.ok(await page.evaluate(() => document.activeElement === document.getElementById("activity").parentElement),
    "focus moves from the button that hid to the table's box");
  await pause.click();
  assert.equal(await pause.getAttribute("aria-pressed"), "false");

  // With focus on a link in the table, a new request waits too, and the
  // link keeps both its focus and its place.
  const link = rows.first().getByRole("link").first();
  await link.focus();
  const y = await link.evaluate((a) => a.getBoundingClientRect().top);
  await refuse();
  await live.filter({ hasText: "updating live. 1 new request —" }).waitFor({ timeout: 10000 });
  assert.equal(await rows.count(), 1, "the request waits while focus is in the table");
  assert.ok(await link.evaluate((a) => a === document.activeElement), "the link keeps focus");
  assert.ok(Math.abs((await link.evaluate((a) => a.getBoundingClientRect().top)) - y) <= 2, "the link stays where it was");
  await page.getByRole("button", { name: "show them" }).click();
  assert.equal(await rows.count(), 2);

  // Focus elsewhere, requests appear as they come.
  await pause.focus();
  await refuse();
  await page.waitForFunction(() => document.querySelectorAll("#activity tbody tr").length === 3, null, { timeout: 10000 });
  await shot("4-activity-paused");

  // The table's scroll box is next after the pause button, a labelled
  // region whose focus shows.
  await page.keyboard.press("Tab");
  const box = await page.evaluate(() => {
    const e = document.activeElement;
    return { cls: e.className, role: e.getAttribute("role"), label: e.getAttribute("aria-label"), outline: getComputedStyle(e).outlineStyle };
  });
  assert.deepEqual(box, { cls: "scroll", role: "region", label: "Requests", outline: "solid" });
});

test("the token inspector decodes and verifies idpool's token", async () => {
  await page.goto(console_ + "/token");
  await page.fill("#token", devToken);
  await Promise.all([page.waitForLoadState("load"), page.click("form button[type=submit] >> text=Inspect")]);
  await page.locator("#checks").waitFor();
  const checks = await page.locator("#checks").innerText();
  assert.match(checks, /✓ Decodes as a JWT/);
  assert.match(checks, /✓ Not expired/);
  assert.match(checks, /✓ Signed by idpool's keys/);
  assert.match(await page.locator("#claims").innerText(), new RegExp(devID));
  assert.match(await page.locator("#header").innerText(), /RS512|RS256/);
  await shot("5-token");
});

test("delete an identity", async () => {
  await page.goto(console_ + "/identities/" + encodeURIComponent(devID));
  // Deleting asks for a ticked box first.
  await page.check("#delete-confirm");
  await Promise.all([page.waitForURL(/\/pools\//), page.click("#delete")]);
  assert.match(await page.locator(".flash").innerText(), /Deleted the identity/);
  assert.equal(await page.locator("#identities", { hasText: devID }).count(), 0);
  await shot("6-deleted");
  const res = await page.goto(console_ + "/identities/" + encodeURIComponent(devID));
  assert.equal(res.status(), 404);
});

test("a narrow window keeps every page usable", async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  const pages = {
    pools: "/",
    pool: "/pools/" + encodeURIComponent(poolID),
    identity: "/identities/" + encodeURIComponent(loginID),
    activity: "/activity",
    token: "/token",
  };
  for (const [name, p] of Object.entries(pages)) {
    await page.goto(console_ + p);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${name}: the page scrolls sideways by ${overflow}px`);
    await shot("7-narrow-" + name);
  }
  // An id stays on one line; a table too wide scrolls in its own box.
  await page.goto(console_ + "/");
  const lines = await page.locator("td.mono", { hasText: poolID }).evaluate((td) => {
    const r = document.createRange();
    r.selectNodeContents(td);
    return r.getClientRects().length;
  });
  assert.equal(lines, 1, "the pool id wraps over " + lines + " lines");
});

test("no page made the browser ask for a favicon or log an error", async () => {
  assert.equal(await page.locator('link[rel="icon"]').count(), 1);
  assert.deepEqual(consoleErrors, []);
});
