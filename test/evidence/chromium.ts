/** Headless Chromium (the Debian package, /usr/bin/chromium; scripts/setup.sh installs it), no driver, no network. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = () => existsSync(CHROMIUM);

function run(args: string[], file: string): Promise<string> {
  const profile = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    `--user-data-dir=${profile}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      CHROMIUM,
      [...flags, ...args, pathToFileURL(file).href],
      { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        rmSync(profile, { recursive: true, force: true });
        if (err) reject(new Error(`chromium failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** The DOM after Chromium parsed and laid out the page. */
export const dumpDom = (file: string) => run(['--dump-dom'], file);
export const screenshot = (file: string, png: string, size = '1200,2400') =>
  run([`--screenshot=${png}`, `--window-size=${size}`, '--hide-scrollbars'], file);
export const printToPdf = (file: string, pdf: string) => run([`--print-to-pdf=${pdf}`, '--no-pdf-header-footer'], file);
