/**
 * How the browser tests and the browser benches start Debian's Chromium (playwright-core):
 * headless, no sandbox (containers), nothing fetched in the background that could land inside
 * a timing.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

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
