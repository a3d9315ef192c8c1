/**
 * Headless Debian Chromium for the end-to-end tests, set up once for every test file: the flags that make
 * Cornerstone3D render with SwiftShader WebGL on a machine without a GPU or network, and the viewer's first-run
 * dialogs pre-dismissed. Also: OHIF commands run in the page, and waiting for a viewport's CT volume.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Launches Debian's chromium (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** Marks the investigational-use banner and the tour as seen, in every page of the target. */
export async function dismissFirstRunDialogs(target: Pick<Page, 'addInitScript'>): Promise<void> {
  await target.addInitScript(() => {
    sessionStorage.setItem('investigationalUseDialog', 'hidden');
    localStorage.setItem('shownTours', JSON.stringify(['basicViewerTour']));
  });
}

/** A browser and one page for the viewer; page errors are appended to `pageErrors`. */
export async function openViewerBrowser(size = { width: 1600, height: 1000 }, pageErrors: string[] = []): Promise<{ browser: Browser; page: Page; pageErrors: string[] }> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: size });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await dismissFirstRunDialogs(page);
  return { browser, page, pageErrors };
}

/** Runs an OHIF command in the page (window.commandsManager, set by OHIF's cornerstone extension); awaits promises. */
export async function runCommand<T>(page: Page, name: string, options: Record<string, unknown> = {}): Promise<T> {
  return page.evaluate(
    async ({ n, o }) => {
      const cm = (window as unknown as { commandsManager?: { runCommand(name: string, options: unknown): unknown } }).commandsManager;
      if (!cm) throw new Error('window.commandsManager is not set');
      return (await cm.runCommand(n, o)) as never;
    },
    { n: name, o: options },
  ) as Promise<T>;
}

/** Waits until the viewport's CT volume is fully loaded (host Cornerstone cache). */
export async function waitCtVolumeLoaded(page: Page, viewportId: string, timeoutMs = 90_000): Promise<void> {
  await page.waitForFunction(
    (id) => {
      const cs = (window as unknown as { cornerstone?: { getRenderingEngines(): Array<{ getViewport(v: string): { getAllVolumeIds?(): string[] } | undefined }>; cache: { getVolume(v: string): { loadStatus?: { loaded?: boolean } } | undefined } } }).cornerstone;
      const vp = cs?.getRenderingEngines()[0]?.getViewport(id);
      const volumeId = vp?.getAllVolumeIds?.()[0];
      return volumeId !== undefined && cs?.cache.getVolume(volumeId)?.loadStatus?.loaded === true;
    },
    viewportId,
    { timeout: timeoutMs, polling: 500 },
  );
}
