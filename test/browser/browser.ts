/**
 * A real browser for the report tests: the system's Chromium (Debian's
 * package), driven by playwright-core, which downloads no browser of its own.
 * With no browser found the tests fail with what to install: a silently skipped
 * browser test would hide a report that no longer renders.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** CHROMIUM_PATH when set (and then only it: a wrong one should not pass on another browser), else the usual places. */
const CANDIDATES = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`no Chromium found (looked for ${CANDIDATES.join(', ')}): install it with 'apt-get install -y chromium', or set CHROMIUM_PATH to a Chromium or Chrome binary`);
  }
  return found;
}

/**
 * Headless, with everything that would reach the network on its own turned
 * off, in a fresh profile (playwright takes it as userDataDir, not as the
 * --user-data-dir flag), which close() removes.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'basisfit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      // Chromium's last writes to the profile can land just after close: retry rather than fail the run.
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}
