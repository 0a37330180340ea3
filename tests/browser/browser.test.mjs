// Real-browser checks on every page: axe (WCAG 2.2 AA tags), keyboard focus, no JavaScript,
// small screens, page weight, and no request to any other host.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { request as httpRequest } from "node:http";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";
import { PAGES, CHROMIUM, AXE_TAGS, PAGE_WEIGHT_LIMIT } from "./pages.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const resultsDir = new URL("./results/", import.meta.url);
mkdirSync(resultsDir, { recursive: true });

let server;
let browser;
const summary = { axe: {}, weights: {} };

before(async () => {
  server = await startServer();
  browser = await chromium.launch(CHROMIUM);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  writeFileSync(new URL("summary.json", resultsDir), JSON.stringify(summary, null, 2));
  const heaviest = Object.entries(summary.weights).sort((a, b) => b[1] - a[1])[0];
  if (heaviest) console.log(`# heaviest page: ${heaviest[0]} ${heaviest[1]} bytes compressed`);
});

/** Opens a page, recording every request and any CSP violation. */
async function open(context, path) {
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  const response = await page.goto(server.base + path, { waitUntil: "load" });
  return { page, response, requests, problems };
}

function assertOnlyOwnHost(requests, path) {
  const own = new URL(server.base).host;
  for (const url of requests) {
    if (url.startsWith("data:")) continue;
    assert.equal(new URL(url).host, own, `${path} requested ${url}`);
  }
}

/** Bytes on the wire for a URL when the browser accepts br and gzip. */
function compressedSize(url) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { "accept-encoding": "br, gzip" } }, (res) => {
      let size = 0;
      res.on("data", (chunk) => (size += chunk.length));
      res.on("end", () => resolve(size));
    });
    req.on("error", reject);
    req.end();
  });
}

for (const { path, name, status = 200 } of PAGES) {
  test(`${name}: no axe violations, own host only, no CSP errors`, async () => {
    const context = await browser.newContext();
    const { page, response, requests, problems } = await open(context, path);
    assert.equal(response.status(), status);
    assertOnlyOwnHost(requests, path);
    // A 404 page's own status is reported by the browser as a console error; nothing else may be.
    const unexpected = problems.filter((p) => !(status === 404 && p.includes("status of 404")));
    assert.deepEqual(unexpected, [], `${path}: console errors (CSP?)`);
    await page.screenshot({ path: new URL(`${name}.png`, resultsDir).pathname, fullPage: true });
    // axe is injected by evaluating its source: the page's own CSP forbids inline scripts.
    await page.evaluate(axeSource);
    const results = await page.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
      AXE_TAGS,
    );
    summary.axe[name] = { violations: results.violations.length, passes: results.passes.length };
    const described = results.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
    );
    assert.deepEqual(described, [], `${path}: axe violations`);
    assert.ok(results.passes.length > 10, "axe really ran");
    await context.close();
  });

  test(`${name}: keyboard starts at the skip link and every focus is visible`, async () => {
    const context = await browser.newContext();
    const { page } = await open(context, path);
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => document.activeElement?.getAttribute("href"));
    assert.equal(first, "#main-content", "first Tab reaches the skip link");
    const styleOf = (el) => {
      const s = getComputedStyle(el);
      return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.color, s.borderColor].join("|");
    };
    let count = 0;
    let previous = await page.evaluateHandle(() => document.activeElement);
    let previousFocused = await previous.evaluate(styleOf);
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      const unfocused = await previous.evaluate(styleOf);
      const label = await previous.evaluate((el) => el.outerHTML.slice(0, 80));
      assert.notEqual(previousFocused, unfocused, `${path}: no visible focus style on ${label}`);
      count++;
      const current = await page.evaluateHandle(() => document.activeElement);
      const isBody = await current.evaluate((el) => el === document.body || el === null);
      if (isBody) break;
      previous = current;
      previousFocused = await current.evaluate(styleOf);
    }
    assert.ok(count >= 6, `${path}: only ${count} focusable elements reached`);
    await context.close();
  });

  test(`${name}: works without JavaScript and fits a 320px screen`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    const { page, response, requests } = await open(context, path);
    assert.equal(response.status(), status);
    assert.ok(await page.locator("h1").isVisible(), "h1 visible");
    assert.ok(await page.locator("main").isVisible(), "main visible");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 320, `${path}: content is ${overflow}px wide at 320px`);
    // The page's weight: HTML plus everything it loaded, compressed.
    let total = 0;
    const seen = new Set();
    const jsContext = await browser.newContext();
    const loaded = await open(jsContext, path);
    for (const url of [...requests, ...loaded.requests]) {
      if (seen.has(url) || url.startsWith("data:")) continue;
      seen.add(url);
      total += await compressedSize(url);
    }
    await jsContext.close();
    summary.weights[name] = total;
    assert.ok(total < PAGE_WEIGHT_LIMIT, `${path}: ${total} bytes compressed, limit ${PAGE_WEIGHT_LIMIT}`);
    await context.close();
  });
}

