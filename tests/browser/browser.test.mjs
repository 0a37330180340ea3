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
      res.on("end", () => {
        clearTimeout(timer);
        resolve(size);
      });
    });
    // A response that never ends (a stream taken for a file) fails the test instead of hanging it.
    const timer = setTimeout(() => req.destroy(new Error(`${url}: no end within 20 s`)), 20000);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
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
    // A page showing a problem starts at its error summary (focused on load), so the first Tab
    // reaches the summary's first link, to the field in question.
    const summaryLink = await page.evaluate(() => document.querySelector(".error-summary a")?.getAttribute("href"));
    if (summaryLink) assert.equal(first, summaryLink, "first Tab reaches the error summary's link");
    else assert.equal(first, "#main-content", "first Tab reaches the skip link");
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
      // A live board's event stream never ends and is not part of the page's weight.
      if (seen.has(url) || url.startsWith("data:") || new URL(url).pathname.endsWith("/events")) continue;
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

test("the evidence pack: reached from the public plan by keyboard, without JavaScript, axe clean, printed to an A4 PDF without the site's navigation, no statement split across pages", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const { page } = await open(context, "/organisations/demo-riverside-council");
  await pressEnterOn(page, "main a:has-text('Quality themes an inspector asks about')");
  assert.equal(new URL(page.url()).pathname, "/organisations/demo-riverside-council/evidence/regulator-demo");
  await assertNoAxeViolationsWithoutScript(page, "evidence-pack");
  const main = await page.locator("main").innerText();
  assert.match(main, /RQ1\s+Care planned around the person/);
  assert.match(main, /Since the review before: Moved up/);
  assert.match(main, /Train every social worker/);
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("nav").first().isVisible(), false);
  assert.equal(await page.locator(".screen-only").first().isVisible(), false);
  const breaks = await page.locator(".evidence-statement").first().evaluate((el) => getComputedStyle(el).breakInside);
  assert.equal(breaks, "avoid");
  const pdf = await page.pdf({ format: "A4", printBackground: false });
  const text = pdf.toString("latin1");
  assert.ok(text.startsWith("%PDF-"), "a PDF");
  // Every page is A4: 210 × 297 mm = 595 × 842 points.
  const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)];
  assert.ok(boxes.length >= 2, `more than one page (${boxes.length})`);
  for (const [, w, h] of boxes) {
    assert.ok(Math.abs(Number(w) - 595) < 2 && Math.abs(Number(h) - 842) < 2, `A4, not ${w} × ${h}`);
  }
  writeFileSync(new URL("evidence-pack.pdf", resultsDir), pdf);
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
  const source = read(`${fixtures}framework.toml`, "utf8").replaceAll('version = "2026.1"', 'version = "2026.9"').replaceAll('date = "2026-11-01"', 'date = "2026-11-20"');
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
      assert.equal(new URL(page.url()).search, "?version=2026.9");
      assert.match(await page.locator(".notification-banner").innerText(), /Published version 2026.9/);
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

// ---- Keyboard-only helpers: no clicks, no script in the page under test. ----

/** Presses Tab until `selector` has focus, as a keyboard user would; fails after 300 presses. */
async function tabTo(page, selector) {
  const target = page.locator(selector).first();
  await target.waitFor({ state: "attached" });
  for (let i = 0; i < 300; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${selector} on ${page.url()}`);
}

/** Tabs to a link or button and presses Enter, waiting for the page it leads to. */
async function pressEnterOn(page, selector) {
  await tabTo(page, selector);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
}

/** Tabs to a field and types into it. */
async function typeInto(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.type(text);
}

/** Tabs into a radio group and moves with the arrow keys until `selector` is chosen. */
async function chooseRadio(page, groupName, selector) {
  await tabTo(page, `input[name='${groupName}']`);
  await page.keyboard.press("Space");
  for (let i = 0; i < 12 && !(await page.locator(selector).isChecked()); i++) {
    await page.keyboard.press("ArrowDown");
  }
  assert.ok(await page.locator(selector).isChecked(), `${selector} chosen with the keyboard`);
}

/**
 * Runs axe on what a page without JavaScript shows: its HTML is served again, at the same
 * address and with the same stylesheets, to a browser that can run axe.
 */
async function assertNoAxeViolationsWithoutScript(page, name) {
  const html = await page.content();
  const url = page.url();
  // Every page and state of the journeys is also checked on a 320px screen: nothing wider
  // than the screen, and no text smaller than 12px (charts included, as drawn).
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const probe = await context.newPage();
  await probe.route((u) => u.href === url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
  await probe.goto(url);
  await assertNoAxeViolations(probe, name);
  const width = await probe.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 320, `${name}: the page is ${width}px wide on a 320px screen`);
  const small = await probe.evaluate(() => {
    const tiny = [];
    for (const el of document.querySelectorAll("body *")) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || el.closest(".visually-hidden, [hidden], template, script, style")) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const size = el instanceof SVGTextElement ? rect.height / 1.15 : parseFloat(getComputedStyle(el).fontSize);
      if (size < 11.5) tiny.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}" ${size.toFixed(1)}px`);
    }
    return tiny.slice(0, 5);
  });
  assert.deepEqual(small, [], `${name}: text smaller than 12px on a 320px screen`);
  await context.close();
}

/** The emails sent to an address, newest last, with quoted-printable soft breaks undone. */
async function mailsTo(address) {
  const { readdirSync, readFileSync: readMail } = await import("node:fs");
  return readdirSync(server.mailDir)
    .sort()
    .map((f) => readMail(`${server.mailDir}/${f}`, "utf8").replaceAll("=\r\n", "").replaceAll("=3D", "="))
    .filter((m) => m.includes(`To: ${address}`));
}

/** A link path from the newest email to `address`; the server's own address is put in front. */
async function linkFromMail(address, pattern) {
  const mail = (await mailsTo(address)).reverse().find((m) => pattern.test(m));
  assert.ok(mail, `an email to ${address} with a link matching ${pattern}`);
  // The server was started on a free port, so its links name the default address: use ours.
  return server.base + mail.match(pattern)[1];
}

