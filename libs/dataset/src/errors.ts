/**
 * Errors raised while locating, downloading or parsing a data set. Every message names
 * the file (or URL), what was expected, what was found and how to fix it, because the
 * person reading it usually has only the terminal output of a long training run.
 */

/** A data file exists but its contents do not match the expected format or size. */
export class DatasetFormatError extends Error {
  override readonly name = 'DatasetFormatError';

  constructor(
    /** Path of the file (or archive entry) that failed to parse. */
    readonly file: string,
    readonly expected: string,
    readonly found: string,
    readonly fix: string,
  ) {
    super(`Invalid data file ${file}: expected ${expected}, found ${found}. ${fix}`);
  }
}

/** A data set file or folder is missing and downloading it was not allowed. */
export class DatasetNotFoundError extends Error {
  override readonly name = 'DatasetNotFoundError';

  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** A download failed: HTTP error, dropped connection, timeout or checksum mismatch. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';

  constructor(
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