test("contact form: errors and success work without JavaScript", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const { page } = await open(context, "/contact");
  await page.fill("#reply_email", "not an address");
  await page.click("button[type=submit]");
  assert.equal(await page.locator(".error-summary").count(), 1);
  assert.match(await page.title(), /^Error: /);
  assert.equal(await page.inputValue("#reply_email"), "not an address", "what was typed is kept");
  await page.fill("#message", "Please make the map bigger.");
  await page.fill("#reply_email", "");
  await page.click("button[type=submit]");
  assert.equal(new URL(page.url()).pathname, "/contact");
  assert.match(await page.locator(".notification-banner").innerText(), /We have your message/);
  await context.close();
});

test("contact form with errors has no axe violations and focuses the summary", async () => {
  const context = await browser.newContext();
  const { page } = await open(context, "/contact");
  await page.click("button[type=submit]");
  const focused = await page.evaluate(() => document.activeElement?.className);
  assert.equal(focused, "error-summary", "the error summary takes focus");
  await page.evaluate(axeSource);
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    AXE_TAGS,
  );
  summary.axe["contact-errors"] = { violations: results.violations.length, passes: results.passes.length };
  assert.deepEqual(results.violations.map((v) => v.id), []);
  // The summary's links move focus to the field.
  await page.click(".error-summary a[href='#message']");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "message");
  await page.screenshot({ path: new URL("contact-errors.png", resultsDir).pathname, fullPage: true });
  await context.close();
});

test("statement cards print one statement per card, without the site's navigation", async () => {
  const context = await browser.newContext();
  const { page } = await open(context, "/frameworks/demonstration/themes/WB/print");
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("nav").first().isVisible(), false);
  assert.equal(await page.locator(".card").count(), 5);
  const breaks = await page.locator(".card").first().evaluate((el) => getComputedStyle(el).breakInside);
  assert.equal(breaks, "avoid");
  const pdf = await page.pdf({ format: "A4" });
  assert.ok(pdf.length > 1000, "prints to A4");
  await context.close();
});

test("print stylesheet hides navigation and forms", async () => {
  const context = await browser.newContext();
  const { page } = await open(context, "/contact");
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("form").isVisible(), false);
  assert.equal(await page.locator("nav").isVisible(), false);
  assert.ok(await page.locator("h1").isVisible());
  await context.close();
});

/** Runs axe on the current page and fails on any violation. */
async function assertNoAxeViolations(page, name) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    AXE_TAGS,
  );
  summary.axe[name] = { violations: results.violations.length, passes: results.passes.length };
  const described = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
  );
  assert.deepEqual(described, [], `${name}: axe violations`);
}

