// The report in a real browser (Debian chromium through puppeteer-core, which downloads no
// browser): for the dashboard, a domain page and an organisation page
//   - no console error, no page error, no request outside the report directory;
//   - axe-core (WCAG 2.0/2.1 A and AA rules): no serious or critical violation;
//   - colour is never the only carrier of meaning: every grade badge, heat-map cell and
//     status badge has text;
//   - keyboard: Tab reaches every link, summary and filter in document order, each focused
//     element shows a focus indicator, the skip link comes first; the filters work from the
//     keyboard and with JavaScript disabled;
// and the dashboard printed with Chromium's print-to-PDF (the @page size of the report's CSS).
//
// Usage: node audit.mjs REPORT_DIR DOMAIN_PAGE ORG_PAGE PDF_OUT   (CHROMIUM=/usr/bin/chromium)
// PDF_OUT "-": the three pages' audits only (no filter or print test), e.g. for the report of
// an offline scan, whose pages open with the scan-health banner.
// Exits 1 with every problem listed; prints a summary per page.

import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const [reportDir, domainPage, orgPage, pdfOut] = process.argv.slice(2);
if (!pdfOut) {
  console.error("usage: node audit.mjs REPORT_DIR DOMAIN_PAGE ORG_PAGE PDF_OUT");
  process.exit(2);
}
const root = path.resolve(reportDir);
const problems = [];
const fail = (page, what) => problems.push(`${page}: ${what}`);

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
  ],
  protocolTimeout: 120_000,
});

/** Opens `rel` with request, console and error watches; `js` false disables JavaScript. */
async function open(rel, { js = true, bypassCsp = false } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.setJavaScriptEnabled(js);
  // The report forbids every script by CSP; axe is injected into it for the audit only.
  await page.setBypassCSP(bypassCsp);
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const url = request.url();
    const local = url.startsWith("data:") || (url.startsWith("file://") && decodeURIComponent(new URL(url).pathname).startsWith(root));
    if (local) {
      request.continue();
    } else {
      fail(rel, `request outside the report: ${url}`);
      request.abort();
    }
  });
  page.on("console", (message) => {
    if (message.type() === "error") fail(rel, `console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => fail(rel, `page error: ${error.message}`));
  await page.goto(`file://${path.join(root, rel)}`, { waitUntil: "load", timeout: 60_000 });
  return page;
}

async function axe(rel) {
  const page = await open(rel, { bypassCsp: true });
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations"],
    }),
  );
  const lines = [];
  for (const v of result.violations) {
    const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ");
    const line = `axe ${v.impact} ${v.id} (${v.nodes.length}×): ${v.help} — ${where}`;
    if (v.impact === "serious" || v.impact === "critical") fail(rel, line);
    else lines.push(line);
  }
  console.log(`${rel}: axe-core ${result.testEngine.version}, ${result.violations.length} rule(s) violated`);
  for (const line of lines) console.log(`  (not serious) ${line}`);
  await page.close();
}

