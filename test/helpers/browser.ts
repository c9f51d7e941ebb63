/** Real Chromium for browser tests (Debian's chromium, driven by playwright-core). */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why browser tests must skip here (Chromium missing outside CI), or false. With CI=true they never skip. */
export const browserSkip: string | false = !existsSync(CHROMIUM) && !process.env.CI ? `${CHROMIUM} is not installed` : false;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
