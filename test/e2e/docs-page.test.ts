/**
 * The /docs page in a real headless browser (Debian's chromium, driven by puppeteer-core): the
 * reference's four routes render from the served document. A screenshot lands in .data/ for humans.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser } from 'puppeteer-core';
import { createLocalServer } from '../../lib/tools/local/server';

/** CHROMIUM_PATH, or chromium on the PATH (.ci/run installs it with apt-get). */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const chromium = findChromium();
// Without a browser the test is skipped on a developer's machine only; in CI it fails.
const describeWithBrowser = chromium || process.env.CI ? describe : describe.skip;

describeWithBrowser('the /docs page in headless Chromium', () => {
  let server: Server;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    if (!chromium) throw new Error('chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH');
    server = createLocalServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('renders the four reference routes, loading nothing from outside the server', async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(baseUrl) && !request.url().startsWith('data:')) outside.push(request.url());
    });
    await page.setViewport({ width: 1280, height: 1600 });

    await page.goto(`${baseUrl}/docs`, { waitUntil: 'networkidle0', timeout: 30_000 });
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    const operations = await page.$$eval('.opblock', (blocks) =>
      blocks.map((block) => `${block.querySelector('.opblock-summary-method')?.textContent?.trim()} ${block.querySelector('.opblock-summary-path')?.textContent?.replace(/\u200b/g, '').trim()}`),
    );
    mkdirSync('.data', { recursive: true });
    await page.screenshot({ path: '.data/docs.png', fullPage: true });

    expect(operations).toEqual(expect.arrayContaining(['POST /user/login', 'POST /authheader/add', 'GET /authheader/list', 'POST /authheader/delete']));
    expect(await page.title()).toBe('Authentication service API');
    expect(outside).toEqual([]);
    expect(existsSync('.data/docs.png')).toBe(true);
  }, 60_000);
});
