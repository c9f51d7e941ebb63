/** Real Chromium for browser tests (Debian's chromium, driven by playwright-core). */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

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

/** The text of the tutorial page's terminal (the drydock-playground element). */
export function playgroundTerminalText(page: Page): Promise<string> {
  return page.evaluate(() => document.querySelector('drydock-playground')?.terminal?.text() ?? '');
}

/**
 * Types a command line on the keyboard into the tutorial page's terminal,
 * presses Enter and waits for the next prompt; returns the terminal's text
 * (or throws with the terminal's last lines).
 */
export async function typePlaygroundCommand(page: Page, line: string): Promise<string> {
  const before = (await playgroundTerminalText(page)).split('\n').length;
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  try {
    await page.waitForFunction(
      (count) => {
        const lines = (document.querySelector('drydock-playground')?.terminal?.text() ?? '').split('\n');
        return lines.length > count && lines[lines.length - 1] === '$';
      },
      before,
      { timeout: 60_000 },
    );
  } catch (error) {
    throw new Error(`"${line}" did not finish: ${(error as Error).message}\n--- terminal:\n${(await playgroundTerminalText(page)).split('\n').slice(-30).join('\n')}`);
  }
  return playgroundTerminalText(page);
}
