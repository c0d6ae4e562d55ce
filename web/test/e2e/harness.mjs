// The real popflow-connect binary (POPFLOW_BIN) on free ports with its own data dir, set up
// with its own CLI, Debian's chromium driven by playwright-core and Debian's firefox-esr driven
// by puppeteer-core (WebDriver BiDi): what the agent's client's end-to-end tests stand on.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.POPFLOW_BIN ?? join(here, '../../../build/src/app/popflow-connect');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
// Screenshots go to build/screenshots, so a test run leaves the tree clean; docs/agent.md's are
// refreshed with POPFLOW_SCREENSHOTS=$PWD/docs/screenshots ctest -R web.e2e.
export const SCREENSHOTS = process.env.POPFLOW_SCREENSHOTS ?? join(here, '../../../build/screenshots');

export class Server {
  constructor(args = []) {
    this.args = args;
    this.dataDir = mkdtempSync(join(tmpdir(), 'popflow-e2e-'));
    this.logs = [];
  }

  cli(...args) {
    return execFileSync(BIN, ['--data-dir', this.dataDir, ...args], { encoding: 'utf8' }).trim();
  }

  // A customer with one instance whose workflows come from `file` (the export/import form).
  setUp(customer, file) {
    this.cli('customer', 'add', customer);
    const path = join(this.dataDir, 'workflows.json');
    writeFileSync(path, JSON.stringify(file));
    this.cli('workflow', 'import', path, '--customer', customer, '--instance', file.instance.crmId);
  }

  start() {
    // No load shedding unless a test asks for it: on a machine starved by the tests beside it
    // a loop can lag past overload_lag, and a page would get 503 overloaded instead of what
    // the test checks (as the Python harness does; test_operations tests the shedding).
    const shedding = this.args.includes('--overload-lag') ? [] : ['--overload-lag', '0'];
    this.process = spawn(BIN, ['serve', '--data-dir', this.dataDir, '--http', this.http ?? '127.0.0.1:0',
      '--mqtt', '127.0.0.1:0', '--revocation-poll', '100ms', ...shedding, ...this.args], { stdio: ['ignore', 'ignore', 'pipe'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${this.logs.join('\n')}`)), 10000);
      createInterface({ input: this.process.stderr }).on('line', (line) => {
        this.logs.push(line);
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'listening') {
            this.http = entry.http;
            this.url = `http://${entry.http.replace('0.0.0.0', '127.0.0.1')}`;
            clearTimeout(timer);
            resolve(this);
          }
        } catch {
          // not a log line
        }
      });
      this.process.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${this.logs.join('\n')}`)));
    });
  }

  async stop() {
    if (!this.process || this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.on('exit', resolve));
    this.process.kill('SIGTERM');
    // A server that does not stop is a failure with its log, not a test that hangs.
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(resolve, 15000, 'late'); });
    const outcome = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.process.kill('SIGKILL');
      await exited;
      throw new Error(`the server did not stop within 15 s of SIGTERM:\n${this.logs.join('\n')}`);
    }
  }

  // Stops and starts again on the same HTTP address and data dir: every connection drops, the
  // persistent sessions stay.
  async restart() {
    await this.stop();
    this.logs = [];
    await this.start();
  }

  async trigger(apiKey, fields, headers = {}) {
    const response = await fetch(`${this.url}/api/sendmessage/CTI`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ jwt: apiKey, ...fields }),
    });
    const body = await response.json();
    // Every test's trigger is meant to be accepted: say why one was not, not "undefined" later.
    if (response.status !== 200) throw new Error(`trigger answered ${response.status}: ${JSON.stringify(body)}`);
    return { status: response.status, body };
  }

  async timeline(apiKey, id) {
    const response = await fetch(`${this.url}/api/triggers/${id}`, { headers: { Authorization: `Bearer ${apiKey}` } });
    return response.json();
  }

  // The timeline once it holds `count` runs (the client reports asynchronously).
  async runs(apiKey, id, count = 1, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const timeline = await this.timeline(apiKey, id);
      if ((timeline.runs ?? []).length >= count || Date.now() > deadline) return timeline.runs ?? [];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

// `extraArgs`: more Chromium switches, e.g. `--host-resolver-rules=MAP agents.test 127.0.0.1`
// for a plain-http origin that is not a secure context (no Web Locks there).
export async function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required', ...extraArgs],
  });
}

// Firefox, headless, with a profile of its own (puppeteer-core makes one per launch) and
// `prefs` in it.
export async function launchFirefox(prefs = {}) {
  return puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, extraPrefsFirefox: prefs });
}

// A page that fails its test on any console error or CSP violation (a playwright or a
// puppeteer context: both have the same newPage, console and pageerror).
export async function agentPage(context, url, problems) {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  await page.goto(url);
  return page;
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
