import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export const DESKTOP = { width: 1440, height: 900 };
export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** A page plus the uncaught errors and console errors it produced. */
export interface WatchedPage {
  page: Page;
  errors: string[];
}

/** Open a page that records uncaught exceptions and console errors, e.g. blocked CORS requests. */
export async function openPage(context: BrowserContext, viewport = DESKTOP): Promise<WatchedPage> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      errors.push(`console error: ${message.text()}`);
    }
  });
  return { page, errors };
}

/** A tile of a neighbour row as the page shows it. */
export interface ShownImage {
  id: number;
  label: string;
  /** Distance text, e.g. "1.234"; null for the query tile. */
  distance: string | null;
}

/** Read the tiles of the row under the heading with id `headingId`, query tile first. */
export async function readNeighbourRow(page: Page, headingId: string): Promise<ShownImage[]> {
  const tiles = page.locator(`section[aria-labelledby="${headingId}"] figure`);
  const count = await tiles.count();
  const shown: ShownImage[] = [];
  for (let index = 0; index < count; index++) {
    const tile = tiles.nth(index);
    const meta = (await tile.locator('.image-meta').textContent()) ?? '';
    const detail = (await tile.locator('.image-detail').textContent()) ?? '';
    const id = /#(\d+)/.exec(meta);
    if (!id) {
      throw new Error(`Tile ${index} under #${headingId} has no image id in "${meta}".`);
    }
    shown.push({
      id: Number(id[1]),
      label: ((await tile.locator('.image-label').textContent()) ?? '').trim(),
      distance: /^d = (.+)$/.exec(detail.trim())?.[1] ?? null,
    });
  }
  return shown;
}

/**
 * Save a full-page screenshot at desktop and phone width as NAME-desktop.png and
 * NAME-phone.png in WEB_SCREENSHOT_DIR; does nothing when it is unset. The viewport is
 * restored afterwards.
 */
export async function saveScreenshots(page: Page, name: string, settle?: () => Promise<void>): Promise<void> {
  const directory = process.env.WEB_SCREENSHOT_DIR;
  if (!directory) {
    return;
  }
  await mkdir(directory, { recursive: true });
  const original = page.viewportSize() ?? DESKTOP;
  for (const [suffix, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await settle?.();
    // Lazy images below the fold load only once scrolled to, so wait for every image.
    await page.evaluate(async () => {
      const images = Array.from(document.images);
      images.forEach((image) => {
        image.loading = 'eager';
      });
      await Promise.all(
        images.map((image) =>
          image.complete
            ? null
            : new Promise((resolve) => {
                image.addEventListener('load', resolve, { once: true });
                image.addEventListener('error', resolve, { once: true });
              }),
        ),
      );
    });
    await page.screenshot({ path: path.join(directory, `${name}-${suffix}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}