test("national admin: sign in with a link, upload with problems, preview, publish — accessible, no JavaScript needed", async () => {
  const link = server.signInLink("admin@example.org");
  const fixtures = new URL("../../frameworks/demonstration/", import.meta.url).pathname;
  const { readFileSync: read, writeFileSync: write, mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(`${tmpdir()}/mir-upload-`);
  const source = read(`${fixtures}framework.toml`, "utf8").replaceAll('version = "2026.1"', 'version = "2026.2"').replaceAll('date = "2026-11-01"', 'date = "2026-11-20"');
  write(`${dir}/framework.toml`, source);
  write(`${dir}/broken.toml`, source.replace('theme = "AC"\nkind = "I"', 'theme = "XX"\nkind = "I"'));
  const pictures = ["people.svg", "talk.svg", "plan.svg", "share.svg"].map((n) => `${fixtures}${n}`);

  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    const foreign = [];
    page.on("request", (r) => { if (!r.url().startsWith(server.base)) foreign.push(r.url()); });
    await page.goto(javaScriptEnabled ? link : server.signInLink("admin@example.org"));
    if (javaScriptEnabled) await assertNoAxeViolations(page, "sign-in-link");
    await page.click("main button[type=submit]");
    assert.equal(new URL(page.url()).pathname, "/admin");
    if (javaScriptEnabled) await assertNoAxeViolations(page, "admin-home");
    await page.click("a[href='/admin/frameworks/new']");
    if (javaScriptEnabled) await assertNoAxeViolations(page, "admin-upload");

    await page.setInputFiles("#files", [`${dir}/broken.toml`, ...pictures]);
    await page.click("main button[type=submit]");
    assert.match(await page.title(), /^Error: /);
    assert.ok((await page.locator(".error-summary li").count()) >= 1);
    if (javaScriptEnabled) {
      assert.equal(await page.evaluate(() => document.activeElement?.className), "error-summary");
      await assertNoAxeViolations(page, "admin-upload-errors");
      await page.screenshot({ path: new URL("admin-upload-errors.png", resultsDir).pathname, fullPage: true });
    }

    await page.setInputFiles("#files", [`${dir}/framework.toml`, ...pictures]);
    await page.click("main button[type=submit]");
    assert.match(new URL(page.url()).pathname, /^\/admin\/frameworks\/uploads\/\d+$/);
    assert.match(await page.locator("h1").innerText(), /^Check before publishing/);
    if (javaScriptEnabled) {
      await assertNoAxeViolations(page, "admin-preview");
      await page.click("button:text('Discard')");
      assert.equal(new URL(page.url()).pathname, "/admin");
    } else {
      await page.click("button:text('Publish this version')");
      assert.equal(new URL(page.url()).search, "?version=2026.2");
      assert.match(await page.locator(".notification-banner").innerText(), /Published version 2026.2/);
    }
    if (javaScriptEnabled) {
      for (const path of ["/account", "/account/password", "/account/email", "/account/delete"]) {
        await page.goto(server.base + path);
        assert.equal(new URL(page.url()).pathname, path, "signed in");
        await assertNoAxeViolations(page, `account${path.slice(8).replace("/", "-") || ""}`);
      }
      await page.goto(server.base + "/account/password");
      await page.fill("#new_password", "short");
      await page.click("main button[type=submit]");
      assert.match(await page.title(), /^Error: /);
      await assertNoAxeViolations(page, "account-password-errors");
    }
    await page.click("header button:text('Sign out')");
    assert.match(await page.locator(".notification-banner").innerText(), /signed out/);
    assert.deepEqual(foreign, []);
    await context.close();
  }
});