/** Every grade, heat-map cell and status badge says its meaning in text, not only colour. */
async function colourCarriesNoMeaningAlone(rel) {
  const page = await open(rel);
  const bare = await page.evaluate(() =>
    [...document.querySelectorAll(".grade, table.heat td.heat-cell, .status")]
      .filter((el) => el.textContent.trim() === "")
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  for (const html of bare) fail(rel, `colour alone carries meaning: ${html}`);
  await page.close();
}

/** Tabs through the page: every focusable element in order, each with a visible indicator. */
async function keyboard(rel) {
  const page = await open(rel);
  const expected = await page.evaluate(() =>
    [...document.querySelectorAll("a[href], summary, input, button, select, textarea, [tabindex]")]
      // Rendered ones only: the content of a closed <details> is not focusable until opened.
      .filter((el) => el.tabIndex >= 0 && el.checkVisibility({ visibilityProperty: true }))
      .filter((el) => el.tagName !== "SUMMARY" || el.parentElement.firstElementChild === el)
      .length,
  );
  const seen = [];
  // Bounded: a few more presses than there are focusable elements.
  for (let i = 0; i < expected + 3; i++) {
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      // The CSS-only filters hide their checkbox and draw the ring on its label.
      const shown = (el.classList.contains("filter-toggle") && document.querySelector(`label[for="${el.id}"]`)) || el;
      const shownStyle = getComputedStyle(shown);
      const ring = [shownStyle, style].some(
        (s) => (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none",
      );
      const box = shown.getBoundingClientRect();
      return {
        key: el.id || el.getAttribute("href") || el.outerHTML.slice(0, 60),
        tag: el.tagName,
        ring,
        visible: box.width > 0 && box.height > 0,
      };
    });
    if (!focus) break;
    if (seen.length && focus.key === seen[0].key && focus.tag === seen[0].tag) break;
    seen.push(focus);
    if (!focus.ring) fail(rel, `no focus indicator on ${focus.tag} ${focus.key}`);
    if (!focus.visible) fail(rel, `focused element not visible: ${focus.tag} ${focus.key}`);
  }
  if (seen.length === 0 || seen[0].key !== "#main") {
    fail(rel, `the first Tab does not reach the skip link (got ${seen[0]?.key})`);
  }
  if (seen.length < expected) {
    fail(rel, `Tab reached ${seen.length} of ${expected} focusable elements`);
  }
  console.log(`${rel}: keyboard reached ${seen.length} of ${expected} focusable element(s)`);
  await page.close();
  return seen;
}

/** The domain page's filters: from the keyboard (Space on the focused checkbox) with
 * JavaScript on, and by clicking their labels with JavaScript off. */
async function filters(rel) {
  const visibleRows = (page) =>
    page.evaluate(() =>
      [...document.querySelectorAll(".outcomes .outcome")]
        .filter((el) => el.getBoundingClientRect().height > 0)
        .map((el) => [...el.classList].find((c) => c.startsWith("row-status-"))),
    );
  const page = await open(rel);
  const all = await visibleRows(page);
  if (!all.includes("row-status-pass")) fail(rel, "the filter test needs a passed check on the page");
  // Keyboard: Tab until the first filter has focus, then Space.
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.id === "hide-pass")) break;
  }
  if (!(await page.evaluate(() => document.activeElement?.id === "hide-pass"))) {
    fail(rel, "the filter 'Hide passed checks' cannot be reached with Tab");
  } else {
    await page.keyboard.press("Space");
    const shown = await visibleRows(page);
    if (shown.includes("row-status-pass") || shown.length >= all.length) {
      fail(rel, "Space on 'Hide passed checks' did not hide the passed checks");
    }
  }
  await page.close();

  const noJs = await open(rel, { js: false });
  await noJs.click('label[for="only-problems"]');
  const problemsOnly = await visibleRows(noJs);
  const others = problemsOnly.filter((c) => c !== "row-status-fail" && c !== "row-status-warn");
  if (problemsOnly.length === 0 || others.length > 0) {
    fail(rel, `without JavaScript, 'Show only failures and warnings' left ${others.length} other row(s) and ${problemsOnly.length} in all`);
  }
  console.log(`${rel}: filters work from the keyboard and without JavaScript (${all.length} → ${problemsOnly.length} rows)`);
  await noJs.close();
}

/** The dashboard printed by Chromium (its print-to-PDF), at the page size the CSS asks for. */
async function print(rel) {
  const page = await open(rel);
  await page.emulateMediaType("print");
  await page.pdf({ path: pdfOut, preferCSSPageSize: true, printBackground: true });
  console.log(`${rel}: printed to ${pdfOut}`);
  await page.close();
}

try {
  for (const rel of ["index.html", domainPage, orgPage]) {
    await axe(rel);
    await colourCarriesNoMeaningAlone(rel);
    await keyboard(rel);
  }
  if (pdfOut !== "-") {
    await filters(domainPage);
    await print("index.html");
  }
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(`audit: ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log("audit: no serious or critical accessibility violation, keyboard and filters work");
