import type { PrismaClient } from '@dim/db';

/** A data set row as resolvers pass it around; train and test counts are resolved lazily. */
export interface DatasetRow {
  id: number;
  name: string;
  classNames: string[];
  height: number;
  width: number;
  channels: number;
}

/**
 * How long a cached data set row is used. Rows never change after registration (registerDataset
 * rejects a different shape or class names for an existing name), so the expiry only matters
 * when the database is reset under a running server and an id comes back with other content.
 */
const ENTRY_LIFETIME_MS = 60_000;

/**
 * Server-wide cache of data set rows by id. Every neighbour list and image page needs its data
 * set's class names, and reading them once per minute instead of once per request saves a
 * database round trip on each of those requests.
 */
export class DatasetCache {
  private readonly entries = new Map<number, { row: Promise<DatasetRow | null>; expiresAt: number }>();

  constructor(private readonly db: PrismaClient) {}

  /** Returns the data set with `id`, or null when there is none (which is not cached). */
  get(id: number): Promise<DatasetRow | null> {
    const cached = this.entries.get(id);
    if (cached && cached.expiresAt > Date.now()) return cached.row;

    const row = this.db.dataset.findUnique({
      where: { id },
      select: { id: true, name: true, classNames: true, height: true, width: true, channels: true },
    });
    this.entries.set(id, { row, expiresAt: Date.now() + ENTRY_LIFETIME_MS });
    // A miss or a failed query is not kept, so the next request reads the table again.
    row.then(
      (found) => {
        if (!found) this.entries.delete(id);
      },
      () => this.entries.delete(id),
    );
    return row;
  }
}
