import { stat } from 'node:fs/promises';
import path from 'node:path';

import { CIFAR10_FOLDER_NAME, isCifar10Folder } from './cifar10';
import { CIFAR10_ARCHIVE_NAME } from './cifar10-archive';
import { downloadFile } from './download';
import { DatasetNotFoundError } from './errors';

/** Official CIFAR-10 binary archive and its MD5, from https://www.cs.toronto.edu/~kriz/cifar.html. */
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';

export interface EnsureCifar10Options {
  /** Data folder: contains cifar-10-batches-bin/ or cifar-10-binary.tar.gz, or is the batches folder itself. */
  readonly dir: string;
  /** Download the archive into `dir` when no copy is found. */
  readonly download: boolean;
  readonly url?: string;
  readonly md5?: string;
  readonly onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

export interface Cifar10Location {
  readonly kind: 'folder' | 'archive';
  readonly path: string;
}

/**
 * Finds a readable copy of CIFAR-10 in `dir`, downloading the official archive there
 * only when none exists and `download` is true. Looks, in order, for: `dir` itself
 * holding the batch files, `dir/cifar-10-batches-bin/`, and `dir/cifar-10-binary.tar.gz`.
 * The archive is read as is; it is never unpacked.
 */
export async function ensureCifar10(options: EnsureCifar10Options): Promise<Cifar10Location> {
  const { dir } = options;
  if (await isCifar10Folder(dir)) return { kind: 'folder', path: dir };

  const folder = path.join(dir, CIFAR10_FOLDER_NAME);
  if (await isCifar10Folder(folder)) return { kind: 'folder', path: folder };

  const archive = path.join(dir, CIFAR10_ARCHIVE_NAME);
  const archiveInfo = await stat(archive).catch(() => undefined);
  if (archiveInfo?.isFile()) return { kind: 'archive', path: archive };

  if (!options.download) {
    throw new DatasetNotFoundError(
      dir,
      `CIFAR-10 not found in ${dir}: expected ${CIFAR10_FOLDER_NAME}/ or ${CIFAR10_ARCHIVE_NAME} there. ` +
        'Set the data folder to where CIFAR-10 is, or allow downloading it (about 170 MB).',
    );
  }
  await downloadFile({
    url: options.url ?? CIFAR10_URL,
    destination: archive,
    md5: options.md5 ?? CIFAR10_MD5,
    onProgress: options.onProgress,
  });
  return { kind: 'archive', path: archive };
}
