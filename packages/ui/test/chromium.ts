/**
 * Finding Chromium for the browser tests: Debian's `chromium` (CI installs it). Outside CI a
 * missing browser skips the suite with a printed reason; under CI=true it is a failure.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumAvailable(): { ok: boolean; reason: string } {
  if (existsSync(CHROMIUM)) return { ok: true, reason: '' };
  const reason = `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  console.warn(`skipping browser tests: ${reason}`);
  return { ok: false, reason };
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
