/**
 * axe-core in a Playwright page: the e2e tests call expectAccessible on every screen and state and
 * fail on any serious or critical violation, listing each (rule, impact, the elements, the help).
 * Minor and moderate findings are left to review: the bar is zero serious or critical.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults, ImpactValue, Result, RunOptions } from 'axe-core';

const axeSource = createRequire(__filename).resolve('axe-core/axe.min.js');
const FAILING: readonly ImpactValue[] = ['serious', 'critical'];

export interface AccessibilityOptions {
  /** A CSS selector to check instead of the whole page (e.g. an open dialog). */
  include?: string;
}

/** The serious and critical violations axe finds on the page as it is now. */
export async function seriousViolations(page: Page, options: AccessibilityOptions = {}): Promise<Result[]> {
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  // Evaluated, not added as a <script>: the app's Content-Security-Policy (script-src 'self') refuses
  // inline scripts, while the DevTools protocol's evaluation is not subject to it.
  if (!loaded) await page.evaluate(readFileSync(axeSource, 'utf8'));
  const runOptions: RunOptions = { resultTypes: ['violations'] };
  const results = await page.evaluate(
    async ({ include, runOptions }) => {
      // Colours mid-transition (a label turning blue on focus, a ripple) gave a contrast of 4.35:1 one
      // run in three: wait for the finite animations; endless ones (progress bars) never settle.
      type Animations = { getAnimations(): Array<{ finished: Promise<unknown>; effect: unknown }> };
      const animations = (globalThis as unknown as { document: Animations }).document.getAnimations();
      const finite = animations.filter((a) => {
        const timing = (a.effect as { getTiming?: () => { iterations?: number } } | null)?.getTiming?.();
        return timing?.iterations !== Infinity;
      });
      await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
      const axe = (globalThis as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<AxeResults> } })
        .axe;
      // 'html' is the whole page; a page's own selector narrows it to, say, an open dialog.
      return axe.run(include ?? 'html', runOptions);
    },
    { include: options.include, runOptions },
  );
  return results.violations.filter((violation) => violation.impact && FAILING.includes(violation.impact));
}

/** One line per violation and one per element it names, readable in a test failure. */
export function describeViolations(violations: Result[]): string {
  return violations
    .map((violation) => {
      const targets = violation.nodes.map(
        // MUI's generated class names say little: the element's opening tag says which it is.
        (node) => `    ${node.target.join(' ')} ${node.html.slice(0, 160)}: ${node.failureSummary ?? ''}`,
      );
      return [
        `${violation.id} (${violation.impact}): ${violation.help} <${violation.helpUrl}>`,
        ...targets,
      ].join('\n');
    })
    .join('\n');
}

/** Throws, naming the screen and every serious or critical violation, unless there are none. */
export async function expectAccessible(
  page: Page,
  screen: string,
  options: AccessibilityOptions = {},
): Promise<void> {
  const violations = await seriousViolations(page, options);
  if (violations.length > 0) {
    throw new Error(
      `axe-core: ${violations.length} serious or critical violation(s) on ${screen}:\n${describeViolations(violations)}`,
    );
  }
}

/** The page's getComputedStyle, for functions that run there (this file is typed without the DOM). */
type Styled = { getComputedStyle(element: unknown): { fontSize: string } };

/**
 * Every element the selector matches whose text is smaller than `px`, by its opening tag, for a test
 * to expect empty. Fails when nothing matches, so a selector gone stale cannot pass. Leave out hidden
 * native inputs (MUI's selects and checkboxes keep one at the browser's 13.3 px; they show no text).
 */
export async function textSmallerThan(page: Page, px: number, selector: string): Promise<string[]> {
  const sizes = await page.locator(selector).evaluateAll((elements) =>
    elements.map((e) => ({
      px: parseFloat((globalThis as unknown as Styled).getComputedStyle(e).fontSize),
      tag: (e as unknown as { outerHTML: string }).outerHTML.slice(0, 120),
    })),
  );
  if (sizes.length === 0) throw new Error(`no element matches ${selector}`);
  return sizes.filter((s) => s.px < px).map((s) => `${s.px}px ${s.tag}`);
}
