import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ConfigError, loadLauncherConfig } from './config';

describe('loadLauncherConfig', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'dim-launcher-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('uses documented defaults', () => {
    const config = loadLauncherConfig({}, root);

    expect(config.dataDir).toBe(path.join(root, 'data'));
    expect(config.runsDir).toBe(path.join(root, 'runs'));
    expect(config.allowDownload).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.apiPort).toBe(4000);
    expect(config.webPort).toBe(3000);
    expect(config.demo).toEqual({ preset: 'paper', epochs: 2, subsetSize: 5000, batchSize: 64, backend: 'auto' });
    expect(config.noWeb).toBe(false);
  });

  it('generates a token once and reuses it', () => {
    const first = loadLauncherConfig({}, root);
    const second = loadLauncherConfig({}, root);
    const tokenFile = path.join(root, 'data', 'admin-token');

    expect(first.adminTokenGenerated).toBe(true);
    expect(first.adminToken.length).toBeGreaterThanOrEqual(16);
    expect(second.adminToken).toBe(first.adminToken);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(first.adminToken);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  });

  it('reads .env without overriding the environment', () => {
    writeFileSync(path.join(root, '.env'), 'API_PORT=4100\nDEMO_EPOCHS=3\nDATA_DIR=/srv/cifar\n');
    const env: NodeJS.ProcessEnv = { API_PORT: '4200' };

    const config = loadLauncherConfig(env, root);

    expect(config.apiPort).toBe(4200);
    expect(config.demo.epochs).toBe(3);
    expect(config.dataDir).toBe('/srv/cifar');
  });

  it.each([
    ['API_PORT', '70000', 'API_PORT must be an integer from 1 to 65535, got "70000"'],
    ['DEMO_EPOCHS', '1.5', 'DEMO_EPOCHS must be an integer from 1 to 1000, got "1.5"'],
    ['DEMO_SUBSET', '1', 'DEMO_SUBSET must be an integer from 2 to 50000, got "1"'],
    ['DEMO_PRESET', 'resnet', 'DEMO_PRESET must be one of paper, reference, got "resnet"'],
    ['BACKEND', 'gpu', 'BACKEND must be one of auto, tensorflow-gpu, tensorflow, wasm, cpu, got "gpu"'],
    ['ALLOW_DOWNLOAD', 'maybe', 'ALLOW_DOWNLOAD must be true or false, got "maybe"'],
    ['ADMIN_TOKEN', 'short', 'ADMIN_TOKEN must have at least 16 characters, got 5'],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() => loadLauncherConfig({ [name]: value }, root)).toThrow(ConfigError);
    expect(() => loadLauncherConfig({ [name]: value }, root)).toThrow(message);
  });
});
