import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { DatasetNotFoundError, downloadFile, DownloadError, ensureCifar10, readCifar10Archive } from '../src';
import { cifarFolderFiles, makeTempDir, removeDir, tarGz, writeFolder } from './fixtures';

const RECORDS_PER_FILE = 2;

/** Starts an HTTP server on 127.0.0.1 with one route per download outcome. */
function startServer(body: Buffer): Promise<{ server: http.Server; baseUrl: string }> {
  const server = http.createServer((request, response) => {
    switch (request.url) {
      case '/cifar-10-binary.tar.gz':
        response.writeHead(200, { 'content-length': body.byteLength, 'content-type': 'application/gzip' });
        response.end(body);
        return;
      case '/moved':
        response.writeHead(302, { location: '/cifar-10-binary.tar.gz' });
        response.end();
        return;
      case '/broken':
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end('internal error');
        return;
      case '/dropped':
        // Promise the whole body, send half of it, then cut the connection.
        response.writeHead(200, { 'content-length': body.byteLength });
        response.write(body.subarray(0, Math.floor(body.byteLength / 2)), () => response.socket?.destroy());
        return;
      case '/stalled':
        response.writeHead(200, { 'content-length': body.byteLength });
        response.write(body.subarray(0, 100));
        return; // never finishes; the client's idle timeout must fire
      default:
        response.writeHead(404);
        response.end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, baseUrl: `http://127.0.0.1:${port}` });
    });
  });
}