test("sign in with a password, and a wrong one, without JavaScript", async () => {
  const link = server.signInLink("walker@example.org", false);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(link);
  await page.click("main button[type=submit]");
  await page.goto(server.base + "/account/password");
  await page.fill("#new_password", "a walk in the park");
  await page.click("main button[type=submit]");
  assert.match(await page.locator(".notification-banner").innerText(), /password is saved/);
  await page.click("header button:text('Sign out')");
  await page.goto(server.base + "/sign-in");
  await page.fill("#email", "walker@example.org");
  await page.fill("#password", "not it");
  await page.click("form[action='/sign-in'] button");
  assert.match(await page.title(), /^Error: /);
  assert.equal(await page.inputValue("#email"), "walker@example.org", "the address is kept");
  await page.fill("#password", "a walk in the park");
  await page.click("form[action='/sign-in'] button");
  assert.equal(new URL(page.url()).pathname, "/account");
  await context.close();

  const jsContext = await browser.newContext();
  const jsPage = await jsContext.newPage();
  await jsPage.goto(server.base + "/sign-in");
  await jsPage.fill("#email", "walker@example.org");
  await jsPage.click("form[action='/sign-in'] button");
  await assertNoAxeViolations(jsPage, "sign-in-errors");
  await jsContext.close();
});

test("sign an organisation up with the keyboard and no JavaScript, then the team approves it", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.base + "/manage/sign-up");
  await page.click("text=Start now");
  await page.focus("#name");
  // Enter submits the empty name: an error, shown by its field.
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.match(await page.title(), /^Error: /);
  await page.fill("#name", "Willow Community Care");
  await page.focus("#name");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  await page.check("#kind");
  await page.click("button:text('Continue')");
  await page.selectOption("#area", "E06000001");
  await page.click("button:text('Add this area')");
  await page.click("button:text('Continue')");
  await page.fill("#website", "willow.example.org");
  await page.click("button:text('Continue')");
  await page.check("#framework");
  await page.click("button:text('Continue')");
  await page.fill("#commitment", "We will plan our support with the people who use it.");
  await page.click("button:text('Continue')");
  await page.fill("#email", "willow@example.org");
  await page.click("button:text('Continue')");
  assert.equal(await page.locator("h1").innerText(), "Check your answers");
  await page.click("button:text('Send sign-up')");
  assert.equal(await page.locator("h1").innerText(), "Sign-up sent");
  await context.close();

  const admin = await browser.newContext();
  const adminPage = await admin.newPage();
  await adminPage.goto(server.signInLink("team@example.org"));
  await adminPage.click("main button[type=submit]");
  await adminPage.goto(server.base + "/admin/organisations");
  await assertNoAxeViolations(adminPage, "admin-organisations");
  await adminPage.click("button:has-text('Approve Willow Community Care')");
  assert.match(await adminPage.locator(".notification-banner").innerText(), /approved/);
  await adminPage.goto(server.base + "/");
  assert.match(await adminPage.locator("main").innerText(), /Willow Community Care/);
  await admin.close();

  // The person who signed up confirms by email link, then invites a carer as co-chair.
  const { readdirSync, readFileSync: readMail } = await import("node:fs");
  const mails = readdirSync(server.mailDir).map((f) => readMail(`${server.mailDir}/${f}`, "utf8").replaceAll("=\r\n", "").replaceAll("=3D", "="));
  const confirm = mails.find((m) => m.includes("To: willow@example.org") && m.includes("/sign-in/link/"));
  // The server was started on a free port, so its links name the default address: use ours.
  const link = server.base + confirm.match(/(\/sign-in\/link\/[0-9a-f]{64})/)[1];
  const owner = await browser.newContext();
  const ownerPage = await owner.newPage();
  await ownerPage.goto(link);
  await ownerPage.click("main button[type=submit]");
  await ownerPage.goto(server.base + "/account");
  await ownerPage.click("text=Willow Community Care");
  await assertNoAxeViolations(ownerPage, "workspace");
  await ownerPage.fill("#email", "not an address");
  await ownerPage.click("button:text('Send invitation')");
  await assertNoAxeViolations(ownerPage, "workspace-errors");
  await ownerPage.fill("#email", "carer@example.org");
  await ownerPage.check("#role-carer");
  await ownerPage.check("#co_chair");
  await ownerPage.click("button:text('Send invitation')");
  assert.match(await ownerPage.locator(".notification-banner").innerText(), /Invitation sent/);
  await owner.close();
});