test("sign-up → approval → invite → accept → co-chair, keyboard only and without JavaScript, axe on every page and error", async () => {
  const noScript = { javaScriptEnabled: false };
  const checked = [];
  const axe = async (page, name) => {
    checked.push(name);
    await assertNoAxeViolationsWithoutScript(page, name);
  };

  // 1. Someone signs their organisation up, one question per page.
  const visitor = await browser.newContext(noScript);
  let page = await visitor.newPage();
  await page.goto(server.base + "/manage/sign-up");
  await axe(page, "flow-sign-up-start");
  await pressEnterOn(page, "a:text('Start now')");
  await axe(page, "flow-sign-up-name");
  await tabTo(page, "#name");
  // Enter submits the empty name: an error, shown by its field and in the summary.
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.match(await page.title(), /^Error: /);
  assert.equal(await page.locator(".error-summary a").getAttribute("href"), "#name");
  await axe(page, "flow-sign-up-name-error");
  await typeInto(page, "#name", "Willow Community Care");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  await pressEnterOn(page, "button:text('Continue')");
  assert.match(await page.title(), /^Error: /, "no kind chosen");
  await axe(page, "flow-sign-up-kind-error");
  await chooseRadio(page, "kind", "#kind");
  await pressEnterOn(page, "button:text('Continue')");
  await axe(page, "flow-sign-up-areas");
  await pressEnterOn(page, "button:text('Continue')");
  assert.match(await page.title(), /^Error: /, "no area added");
  await axe(page, "flow-sign-up-areas-error");
  await tabTo(page, "#area");
  await page.keyboard.type("Hartlepool");
  assert.equal(await page.inputValue("#area"), "E06000001", "type-ahead chose the council");
  await pressEnterOn(page, "button:text('Add this area')");
  assert.match(await page.locator(".added-list").innerText(), /Hartlepool/);
  await pressEnterOn(page, "button:text('Continue')");
  await typeInto(page, "#website", "willow.example.org");
  await pressEnterOn(page, "button:text('Continue')");
  await axe(page, "flow-sign-up-framework");
  await chooseRadio(page, "framework", "#framework");
  await pressEnterOn(page, "button:text('Continue')");
  await typeInto(page, "#commitment", "We will plan our support with the people who use it.");
  await pressEnterOn(page, "button:text('Continue')");
  await typeInto(page, "#email", "not an address");
  await pressEnterOn(page, "button:text('Continue')");
  assert.match(await page.title(), /^Error: /, "a bad email address");
  assert.equal(await page.inputValue("#email"), "not an address", "what was typed is kept");
  await axe(page, "flow-sign-up-email-error");
  await page.locator("#email").fill("");
  await typeInto(page, "#email", "willow@example.org");
  await pressEnterOn(page, "button:text('Continue')");
  assert.equal(await page.locator("h1").innerText(), "Check your answers");
  await axe(page, "flow-sign-up-check");
  await pressEnterOn(page, "button:text('Send sign-up')");
  assert.equal(await page.locator("h1").innerText(), "Check your email");
  await axe(page, "flow-sign-up-sent");
  await visitor.close();

  // 1b. Nothing exists until the person at that address confirms by the emailed link.
  const owner = await browser.newContext(noScript);
  page = await owner.newPage();
  await page.goto(await linkFromMail("willow@example.org", /(\/manage\/sign-up\/confirm\/[0-9a-f]{64})/));
  await axe(page, "flow-sign-up-confirm");
  await pressEnterOn(page, "main button:text('Confirm and sign in')");
  assert.match(await page.locator(".notification-banner").innerText(), /Willow Community Care is signed up/);

  // 2. The national programme team approves it (after trying to decline with no reason).
  const team = await browser.newContext(noScript);
  page = await team.newPage();
  await page.goto(server.signInLink("approver@example.org"));
  await axe(page, "flow-team-sign-in-link");
  await pressEnterOn(page, "main button:text('Sign in')");
  await pressEnterOn(page, "a[href='/admin/organisations']");
  await axe(page, "flow-team-waiting");
  const willow = "section.decision:has(h2:text('Willow Community Care'))";
  await tabTo(page, `${willow} summary`);
  await page.keyboard.press("Enter");
  await pressEnterOn(page, `${willow} button:text('Decline sign-up')`);
  assert.match(await page.title(), /^Error: /, "a decline needs a reason");
  await axe(page, "flow-team-decline-error");
  await pressEnterOn(page, `${willow} button:has-text('Approve')`);
  assert.match(await page.locator(".notification-banner").innerText(), /approved/);
  await team.close();

  // 3. The person who signed up (signed in when they confirmed) invites a carer as co-chair.
  page = await owner.newPage();
  await page.goto(server.base + "/account");
  await axe(page, "flow-owner-account");
  await pressEnterOn(page, "main a:text('Willow Community Care')");
  await axe(page, "flow-owner-workspace");
  await typeInto(page, "#email", "not an address");
  await pressEnterOn(page, "button:text('Send invitation')");
  assert.match(await page.title(), /^Error: /);
  await axe(page, "flow-owner-invite-error");
  await page.locator("#email").fill("");
  await typeInto(page, "#email", "carer@example.org");
  await chooseRadio(page, "role", "#role-carer");
  await tabTo(page, "#co_chair");
  await page.keyboard.press("Space");
  await pressEnterOn(page, "button:text('Send invitation')");
  assert.match(await page.locator(".notification-banner").innerText(), /Invitation sent/);

  // 4. The carer accepts with the link in their email: an account is made and they are in.
  const carer = await browser.newContext(noScript);
  const carerPage = await carer.newPage();
  await carerPage.goto(await linkFromMail("carer@example.org", /(\/invitations\/[0-9a-f]{64})/));
  assert.equal(await carerPage.locator("h1").innerText(), "Join Willow Community Care");
  await axe(carerPage, "flow-invitation");
  await pressEnterOn(carerPage, "button:text('Join the group')");
  assert.match(await carerPage.locator(".notification-banner").innerText(), /joined the group/);
  assert.match(await carerPage.locator("main").innerText(), /You are: Carer, co-chair\./);
  await axe(carerPage, "flow-carer-workspace");
  await carer.close();

  // 5. The administrator chooses the name others see, then becomes the second co-chair (one
  // from staff, one a carer) after a page that says what that means.
  await page.goto(server.base + "/account");
  await pressEnterOn(page, "#choose-name a:text('Choose your name')");
  await axe(page, "flow-owner-name");
  await typeInto(page, "#display_name", "Robin");
  await pressEnterOn(page, "button:text('Save your name')");
  assert.match(await page.locator(".notification-banner").innerText(), /see you as Robin/);
  await page.goto(server.base + "/manage/organisations/willow-community-care");
  await pressEnterOn(page, "a:has-text('Make co-chair: Robin')");
  assert.equal(await page.locator("h1").innerText(), "Make Robin a co-chair?");
  await axe(page, "flow-confirm-co-chair");
  await pressEnterOn(page, "button:text('Make Robin a co-chair')");
  assert.match(await page.locator("main").innerText(), /Co-chairs: .+ and .+\./);
  assert.equal(await page.locator(".members-list .tag:text('Co-chair')").count(), 2);
  await axe(page, "flow-two-co-chairs");
  await owner.close();
  assert.ok(checked.length >= 18, `axe ran on ${checked.length} pages`);
});

