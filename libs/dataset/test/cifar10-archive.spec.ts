import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { CIFAR10_CLASS_NAMES, DatasetFormatError, DatasetNotFoundError, readCifar10Archive, readCifar10Folder } from '../src';
import { cifarFolderFiles, makeTempDir, removeDir, syntheticImage, tarGz, writeFolder } from './fixtures';

const RECORDS_PER_FILE = 3;
const options = { recordsPerFile: RECORDS_PER_FILE };

describe('readCifar10Archive', () => {
  let root: string;
  let files: Map<string, Buffer>;

  beforeEach(async () => {
    root = await makeTempDir();
    files = cifarFolderFiles(RECORDS_PER_FILE);
  });

  afterEach(async () => {
    await removeDir(root);
  });

  async function writeArchive(entries: ReadonlyArray<readonly [string, Buffer]>): Promise<string> {
    const archive = path.join(root, 'cifar-10-binary.tar.gz');
    await writeFile(archive, await tarGz(entries));
    return archive;
  }

  const officialEntries = (): Array<[string, Buffer]> => [...files].map(([name, contents]) => [`cifar-10-batches-bin/${name}`, contents]);

  it('matches the unpacked folder', async () => {
    const archive = await writeArchive(officialEntries());
    const folder = path.join(root, 'cifar-10-batches-bin');
    await writeFolder(folder, files);
    for (const split of ['train', 'test'] as const) {
      const fromArchive = await readCifar10Archive(archive, split, options);
      const fromFolder = await readCifar10Folder(folder, split, options);
      expect(fromArchive.count).toBe(fromFolder.count);
      expect(fromArchive.classNames).toEqual(CIFAR10_CLASS_NAMES);
      expect(Buffer.from(fromArchive.pixels).equals(Buffer.from(fromFolder.pixels))).toBe(true);
      expect(Array.from(fromArchive.labels)).toEqual(Array.from(fromFolder.labels));
    }
  });

  it('places entries stored out of order', async () => {
    const archive = await writeArchive(officialEntries().reverse());
    const set = await readCifar10Archive(archive, 'train', options);
    for (let i = 0; i < set.count; i++) expect(set.labels[i]).toBe(syntheticImage(i).label);
  });

  it('rejects missing archive', async () => {
    const missing = path.join(root, 'absent.tar.gz');
    await expect(readCifar10Archive(missing, 'train')).rejects.toThrow(DatasetNotFoundError);
    await expect(readCifar10Archive(missing, 'train')).rejects.toThrow(`CIFAR-10 archive ${missing} not found`);
  });

  it('rejects file that is not gzip', async () => {
    const archive = path.join(root, 'cifar-10-binary.tar.gz');
    await writeFile(archive, 'this is not a gzip stream');
    await expect(readCifar10Archive(archive, 'test', options)).rejects.toThrow(DatasetFormatError);
    await expect(readCifar10Archive(archive, 'test', options)).rejects.toThrow(`Invalid data file ${archive}: expected a gzip-compressed tar archive, found a gzip error`);
  });

  it('rejects truncated archive', async () => {
    const archive = path.join(root, 'cifar-10-binary.tar.gz');
    const full = await tarGz(officialEntries());
    await writeFile(archive, full.subarray(0, Math.floor(full.byteLength / 2)));
    await expect(readCifar10Archive(archive, 'train', options)).rejects.toThrow(new RegExp(`Invalid data file ${escape(archive)}: expected a gzip-compressed tar archive, found a gzip error \\(unexpected end of file\\)`));
  });

  it('rejects gzip that holds no tar', async () => {
    const archive = path.join(root, 'cifar-10-binary.tar.gz');
    await writeFile(archive, gzipSync(Buffer.alloc(2048, 'x')));
    await expect(readCifar10Archive(archive, 'test', options)).rejects.toThrow(`Invalid data file ${archive}: expected a valid tar archive inside the gzip stream, found a tar error`);
  });

  it('names the missing entries', async () => {
    const archive = await writeArchive(officialEntries().filter(([name]) => !name.endsWith('data_batch_4.bin') && !name.endsWith('batches.meta.txt')));
    await expect(readCifar10Archive(archive, 'train', options)).rejects.toThrow(`found no entry for data_batch_4.bin, batches.meta.txt`);
  });

  it('rejects wrong-sized entry', async () => {
    const entries = officialEntries().map(([name, contents]): [string, Buffer] => [name, name.endsWith('test_batch.bin') ? contents.subarray(1) : contents]);
    const archive = await writeArchive(entries);
    await expect(readCifar10Archive(archive, 'test', options)).rejects.toThrow(
      `Invalid data file ${archive}:cifar-10-batches-bin/test_batch.bin: expected 9,219 bytes (3 records of 3073 bytes), found 9,218 bytes (2 whole records and 3072 trailing bytes)`,
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
