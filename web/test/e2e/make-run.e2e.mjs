// What a newcomer does after `make run`: open the printed agent link, paste the printed curl
// line, and see the "On Ring" pop with the caller's number; sign in to the console with the
// printed user and password and find the demo's key. scripts/run-demo.sh on free ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { BIN, launchBrowser, agentPage, screenshot } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("make run's agent link pops the On Ring trigger its curl line sends, and its console sign-in works", async () => {
  const port = await freePort();
  const demo = spawn(join(root, 'scripts/run-demo.sh'), [BIN], {
    env: { ...process.env, POPFLOW_DATA_DIR: mkdtempSync(join(tmpdir(), 'popflow-demo-')), POPFLOW_HTTP: `127.0.0.1:${port}`,
      POPFLOW_MQTT: `127.0.0.1:${await freePort()}` },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const browser = await launchBrowser();
  try {
    const lines = [];
    for await (const line of createInterface({ input: demo.stdout })) {
      lines.push(line);
      if (line.startsWith('Serving')) break;
    }
    const link = lines.find((line) => line.startsWith('http://localhost'));
    const curl = lines.find((line) => line.startsWith('curl -s http'));
    assert.match(link, new RegExp(`^http://localhost:${port}/agent/#token=ey`));
    // "Serving" is printed just before the server starts: wait until it answers.
    for (let tries = 0; ; tries += 1) {
      const up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (up) break;
      assert.ok(tries < 100, 'the demo server never answered /healthz');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const problems = [];
    const page = await agentPage(await browser.newContext(), link.replace('localhost', '127.0.0.1'), problems);
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 15000 });
    const answer = JSON.parse(execFileSync('bash', ['-c', curl.replace('localhost', '127.0.0.1')], { encoding: 'utf8' }));
    assert.equal(answer.workflow.name, 'Ring pop');
    const pop = page.locator(`article[data-trigger="${answer.id}"]`);
    await pop.getByRole('heading', { name: 'Incoming call from 5551234567' }).waitFor();
    assert.equal(await pop.locator('dd').first().textContent(), '5551234567');
    await pop.getByLabel('Reason (required)').selectOption('Support');
    await screenshot(page, 'agent-make-run');
    assert.deepEqual(problems, []);
    // The console line: its address and the user and password printed above it sign in.
    const [, user, password] = lines.find((line) => line.includes('sign in as')).match(/sign in as (\S+) \/ (\S+)/);
    const consoleUrl = lines.find((line) => line.endsWith('/admin/'));
    assert.equal(consoleUrl, `http://localhost:${port}/admin/`);
    const consolePage = await (await browser.newContext()).newPage();
    await consolePage.goto(consoleUrl.replace('localhost', '127.0.0.1'));
    await consolePage.getByLabel('User name').fill(user);
    await consolePage.getByLabel('Password', { exact: true }).first().fill(password);
    await consolePage.getByRole('button', { name: 'Sign in' }).click();
    await consolePage.getByRole('link', { name: 'API keys' }).click();
    await consolePage.locator('tr', { hasText: 'make run demo' }).first().waitFor();
  } finally {
    await browser.close();
    demo.kill('SIGTERM');
  }
});
