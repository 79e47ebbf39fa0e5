/**
 * The axe helper itself, on pages whose violations are known: it must fail, naming rule, impact and
 * element, on serious ones, and pass a page that has only minor findings or none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from './harness';
import { expectAccessible, seriousViolations } from './accessibility';

let browser: Browser | undefined;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
});
afterAll(async () => {
  await browser?.close();
});

async function pageWith(html: string) {
  if (!browser) throw new Error('chromium did not start (beforeAll failed?)');
  const page = await browser.newPage();
  await page.setContent(
    `<!doctype html><html lang="en"><head><title>t</title>` +
      // The app's policy: the helper must work where inline scripts are refused.
      `<meta http-equiv="Content-Security-Policy" content="script-src 'self'"></head><body>${html}</body></html>`,
  );
  return page;
}

describe('expectAccessible', () => {
  it('fails on low contrast and an unnamed button, naming the rule, impact, element and help', async () => {
    const page = await pageWith(
      '<main><h1>Queue</h1><p id="faint" style="color:#aaa;background:#fff">2.3:1 text</p>' +
        '<button id="bare"></button></main>',
    );
    const failure = await expectAccessible(page, 'the test page').then(
      () => 'passed',
      (error: Error) => error.message,
    );
    expect(failure).toContain('on the test page');
    expect(failure).toMatch(/color-contrast \(serious\): .*\n\s+#faint/);
    expect(failure).toMatch(/button-name \(critical\): .*\n\s+#bare/);
    await page.close();
  });

  it('passes a clean page, and checks only the selector it is given', async () => {
    const page = await pageWith(
      '<main><h1>Queue</h1><section id="clean"><p>Readable</p><button>Open</button></section>' +
        '<div id="dirty"><button></button></div></main>',
    );
    await expectAccessible(page, 'the clean section', { include: '#clean' });
    expect((await seriousViolations(page)).map((v) => v.id)).toEqual(['button-name']);
    await page.close();
  });
});