describe('downloadFile', () => {
  let root: string;
  let archive: Buffer;
  let md5: string;
  let server: http.Server;
  let baseUrl: string;

  beforeAll(async () => {
    archive = await tarGz([...cifarFolderFiles(RECORDS_PER_FILE)].map(([name, contents]) => [`cifar-10-batches-bin/${name}`, contents]));
    md5 = createHash('md5').update(archive).digest('hex');
    ({ server, baseUrl } = await startServer(archive));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(async () => {
    root = await makeTempDir();
  });

  afterEach(async () => {
    await removeDir(root);
  });

  it('writes verified file', async () => {
    const destination = path.join(root, 'data', 'cifar-10-binary.tar.gz');
    const progress: number[] = [];
    await downloadFile({ url: `${baseUrl}/cifar-10-binary.tar.gz`, destination, md5, onProgress: (received) => progress.push(received) });
    expect((await readFile(destination)).equals(archive)).toBe(true);
    expect(progress.at(-1)).toBe(archive.byteLength);
    expect(await readdir(path.dirname(destination))).toEqual(['cifar-10-binary.tar.gz']);
  });

  it('follows redirect', async () => {
    const destination = path.join(root, 'cifar-10-binary.tar.gz');
    await downloadFile({ url: `${baseUrl}/moved`, destination, md5 });
    expect((await readFile(destination)).equals(archive)).toBe(true);
  });

  it('rejects wrong MD5 and leaves no file', async () => {
    const destination = path.join(root, 'cifar-10-binary.tar.gz');
    const wrongMd5 = '0'.repeat(32);
    const download = downloadFile({ url: `${baseUrl}/cifar-10-binary.tar.gz`, destination, md5: wrongMd5 });
    await expect(download).rejects.toThrow(DownloadError);
    await expect(downloadFile({ url: `${baseUrl}/cifar-10-binary.tar.gz`, destination, md5: wrongMd5 })).rejects.toThrow(
      `Download of ${baseUrl}/cifar-10-binary.tar.gz has MD5 ${md5}, expected ${wrongMd5}`,
    );
    expect(await readdir(root)).toEqual([]);
  });

  it('reports HTTP status and URL', async () => {
    const destination = path.join(root, 'cifar-10-binary.tar.gz');
    await expect(downloadFile({ url: `${baseUrl}/broken`, destination, md5 })).rejects.toThrow(`Download of ${baseUrl}/broken failed: HTTP 500 Internal Server Error`);
    await expect(downloadFile({ url: `${baseUrl}/missing`, destination })).rejects.toThrow(`Download of ${baseUrl}/missing failed: HTTP 404 Not Found`);
    expect(await readdir(root)).toEqual([]);
  });

  it('leaves no partial file when connection drops', async () => {
    const destination = path.join(root, 'cifar-10-binary.tar.gz');
    await expect(downloadFile({ url: `${baseUrl}/dropped`, destination, md5 })).rejects.toThrow(new RegExp(`Download of ${baseUrl}/dropped failed after \\d+ bytes`));
    expect(await readdir(root)).toEqual([]);
  });

  it('keeps existing file on failure', async () => {
    const destination = path.join(root, 'cifar-10-binary.tar.gz');
    await writeFile(destination, 'previous contents');
    await expect(downloadFile({ url: `${baseUrl}/dropped`, destination, md5 })).rejects.toThrow(DownloadError);
    expect(await readFile(destination, 'utf8')).toBe('previous contents');
    expect(await readdir(root)).toEqual(['cifar-10-binary.tar.gz']);
  });

  it('times out on stalled body', async () => {
    const destination = path.join(root, 'cifar-10-binary.tar.gz');
    await expect(downloadFile({ url: `${baseUrl}/stalled`, destination, md5, idleTimeoutMs: 300 })).rejects.toThrow(/no data for 300 ms/);
    expect(await readdir(root)).toEqual([]);
  });

  it('reports refused connection', async () => {
    // Take a free port and close it again, so nothing listens there.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const url = `http://127.0.0.1:${port}/cifar-10-binary.tar.gz`;
    const destination = path.join(root, 'cifar-10-binary.tar.gz');
    await expect(downloadFile({ url, destination })).rejects.toThrow(`Download of ${url} failed: fetch failed (connect ECONNREFUSED`);
    expect(await readdir(root)).toEqual([]);
  });

  it('rejects malformed MD5', async () => {
    await expect(downloadFile({ url: `${baseUrl}/cifar-10-binary.tar.gz`, destination: path.join(root, 'x'), md5: 'abc' })).rejects.toThrow('Invalid MD5 "abc"');
  });

  describe('ensureCifar10', () => {
    it('finds unpacked folder in data folder', async () => {
      await writeFolder(path.join(root, 'cifar-10-batches-bin'), cifarFolderFiles(RECORDS_PER_FILE));
      expect(await ensureCifar10({ dir: root, download: false })).toEqual({ kind: 'folder', path: path.join(root, 'cifar-10-batches-bin') });
    });

    it('accepts the batches folder itself', async () => {
      await writeFolder(root, cifarFolderFiles(RECORDS_PER_FILE));
      expect(await ensureCifar10({ dir: root, download: false })).toEqual({ kind: 'folder', path: root });
    });

    it('finds archive in data folder', async () => {
      await writeFile(path.join(root, 'cifar-10-binary.tar.gz'), archive);
      expect(await ensureCifar10({ dir: root, download: true, url: `${baseUrl}/broken` })).toEqual({ kind: 'archive', path: path.join(root, 'cifar-10-binary.tar.gz') });
    });

    it('rejects missing data without download', async () => {
      const dir = path.join(root, 'empty');
      await mkdir(dir);
      const ensure = () => ensureCifar10({ dir, download: false });
      await expect(ensure()).rejects.toThrow(DatasetNotFoundError);
      await expect(ensure()).rejects.toThrow(`CIFAR-10 not found in ${dir}: expected cifar-10-batches-bin/ or cifar-10-binary.tar.gz there. Set the data folder`);
    });

    it('downloads when allowed and missing', async () => {
      const dir = path.join(root, 'new');
      const location = await ensureCifar10({ dir, download: true, url: `${baseUrl}/cifar-10-binary.tar.gz`, md5 });
      expect(location).toEqual({ kind: 'archive', path: path.join(dir, 'cifar-10-binary.tar.gz') });
      const set = await readCifar10Archive(location.path, 'test', { recordsPerFile: RECORDS_PER_FILE });
      expect(set.count).toBe(RECORDS_PER_FILE);
    });
  });
});