test("a review: views side by side (anonymous, Easy Read one at a time, a workshop), the gap, both co-chairs confirm — keyboard only, no JavaScript, axe on every page and error", async () => {
  const noScript = { javaScriptEnabled: false };
  const checked = [];
  const axe = async (page, name) => {
    checked.push(name);
    await assertNoAxeViolationsWithoutScript(page, name);
  };
  const signIn = async (email, viewport) => {
    const context = await browser.newContext(viewport ? { ...noScript, viewport } : noScript);
    const page = await context.newPage();
    await page.goto(server.base + "/sign-in");
    await typeInto(page, "#email", email);
    await typeInto(page, "#password", "making it real demo");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.equal(new URL(page.url()).pathname, "/account", `${email} signed in`);
    return { context, page };
  };
  const toReview = async (page, title) => {
    await pressEnterOn(page, "main a:text('Riverside Council (demonstration)')");
    await pressEnterOn(page, "main a:has-text('Reviews: give your views')");
    await pressEnterOn(page, `main a:text('${title}')`);
  };

  // 1. The administrator (a co-chair) opens a review, after a mistake.
  const sam = await signIn("sam.admin@demo.example.org");
  let page = sam.page;
  await pressEnterOn(page, "main a:text('Riverside Council (demonstration)')");
  await axe(page, "review-workspace");
  await pressEnterOn(page, "main a:has-text('Reviews: give your views')");
  await axe(page, "review-list");
  // One review at a time: last year's is still open, so Sam closes it first, after a page that
  // names who has not given views yet.
  assert.match(await page.locator("main").innerText(), /is open\. A new review can be opened when it is closed/);
  await pressEnterOn(page, "#open-review + p a");
  await pressEnterOn(page, "main a:text('Close this review')");
  assert.match(await page.locator("h1").innerText(), /^Close “Review 2026/);
  assert.ok((await page.locator("#not-yet li").count()) > 0, "who has not given views is named");
  await axe(page, "review-close-confirm");
  await pressEnterOn(page, "button:text('Close the review')");
  assert.match(await page.locator(".notification-banner").innerText(), /review is closed/);
  await pressEnterOn(page, "a.back-link:text('All reviews')");
  await pressEnterOn(page, "button:text('Open the review')");
  assert.match(await page.title(), /^Error: /, "a review needs a name");
  await axe(page, "review-list-error");
  await typeInto(page, "#title", "Review 2027");
  await pressEnterOn(page, "button:text('Open the review')");
  assert.equal(await page.locator("h1").innerText(), "Review 2027");
  await axe(page, "review-home");
  const reviewUrl = page.url();
  // Sam gives a staff view on the first statement, a theme at a time.
  await pressEnterOn(page, "main .statement-list a:text('Wellbeing and independence')");
  await axe(page, "review-theme");
  await chooseRadio(page, "level-WB-I1", "#level-WB-I1-real");
  await typeInto(page, "#working-WB-I1", "Every plan is written with the person.");
  await pressEnterOn(page, "button:text('Save and continue')");
  assert.match(await page.locator(".notification-banner").innerText(), /Saved/);

  // 2. Alex, an Expert by Experience and co-chair, in Easy Read: one statement at a time.
  const alex = await signIn("alex.expert@demo.example.org");
  await alex.page.goto(reviewUrl + "?view=easy");
  await axe(alex.page, "review-home-easy");
  await pressEnterOn(alex.page, "main a:text('Start: one statement at a time')");
  assert.match(await alex.page.locator(".caption").first().innerText(), /Statement 1 of 30/);
  await axe(alex.page, "review-statement-easy");
  await chooseRadio(alex.page, "level-WB-I1", "#level-WB-I1");
  // Too many words: refused next to the field, and nothing typed is lost.
  await tabTo(alex.page, "#change-WB-I1");
  await alex.page.keyboard.insertText("x".repeat(2001));
  await pressEnterOn(alex.page, "button:text('Save and go on')");
  assert.match(await alex.page.title(), /^Error: /);
  assert.equal((await alex.page.inputValue("#change-WB-I1")).length, 2001, "the words are kept");
  assert.ok(await alex.page.locator("#level-WB-I1").isChecked(), "the level is kept");
  await axe(alex.page, "review-statement-easy-error");
  await alex.page.locator("#change-WB-I1").fill("");
  await typeInto(alex.page, "#change-WB-I1", "Nobody asked me what matters to me.");
  await pressEnterOn(alex.page, "button:text('Save and go on')");
  assert.match(await alex.page.locator(".caption").first().innerText(), /Statement 2 of 30/);

  // 3. Jo, a carer, gives views anonymously.
  const jo = await signIn("jo.carer@demo.example.org");
  await toReview(jo.page, "Review 2027");
  await pressEnterOn(jo.page, "button:text('Give my views anonymously')");
  assert.match(await jo.page.locator(".notification-banner").innerText(), /without your name/);
  await pressEnterOn(jo.page, "main .statement-list a:text('Wellbeing and independence')");
  await chooseRadio(jo.page, "level-WB-I1", "#level-WB-I1-some-progress");
  await typeInto(jo.page, "#change-WB-I1", "Respite is hard to book.");
  await pressEnterOn(jo.page, "button:text('Save and continue')");
  await jo.context.close();
  // Kit, the group's other carer, was told before giving views that two carers are too few
  // to be shown on their own.
  const kit = await signIn("kit.carer@demo.example.org");
  await toReview(kit.page, "Review 2027");
  assert.match(await kit.page.locator("#small-perspective").innerText(), /2 members .* fewer than 3/);
  await pressEnterOn(kit.page, "main .statement-list a:text('Wellbeing and independence')");
  await chooseRadio(kit.page, "level-WB-I1", "#level-WB-I1-real");
  await pressEnterOn(kit.page, "button:text('Save and continue')");
  await kit.context.close();

  // 4. Sam types in a workshop's views (people who use services), after a mistake.
  await page.goto(reviewUrl);
  await pressEnterOn(page, "main a:has-text('Type in')");
  await axe(page, "review-workshop");
  await typeInto(page, "#count-WB-I1-just-starting", "six");
  await pressEnterOn(page, "button:text('Add these views')");
  assert.match(await page.title(), /^Error: /);
  await axe(page, "review-workshop-error");
  await chooseRadio(page, "perspective", "#perspective");
  await page.locator("#count-WB-I1-just-starting").fill("");
  await typeInto(page, "#count-WB-I1-just-starting", "6");
  await typeInto(page, "#change-WB-I1", "Plans arrive already written.");
  await pressEnterOn(page, "button:text('Add these views')");
  assert.equal(new URL(page.url()).pathname, new URL(reviewUrl).pathname + "/summary");

  // 5. The summary: two carers, one person who uses services and one member of staff gave
  // views as members (the workshop's figures are typed in by a co-chair, so they cannot hide
  // anyone): every perspective is under 3, so all are counted together, and the page says why.
  // Only Jo wrote anonymously, so every comment is shown without name or perspective.
  const table = await page.locator("#statement-WB-I1 table").innerText();
  assert.match(table, /Several perspectives together\s+7\s+1\s+0\s+2\s+0/, table);
  assert.doesNotMatch(table, /Carers and families/);
  assert.match(await page.locator("#privacy-note").innerText(), /counted together/);
  // The comments sit in a closed "What people wrote" (no gap to open it): read their text.
  const words = await page.locator("#statement-WB-I1 .words-list").textContent();
  assert.match(words, /Respite is hard to book/);
  assert.doesNotMatch(words, /Carers and families|anonymous|jo\.carer|sam\.admin/);
  assert.match(await page.locator("#statement-WB-I1 .details__text").first().textContent(), /Shown without names or perspectives/);
  await axe(page, "review-summary");
  await tabTo(page, "#statement-WB-I1 summary:has-text('Record the agreed position')");
  await page.keyboard.press("Enter");
  await pressEnterOn(page, "#statement-WB-I1 button:has-text('Record the position')");
  assert.match(await page.title(), /^Error: /, "a position needs a level and words");
  await axe(page, "review-summary-error");
  await chooseRadio(page, "level", "#level-WB-I1-some-progress");
  await typeInto(page, "#summary-WB-I1", "Some teams plan with people; most plans are still written first.");
  await pressEnterOn(page, "#statement-WB-I1 button:has-text('Record the position')");
  await pressEnterOn(page, "#statement-WB-I1 button:has-text('Confirm this position')");
  assert.match(await page.locator("#statement-WB-I1").innerText(), /Waiting for both co-chairs/);

  // 6. Alex, the other co-chair, confirms: now it is agreed, and the page says by whom.
  await alex.page.goto(new URL(reviewUrl).origin + new URL(reviewUrl).pathname + "/summary?view=standard");
  await pressEnterOn(alex.page, "#statement-WB-I1 button:has-text('Confirm this position')");
  const agreed = await alex.page.locator("#statement-WB-I1").innerText();
  assert.match(agreed, /Confirmed by both co-chairs: Administrator on .*; Expert by Experience on /, agreed);
  await axe(alex.page, "review-summary-confirmed");
  await alex.page.goto(reviewUrl + "/themes/WB/print");
  await axe(alex.page, "review-print");
  await alex.context.close();
  await sam.context.close();

  // 7. Sam, who leads the plan, on a 360 px phone: from the statement on the summary, "Make
  // this a priority" opens the priority form with the statement ticked, the review named and
  // what the group agreed as the reason; Sam adds a title and where to get to, and lands on
  // the form for the first action.
  const lead = await signIn("sam.admin@demo.example.org", { width: 360, height: 740 });
  const summaryUrl = new URL(reviewUrl).origin + new URL(reviewUrl).pathname + "/summary";
  // Markers of progress first: Sam ticks the first as in place, with a link to evidence that
  // is not a web address (refused next to it, the tick kept), then a real one; then makes the
  // third marker an action in one step, under the priority that serves the statement.
  await lead.page.goto(summaryUrl);
  await tabTo(lead.page, "#in_place-WB-I1");
  await lead.page.keyboard.press("Space");
  await typeInto(lead.page, "#evidence-1-WB-I1", "the May minutes");
  await pressEnterOn(lead.page, "#markers-WB-I1 button:has-text('Save the markers')");
  assert.match(await lead.page.title(), /^Error: /, "evidence must be a web address");
  assert.ok(await lead.page.locator("#in_place-WB-I1").isChecked(), "the tick is kept");
  assert.equal(await lead.page.inputValue("#evidence-1-WB-I1"), "the May minutes");
  await axe(lead.page, "review-markers-error");
  await lead.page.locator("#evidence-1-WB-I1").fill("");
  await typeInto(lead.page, "#evidence-1-WB-I1", "https://example.org/minutes/may");
  await pressEnterOn(lead.page, "#markers-WB-I1 button:has-text('Save the markers')");
  assert.match(await lead.page.locator(".notification-banner").innerText(), /markers of progress for WB-I1 are recorded/);
  assert.ok(await lead.page.locator("#in_place-WB-I1").isChecked());
  await typeInto(lead.page, "#lead-WB-I1-3", "Reviewing officers");
  await pressEnterOn(lead.page, "form[action$='/markers/3/action'] button");
  assert.match(new URL(lead.page.url()).pathname, /\/plan\/actions\/\d+$/);
  assert.match(await lead.page.locator(".notification-banner").innerText(), /under the priority that serves its statement/);
  assert.equal(await lead.page.inputValue("#lead"), "Reviewing officers");
  await axe(lead.page, "marker-made-an-action");
  await lead.page.goto(summaryUrl);
  assert.match(await lead.page.locator("#markers-WB-I1").innerText(), /Already an action: People are asked at every review/);
  // The plan already has a priority on this statement: the summary says so, and offers another.
  assert.match(await lead.page.locator("#statement-WB-I1 .planned").innerText(), /Already in the plan: Plans made with people/);
  await pressEnterOn(lead.page, "#statement-WB-I1 a:has-text('Make another priority from this')");
  assert.match(new URL(lead.page.url()).pathname, /\/plan\/priorities\/new$/);
  assert.ok(await lead.page.locator("input[name='statements'][value='WB-I1']").isChecked(), "the statement is ticked");
  assert.match(await lead.page.inputValue("#why"), /In Review 2027, on .*we agreed/);
  assert.equal(await lead.page.inputValue("#review"), new URL(reviewUrl).pathname.split("/").pop());
  await axe(lead.page, "priority-from-review");
  await typeInto(lead.page, "#title", "Plans written with people");
  await typeInto(lead.page, "#target", "Every plan is written with the person, in their words.");
  await pressEnterOn(lead.page, "button:text('Add the priority')");
  assert.match(await lead.page.locator(".notification-banner").innerText(), /Now add the actions/);
  assert.equal(await lead.page.locator("h1").innerText(), "Plans written with people");
  await axe(lead.page, "priority-from-review-added");
  await tabTo(lead.page, "#next-step a");
  await lead.page.keyboard.press("Enter");
  await lead.page.waitForURL(/#add-action$/);
  await typeInto(lead.page, "#what", "Ask each person what matters to them before writing anything.");
  await typeInto(lead.page, "#lead", "Team managers");
  await pressEnterOn(lead.page, "button:text('Add the action')");
  assert.match(await lead.page.locator("main table").first().innerText(), /Ask each person what matters to them/);
  await lead.context.close();
  assert.equal(checked.length, 19, `axe ran on ${checked.length} pages`);
});

test("a plan: two priorities, co-chair A approves (nothing public), co-chair B approves (public), an edit stays a draft until approved again, the history says what changed — keyboard only, no JavaScript, axe", async () => {
  const noScript = { javaScriptEnabled: false };
  const checked = [];
  const axe = async (page, name) => {
    checked.push(name);
    await assertNoAxeViolationsWithoutScript(page, name);
  };
  const signIn = async (email) => {
    const context = await browser.newContext(noScript);
    const page = await context.newPage();
    await page.goto(server.base + "/sign-in");
    await typeInto(page, "#email", email);
    await typeInto(page, "#password", "making it real demo");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    return { context, page };
  };
  const publicPlan = server.base + "/organisations/demo-riverside-council";
  const publicText = async () => {
    const context = await browser.newContext(noScript);
    const page = await context.newPage();
    await page.goto(publicPlan);
    const text = await page.locator("main").innerText();
    await context.close();
    return text;
  };

  // Sam (administrator, co-chair) adds two priorities, each with an action.
  const sam = await signIn("sam.admin@demo.example.org");
  const page = sam.page;
  await pressEnterOn(page, "main a:text('Riverside Council (demonstration)')");
  await pressEnterOn(page, "main a:text('Our plan: priorities, actions and progress')");
  await axe(page, "plan-workspace");
  for (const [title, theme, code, target, action] of [
    ["Getting out and about", "Active and inclusive communities", "#statements-AC-I1", "Everyone who wants to can get to community groups.", "Map accessible transport with Experts by Experience"],
    ["Carers get a break", null, "#statements-WB-I2", "Carers can book a break within two weeks.", "Open a booking line for short breaks"],
  ]) {
    await pressEnterOn(page, "main a:text('Add a priority')");
    if (checked.length === 1) {
      await axe(page, "plan-priority-new");
      await pressEnterOn(page, "button:text('Add the priority')");
      assert.match(await page.title(), /^Error: /);
      await axe(page, "plan-priority-new-error");
    }
    await typeInto(page, "#title", title);
    // Statements are grouped by theme; a closed theme opens from the keyboard.
    if (theme) {
      await tabTo(page, `details.statement-group summary:text('${theme}')`);
      await page.keyboard.press("Enter");
    }
    await tabTo(page, code);
    await page.keyboard.press("Space");
    await typeInto(page, "#target", target);
    await chooseRadio(page, "status", "#status-agreed");
    await pressEnterOn(page, "button:text('Add the priority')");
    assert.match(await page.locator(".notification-banner").innerText(), /priority is added/);
    if (checked.length === 3) await axe(page, "plan-priority");
    await typeInto(page, "#what", action);
    await typeInto(page, "#lead", "Community services manager");
    // Dates in three boxes, the GOV.UK way.
    await typeInto(page, "#due_on", "31");
    await typeInto(page, "#due_on-month", "5");
    await typeInto(page, "#due_on-year", "2027");
    await pressEnterOn(page, "button:text('Add the action')");
    await pressEnterOn(page, "a.back-link");
  }
  assert.doesNotMatch(await publicText(), /Getting out and about/, "a draft is not public");

  // Co-chair A approves: still nothing new in public.
  await pressEnterOn(page, "#approve-button");
  assert.match(await page.locator(".notification-banner").innerText(), /other co-chair/);
  await axe(page, "plan-approved-once");
  assert.doesNotMatch(await publicText(), /Getting out and about/, "one co-chair is not enough");

  // Co-chair B (Alex, Expert by Experience, who chose Easy Read) is emailed in Easy Read that
  // the plan waits; on a 360px phone the link asks Alex to sign in, then lands on the approval
  // page in Easy Read with everything that will be public; Alex approves: now it is public.
  let link;
  for (let i = 0; i < 50 && !link; i++) {
    try {
      link = await linkFromMail("alex.expert@demo.example.org", /(\/manage\/organisations\/demo-riverside-council\/plan)#approve/);
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  assert.ok(link, "Alex is emailed");
  const asked = (await mailsTo("alex.expert@demo.example.org")).reverse().find((m) => m.includes("/plan#approve"));
  assert.match(asked, /The plan is ready for you to check\./, `in Easy Read: ${asked}`);
  const phone = await browser.newContext({ ...noScript, viewport: { width: 360, height: 740 } });
  const alexPage = await phone.newPage();
  await alexPage.goto(link);
  assert.match(alexPage.url(), /\/sign-in$/, "signed out: sign in first");
  await typeInto(alexPage, "#email", "alex.expert@demo.example.org");
  await typeInto(alexPage, "#password", "making it real demo");
  await Promise.all([alexPage.waitForNavigation(), alexPage.keyboard.press("Enter")]);
  assert.match(alexPage.url(), /\/manage\/organisations\/demo-riverside-council\/plan$/, "back to the page the email named");
  const approval = await alexPage.locator("main").innerText();
  assert.match(approval, /Read the plan below first\./, "Easy Read");
  assert.match(approval, /Everyone who wants to can get to community groups\./, "the whole plan is shown");
  assert.match(approval, /Done by 31 May 2027/, "dates in words");
  assert.ok(await alexPage.evaluate(() => document.documentElement.scrollWidth <= 360), "fits a 360px screen");
  await axe(alexPage, "plan-approve-easy-read");
  await pressEnterOn(alexPage, "#approve-button");
  assert.match(await alexPage.locator(".notification-banner").innerText(), /version 2 of the plan is now public/);
  await phone.close();
  const alex = await signIn("alex.expert@demo.example.org");
  let shown = await publicText();
  assert.match(shown, /Getting out and about/);
  assert.match(shown, /Carers get a break/);
  assert.match(shown, /31 May 2027/);

  // Sam edits an action: the public still shows the approved version.
  await page.goto(server.base + "/manage/organisations/demo-riverside-council/plan");
  await pressEnterOn(page, "main h3 a:text('Getting out and about')");
  await pressEnterOn(page, "main table a:text('Map accessible transport with Experts by Experience')");
  await axe(page, "plan-action");
  assert.equal(await page.locator("#due_on-month").inputValue(), "5", "the stored date fills the boxes");
  await page.locator("#due_on").fill("");
  await typeInto(page, "#due_on", "31");
  await page.locator("#due_on-month").fill("");
  await typeInto(page, "#due_on-month", "September");
  await pressEnterOn(page, "button:text('Save the action')");
  assert.match(await page.title(), /^Error: /);
  assert.match(await page.locator(".error-summary").innerText(), /The due date must be a real date/);
  await axe(page, "plan-action-error");
  await page.locator("#due_on").fill("");
  await typeInto(page, "#due_on", "30");
  await pressEnterOn(page, "button:text('Save the action')");
  shown = await publicText();
  assert.match(shown, /31 May 2027/);
  assert.doesNotMatch(shown, /30 September 2027/, "the edit waits for approval");

  // Both approve again; the history says what changed.
  await page.goto(server.base + "/manage/organisations/demo-riverside-council/plan");
  await pressEnterOn(page, "#approve-button");
  await alex.page.goto(server.base + "/manage/organisations/demo-riverside-council/plan");
  await pressEnterOn(alex.page, "#approve-button");
  shown = await publicText();
  assert.match(shown, /30 September 2027/);
  const history = await browser.newContext(noScript);
  const historyPage = await history.newPage();
  await historyPage.goto(publicPlan);
  await pressEnterOn(historyPage, "main a:text('All versions and what changed')");
  const versions = await historyPage.locator("main").innerText();
  assert.match(versions, /Action "Map accessible transport with Experts by Experience": due date changed from 31 May 2027 to 30 September 2027/);
  assert.match(versions, /New priority: Carers get a break/);
  await axe(historyPage, "plan-versions-after");
  await history.close();
  await alex.context.close();
  await sam.context.close();
  assert.equal(checked.length, 9, `axe ran on ${checked.length} pages`);
});

test("the embed page shows in a frame on another site; other pages refuse to be framed", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Another origin: a page served by the test itself on a different port.
  const { createServer } = await import("node:http");
  const other = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!DOCTYPE html><title>Another site</title><iframe id="embed" title="plan" src="${server.base}/embed/organisations/demo-riverside-council"></iframe><iframe id="home" title="home" src="${server.base}/"></iframe>`);
  });
  await new Promise((r) => other.listen(0, "127.0.0.1", r));
  const origin = `http://localhost:${other.address().port}`;
  await page.goto(origin + "/");
  const embed = page.frame({ url: /\/embed\/organisations\/demo-riverside-council$/ });
  assert.ok(embed, "the embed frame loaded");
  await embed.waitForSelector("h1");
  assert.match(await embed.locator("h1").innerText(), /Riverside Council \(demonstration\): our Making it Real plan/);
  const home = page.frames().find((f) => f.url().startsWith(server.base + "/") && !f.url().includes("/embed/"));
  const homeHeading = home ? await home.locator("h1").count() : 0;
  assert.equal(homeHeading, 0, "the home page did not render inside another site's frame");
  const cookies = await context.cookies(server.base);
  assert.deepEqual(cookies.map((c) => c.name).filter((n) => n !== "mir_csrf" && n !== "mir_view"), [], "no session cookie from the embed");
  await context.close();
  other.close();
});

test("find and connect: filter the directory, search, the map to an area page, who else from a statement, a message that lands in the mail folder — keyboard only, no JavaScript, axe", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const checked = [];
  const axe = async (name) => {
    checked.push(name);
    await assertNoAxeViolationsWithoutScript(page, name);
  };

  // The directory: North East organisations with a published plan.
  await page.goto(server.base + "/");
  await pressEnterOn(page, "header a:text('Organisations')");
  await tabTo(page, "#region");
  await page.keyboard.type("North East");
  assert.equal(await page.inputValue("#region"), "E12000001");
  await tabTo(page, "#plan");
  await page.keyboard.press("Space");
  await pressEnterOn(page, "button:text('Show organisations')");
  assert.match(new URL(page.url()).search, /region=E12000001/);
  const found = await page.locator(".results h3").allInnerTexts();
  assert.ok(found.includes("Oakfield Home Care (demonstration)"), found.join(", "));
  assert.ok(!found.includes("Hillcrest Community NHS Trust (demonstration)"), "Leeds is not in the North East");
  await axe("find-directory-filtered");

  // Search.
  await pressEnterOn(page, "header a:text('Search')");
  await typeInto(page, "#q", "Easy Read");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.ok((await page.locator(".results mark").count()) > 0, "matches highlighted");
  assert.match(await page.locator(".results").innerText(), /Easy Read information, written with us/);
  await axe("find-search");

  // The map: Tab to a council, open its area page.
  await pressEnterOn(page, "header a:text('Map')");
  await axe("find-map");
  await pressEnterOn(page, "svg a[aria-label^='Stockton-on-Tees:']");
  assert.equal(await page.locator("h1").innerText(), "Stockton-on-Tees");
  assert.match(await page.locator("main").innerText(), /Oakfield Home Care \(demonstration\)/);
  await axe("find-area");

  // Who else, from a statement page.
  await page.goto(server.base + "/frameworks/demonstration/statements/WB-I1");
  await pressEnterOn(page, ".who-else a:text('Riverside Council (demonstration)')");
  assert.equal(await page.locator("h1").innerText(), "Riverside Council (demonstration)");

  // Get in touch: an error first, then the message is sent and lands in the mail folder.
  await pressEnterOn(page, "main a:text('Send Riverside Council (demonstration) a message')");
  await pressEnterOn(page, "button:text('Send the message')");
  assert.match(await page.title(), /^Error: /);
  await axe("find-contact-error");
  await typeInto(page, "#email", "neighbour@example.org");
  await typeInto(page, "#message", "Can we learn from your training?");
  await pressEnterOn(page, "button:text('Send the message')");
  assert.match(await page.locator(".notification-banner").innerText(), /message is sent/);
  const mail = (await mailsTo("sam.admin@demo.example.org")).find((m) => m.includes("Can we learn from your training?"));
  assert.ok(mail, "the message reached the group's administrator");
  assert.match(mail, /From: neighbour@example.org/);
  await context.close();
  assert.equal(checked.length, 5);
});

test("a visitor near Redcar, then at a postcode, finds the nearest organisations on a theme, compares two plans side by side and contacts one; the map finds a place and zooms into a region — keyboard only, no JavaScript, 360px, axe", async () => {
  const { writeFileSync: write, mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  // A few rows in the ONS Postcode Directory's layout, loaded as an operator would.
  const file = `${mkdtempSync(`${tmpdir()}/mir-postcodes-`)}/onspd.csv`;
  write(file, "pcd,pcds,doterm,oslaua,lat,long\nTS1  1AA,TS1 1AA,,E06000002,54.5742,-1.2350\nCB2  1TN,CB2 1TN,,E07000008,52.2040,0.1185\n");
  assert.match(server.mir("import", "postcodes", file), /Loaded 2 postcodes in England/);

  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const checked = [];
  const axe = async (name) => {
    checked.push(name);
    await assertNoAxeViolationsWithoutScript(page, name);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${name}: ${width}px wide on a 360px phone`);
  };

  // A town where nobody has signed up: the nearest, on the theme chosen.
  await page.goto(server.base + "/");
  await pressEnterOn(page, "header a:text('Organisations')");
  await typeInto(page, "#place", "Redcar");
  await tabTo(page, "#theme");
  await page.keyboard.type("Wellbeing");
  assert.equal(await page.inputValue("#theme"), "WB");
  await pressEnterOn(page, "button:text('Show organisations')");
  assert.match(await page.locator("#results").innerText(), /0 organisations working in Redcar and Cleveland/);
  const nearest = await page.locator("#nearest + .results h3").allInnerTexts();
  assert.deepEqual(nearest.slice(0, 2), ["Riverside Council (demonstration)", "Oakfield Home Care (demonstration)"]);
  assert.match(await page.locator("#nearest + .results").innerText(), /works in Middlesbrough, about 14 km away/);
  await axe("near-place-theme");

  // A postcode: who works there, then the nearest.
  await tabTo(page, "#place");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("ts1 1aa");
  await pressEnterOn(page, "button:text('Show organisations')");
  assert.deepEqual(await page.locator("#results + .results h3").allInnerTexts(), ["Riverside Council (demonstration)"]);
  assert.match(await page.locator("#nearest").innerText(), /Nearest to TS1 1AA/);
  assert.equal(await page.inputValue("#place"), "TS1 1AA");
  await axe("near-postcode");

  // Tick two plans and compare them.
  await tabTo(page, "#compare-demo-riverside-council");
  await page.keyboard.press("Space");
  await tabTo(page, "#compare-demo-oakfield-home-care");
  await page.keyboard.press("Space");
  await pressEnterOn(page, "button:text('Compare the plans you ticked')");
  assert.equal(new URL(page.url()).pathname, "/compare");
  assert.deepEqual(await page.locator(".compare-card h2").allInnerTexts(), ["Riverside Council (demonstration)", "Oakfield Home Care (demonstration)"]);
  assert.match(await page.locator("#in-common + ul").innerText(), /\(WB-I1\)/);
  await axe("compare-two-plans");

  // Contact the one that can answer.
  await pressEnterOn(page, "main a:text('Send Riverside Council (demonstration) a message')");
  await typeInto(page, "#email", "visitor@example.org");
  await typeInto(page, "#message", "We work nearby on the same statements. Could we meet?");
  await pressEnterOn(page, "button:text('Send the message')");
  assert.match(await page.locator(".notification-banner").innerText(), /message is sent/);
  const mail = (await mailsTo("sam.admin@demo.example.org")).find((m) => m.includes("Could we meet?"));
  assert.ok(mail, "the message reached the group's administrator");

  // The map: find a place by name, and a region made big enough for a phone.
  await page.goto(server.base + "/map");
  await typeInto(page, "#place", "Leeds");
  await pressEnterOn(page, "button:text('Find')");
  assert.equal(await page.locator("h1").innerText(), "Leeds");
  await page.goto(server.base + "/map");
  await pressEnterOn(page, ".region-links a:text('North East')");
  assert.equal(await page.locator("svg.national-map a").count(), 12);
  const box = await page.locator("svg.national-map").boundingBox();
  assert.ok(box.width >= 300, `the region fills the phone's width (${box.width}px)`);
  await axe("map-region");
  await context.close();
  assert.equal(checked.length, 4);
});

test("a live session: the facilitator opens it; three people join by code on phones (anonymous with JavaScript, one without, one by keyboard only); cards reach the projector live and after a refresh; grouped; dots; a group becomes a draft priority — axe on every page and state", async () => {
  const ws = "/manage/organisations/demo-riverside-council";
  // The facilitator: Sam, signed in, prepares and opens a session (no JavaScript needed).
  const facilitator = await browser.newContext({ javaScriptEnabled: false });
  const sam = await facilitator.newPage();
  await sam.goto(server.base + "/sign-in");
  await sam.fill("#email", "sam.admin@demo.example.org");
  await sam.fill("#password", "making it real demo");
  await sam.click("form[action='/sign-in'] button");
  await sam.goto(server.base + ws + "/sessions");
  await assertNoAxeViolationsWithoutScript(sam, "live-sessions");
  await sam.fill("#title", "Autumn board meeting");
  // The kinds of card are folded away; a kind without its Easy Read words is refused.
  await sam.click("summary:text('Kinds of card')");
  await sam.fill("#kind_easy_3", "");
  await sam.click("main form button[type=submit]");
  assert.match(await sam.title(), /^Error: /, "a question is needed");
  assert.equal(await sam.inputValue("#title"), "Autumn board meeting", "what was typed is kept");
  assert.match(await sam.locator(".error-summary").innerText(), /kind 3's words in Easy Read/);
  assert.ok(await sam.locator("#kind_easy_3").isVisible(), "the kinds are shown open with the mistake");
  await assertNoAxeViolationsWithoutScript(sam, "live-sessions-error");
  await sam.fill("#question", "What should the board work on first?");
  await sam.fill("#kind_easy_3", "I have an idea");
  await sam.click("main form button[type=submit]");
  await assertNoAxeViolationsWithoutScript(sam, "live-facilitate-draft");
  // A fourth kind, for questions, while the session is being prepared.
  await sam.fill("#kind_label_4", "Question");
  await sam.fill("#kind_easy_4", "I want to ask");
  await sam.selectOption("#kind_colour_4", "blue");
  await sam.selectOption("#kind_picture_4", "question");
  await sam.selectOption("#kind_review_4", "left");
  await sam.click("button:text('Save the kinds of card')");
  assert.equal(await sam.inputValue("#kind_label_4"), "Question", "saved");
  await sam.click("button:text('Open the session')");
  const code = (await sam.locator(".live-code").innerText()).trim();
  assert.match(code, /^[A-Z2-9]{3} [A-Z2-9]{3}$/);
  const path = `/live/${code.replace(" ", "")}`;
  await assertNoAxeViolationsWithoutScript(sam, "live-facilitate-open");

  // The wall: the projector view, live (JavaScript on), and one without JavaScript.
  const wall = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const projector = await wall.newPage();
  await projector.goto(server.base + path + "/projector");
  assert.ok(await projector.locator("img.projector__qr").isVisible(), "a QR code to join");
  await assertNoAxeViolations(projector, "live-projector-empty");
  const staticWall = await browser.newContext({ javaScriptEnabled: false });
  const staticProjector = await staticWall.newPage();
  await staticProjector.goto(server.base + path + "/projector");

  // Anonymous, with JavaScript, on a 360px phone, in Easy Read.
  const phoneA = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const a = await phoneA.newPage();
  await a.goto(server.base + "/join?view=easy");
  await assertNoAxeViolations(a, "live-join-easy");
  await a.fill("#code", code.toLowerCase());
  await a.click("main button[type=submit]");
  await a.check("#perspective");
  await a.click("text=Join the session");
  // Nothing is chosen for them: a card's colour is their choice.
  assert.equal(await a.locator("input[name=kind]:checked").count(), 0);
  assert.match(await a.locator("label[for=kind-question]").innerText(), /I want to ask/, "the session's own kind, in Easy Read words");
  await a.check("#kind-idea");
  await a.fill("#text", "Buses that wait until we sit down");
  await a.click("text=Put it on the board");
  assert.ok(await a.locator(".live-card__text:text('Buses that wait until we sit down')").isVisible());
  assert.equal(await a.evaluate(() => document.documentElement.scrollWidth <= 360), true, "fits a 360px phone");
  await assertNoAxeViolations(a, "live-board-easy");

  // The projector shows the card without a reload, and says so politely.
  await projector.locator(".live-card__text:text('Buses that wait until we sit down')").waitFor({ timeout: 5000 });
  await projector.waitForFunction(() => /new card/.test(document.getElementById("live-announce").textContent), null, { timeout: 8000 });

  // Without JavaScript, on a phone: a mistake is shown by its field, then the card is added.
  const phoneB = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const b = await phoneB.newPage();
  await b.goto(server.base + path);
  await b.check("#perspective-staff");
  await b.fill("#name", "Priya");
  await b.click("text=Join the session");
  await b.click("text=Put it on the board");
  assert.match(await b.title(), /^Error: /);
  assert.match(await b.locator(".error-summary").innerText(), /Choose what kind of card it is[\s\S]*Write something on your card/);
  await assertNoAxeViolationsWithoutScript(b, "live-board-card-error");
  await b.fill("#text", "Ask about transport at every review");
  await b.check("#kind-needs-to-change");
  await b.click("text=Put it on the board");
  assert.ok(await b.locator(".live-card__text:text('Ask about transport at every review')").isVisible());
  await assertNoAxeViolationsWithoutScript(b, "live-board-no-js");

  // Keyboard only: the code, a perspective with the arrow keys, a card, all by Tab and Enter.
  const phoneC = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const c = await phoneC.newPage();
  await c.goto(server.base + "/join");
  await typeInto(c, "#code", code);
  await Promise.all([c.waitForNavigation(), c.keyboard.press("Enter")]);
  await chooseRadio(c, "perspective", "#perspective-carer");
  await pressEnterOn(c, "main form button[type=submit]");
  await chooseRadio(c, "kind", "#kind-idea");
  await typeInto(c, "#text", "A map of step-free routes");
  await pressEnterOn(c, "main form[action$='/cards'] button[type=submit]");
  assert.ok(await c.locator(".live-card__text:text('A map of step-free routes')").isVisible());

  await projector.locator(".live-card__text:text('A map of step-free routes')").waitFor({ timeout: 5000 });
  // Phone A (JavaScript, Easy Read) gets the card in place from the stream, without fetching its
  // page, with a dot button that works (its form token filled in by the script).
  await a.evaluate(() => { window.stillTheSamePage = true; });
  const arrived = a.locator(".live-card", { hasText: "A map of step-free routes" });
  await arrived.waitFor({ timeout: 5000 });
  assert.equal(await a.evaluate(() => window.stillTheSamePage), true, "put in place, not a page load");
  assert.match(await arrived.innerText(), /I have an idea/, "in the reader's Easy Read words");
  await assertNoAxeViolations(a, "live-board-card-arrived");
  await arrived.locator("button:text('Put a dot on it')").click();
  await a.locator(".live-card", { hasText: "A map of step-free routes" }).locator("text=(one is yours)").waitFor({ timeout: 5000 });
  // The wall without JavaScript has none of it until it is refreshed.
  assert.equal(await staticProjector.locator(".live-card__text:text('A map of step-free routes')").count(), 0);
  await staticProjector.click("text=Refresh the board");
  assert.ok(await staticProjector.locator(".live-card__text:text('A map of step-free routes')").isVisible());

  // The facilitator groups two cards (a "move to group" control, no dragging needed).
  await sam.reload();
  await sam.fill("#name", "Getting about");
  await sam.click("text=Start the group");
  const first = sam.locator(".live-card", { hasText: "Buses that wait until we sit down" }).first();
  await first.locator("select").selectOption({ label: "Getting about" });
  await first.locator("button:text('Move')").click();
  // With JavaScript the facilitator may drag a card onto the group instead (on a screen tall
  // enough to show both, as a drag does not scroll the page).
  const draggingContext = await browser.newContext({ viewport: { width: 1280, height: 2400 } });
  await draggingContext.addCookies(await facilitator.cookies());
  const dragging = await draggingContext.newPage();
  await dragging.goto(sam.url().split("#")[0]);
  await dragging.locator(".live-card", { hasText: "A map of step-free routes" }).first()
    .dragTo(dragging.locator(".live-group", { hasText: "Getting about" }).locator("h3"), { sourcePosition: { x: 8, y: 8 } });
  await dragging.locator(".live-group .live-card__text:text('A map of step-free routes')").waitFor({ timeout: 5000 });
  await draggingContext.close();
  await sam.reload();
  await assertNoAxeViolationsWithoutScript(sam, "live-facilitate-grouped");

  // Dots: each person puts one on the group; the ranking lists it.
  for (const page of [a, b, c]) {
    await page.goto(server.base + path);
    await page.click(".live-group button:text('Put a dot on this group')");
  }
  await b.goto(server.base + path);
  assert.match(await b.locator(".live-ranking__list").innerText(), /Group: “Getting about” – 3 dots/);
  await projector.locator(".live-group .live-card__dots [data-dots]:text('3 dots')").waitFor({ timeout: 5000 });
  await assertNoAxeViolations(projector, "live-projector-full");

  // The group becomes a draft priority, its words carried over.
  await sam.reload();
  await sam.click("text=Make this group a draft priority");
  assert.equal(await sam.inputValue("#title"), "Getting about");
  assert.match(await sam.inputValue("#why"), /Autumn board meeting/);
  await assertNoAxeViolationsWithoutScript(sam, "live-draft-priority");

  // Last spring's record: agreement across perspectives as a chart and a table, printable.
  await sam.goto(server.base + ws + "/sessions");
  await sam.click("text=Spring co-production day");
  await sam.click("text=The record to print");
  assert.ok(await sam.locator("table:has-text('Dots by perspective')").count() === 1, "figures by perspective");
  await assertNoAxeViolationsWithoutScript(sam, "live-record");

  for (const context of [facilitator, wall, staticWall, phoneA, phoneB, phoneC]) await context.close();
});

// Last, because it moves Riverside to the framework's second version for the rest of the run.
test("partnerships and working groups: two administrators form a partnership; a working group's priority is taken into the partnership's plan and published by both co-chairs — keyboard only, no JavaScript, axe", async () => {
  const noScript = { javaScriptEnabled: false };
  const signIn = async (email, view = "") => {
    const context = await browser.newContext(noScript);
    const page = await context.newPage();
    await page.goto(server.base + "/sign-in" + view);
    await typeInto(page, "#email", email);
    await typeInto(page, "#password", "making it real demo");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    return { context, page };
  };
  // Sam, Riverside's administrator, forms a partnership with the NHS trust.
  const sam = await signIn("sam.admin@demo.example.org");
  let page = sam.page;
  await pressEnterOn(page, "main a:text('Riverside Council (demonstration)')");
  await pressEnterOn(page, "main a:has-text('Partnerships: one plan owned with other organisations')");
  await assertNoAxeViolationsWithoutScript(page, "partnerships-none");
  await typeInto(page, "#name", "Riverside Carers Partnership");
  await typeInto(page, "#partner", "Nowhere Trust");
  await pressEnterOn(page, "button:text('Form the partnership')");
  assert.match(await page.locator(".error-summary").innerText(), /could not find an organisation called “Nowhere Trust”/);
  assert.equal(await page.inputValue("#name"), "Riverside Carers Partnership", "what was typed stays");
  await assertNoAxeViolationsWithoutScript(page, "partnerships-form-error");
  await page.fill("#partner", "");
  await typeInto(page, "#partner", "Hillcrest Community NHS Trust (demonstration)");
  await pressEnterOn(page, "button:text('Form the partnership')");
  assert.match(await page.locator(".notification-banner").innerText(), /public once they do/);
  assert.match(await page.locator("main").innerText(), /Invited/);
  await assertNoAxeViolationsWithoutScript(page, "partnership-waiting");
  const visitor = await browser.newContext(noScript);
  const pub = await visitor.newPage();
  const notYet = await pub.goto(server.base + "/organisations/riverside-carers-partnership");
  assert.equal(notYet.status(), 404, "not public before the partner accepts");

  // Nia, the trust's administrator, accepts for the trust.
  const nia = await signIn("nia.admin@demo.example.org");
  page = nia.page;
  await pressEnterOn(page, "main a:text('Hillcrest Community NHS Trust (demonstration)')");
  await pressEnterOn(page, "main a:has-text('Partnerships: one plan owned with other organisations')");
  await assertNoAxeViolationsWithoutScript(page, "partnership-invitation");
  await pressEnterOn(page, "button:has-text('Accept Riverside Carers Partnership')");
  assert.match(await page.locator(".notification-banner").innerText(), /your organisation is a partner in Riverside Carers Partnership/);
  await pub.goto(server.base + "/organisations/riverside-carers-partnership");
  const partners = await pub.locator("#partners").innerText();
  assert.match(partners, /Riverside Council \(demonstration\)/);
  assert.match(partners, /Hillcrest Community NHS Trust \(demonstration\)/);
  await assertNoAxeViolationsWithoutScript(pub, "partnership-public");

  // Priya (staff of the council, so of the demonstration partnership) takes the Direct
  // Payments board's second priority into the partnership's plan.
  const priya = await signIn("priya.staff@demo.example.org");
  page = priya.page;
  await pressEnterOn(page, "main a:text('Riverside Health and Care Partnership (demonstration)')");
  await pressEnterOn(page, "main a:has-text('Working groups, and the priorities they published')");
  await assertNoAxeViolationsWithoutScript(page, "working-group-offers");
  await pressEnterOn(page, "button:has-text('Take into our draft plan: Payments that arrive on time')");
  assert.match(await page.locator(".notification-banner").innerText(), /is in the draft plan/);
  assert.match(await page.locator("main").innerText(), /From the working group Direct Payments board/);
  await assertNoAxeViolationsWithoutScript(page, "partnership-draft-with-group-priority");

  // Both co-chairs of the partnership approve: Nia, then Alex in Easy Read.
  page = nia.page;
  await page.goto(server.base + "/manage/organisations/riverside-health-and-care-partnership-demonstration/plan");
  await pressEnterOn(page, "#approve-button");
  await pub.goto(server.base + "/organisations/riverside-health-and-care-partnership-demonstration");
  assert.doesNotMatch(await pub.locator("main").innerText(), /Payments that arrive on time/, "not public after one co-chair");
  const alex = await signIn("alex.expert@demo.example.org");
  await alex.page.goto(server.base + "/manage/organisations/riverside-health-and-care-partnership-demonstration/plan");
  await assertNoAxeViolationsWithoutScript(alex.page, "partnership-plan-easy");
  await pressEnterOn(alex.page, "#approve-button");
  assert.match(await alex.page.locator(".notification-banner").innerText(), /version 2 of the plan is now public/);
  // A new visitor (the first one's browser may reuse its copy for a minute: max-age=60).
  const later = await (await browser.newContext(noScript)).newPage();
  await later.goto(server.base + "/organisations/riverside-health-and-care-partnership-demonstration");
  const published = await later.locator("main").innerText();
  assert.match(published, /Payments that arrive on time/);
  assert.match(published, /From the working group Direct Payments board/);
  await assertNoAxeViolationsWithoutScript(later, "partnership-public-with-group-priority");
  // The working group's own page.
  await pressEnterOn(later, "main .from-group a >> nth=0");
  assert.match(await later.locator("main").innerText(), /A working group of/);
  for (const context of [sam.context, nia.context, priya.context, alex.context, visitor, later.context()]) await context.close();
});

test("moving to a new framework version: the two co-chairs agree (after closing the open review), keyboard only, no JavaScript, axe; the public page shows earlier positions through the mapping", async () => {
  const noScript = { javaScriptEnabled: false };
  const signIn = async (email) => {
    const context = await browser.newContext(noScript);
    const page = await context.newPage();
    await page.goto(server.base + "/sign-in");
    await typeInto(page, "#email", email);
    await typeInto(page, "#password", "making it real demo");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    return { context, page };
  };
  const sam = await signIn("sam.admin@demo.example.org");
  let page = sam.page;
  await pressEnterOn(page, "main a:text('Riverside Council (demonstration)')");
  await pressEnterOn(page, "main a:has-text('Our framework')");
  const offer = await page.locator("main").innerText();
  assert.match(offer, /Moving to version 2026\.2/);
  assert.match(offer, /Retired\s+AC-I3/);
  assert.match(offer, /Split\s+WF-We2/);
  await assertNoAxeViolationsWithoutScript(page, "framework-move-offer");
  // A review is open: the group moves only once it is closed.
  if (/Close it before moving/.test(offer)) {
    await page.goto(server.base + "/manage/organisations/demo-riverside-council/reviews");
    await pressEnterOn(page, "#open-review + p a");
    await pressEnterOn(page, "main a:text('Close this review')");
    await pressEnterOn(page, "button:text('Close the review')");
    await page.goto(server.base + "/manage/organisations/demo-riverside-council/framework");
  }
  await pressEnterOn(page, "button:has-text('Agree to move to version 2026.2')");
  assert.match(await page.locator(".notification-banner").innerText(), /moves when the other co-chair agrees/);
  await assertNoAxeViolationsWithoutScript(page, "framework-move-agreed-once");

  // Alex, the other co-chair, in Easy Read.
  const alex = await signIn("alex.expert@demo.example.org");
  await alex.page.goto(server.base + "/manage/organisations/demo-riverside-council/framework?view=easy");
  await assertNoAxeViolationsWithoutScript(alex.page, "framework-move-easy");
  await pressEnterOn(alex.page, "button:has-text('Yes, use the new version')");
  assert.match(await alex.page.locator(".notification-banner").innerText(), /now uses version 2026\.2/);

  // The public page: last year's confirmed position on WB-I1 and this year's, agreed on
  // 2026.1, shown through the mapping.
  const visitor = await browser.newContext(noScript);
  const pub = await visitor.newPage();
  await pub.goto(server.base + "/organisations/demo-riverside-council");
  const position = await pub.locator("#position-WB-I1").innerText();
  assert.match(position, /Agreed on framework version 2026\.1/);
  await assertNoAxeViolationsWithoutScript(pub, "public-plan-after-move");
  for (const context of [sam.context, alex.context, visitor]) await context.close();
});
