/**
 * Finds the largest training batch (one forward/backward pass, so the largest micro-batch) of
 * each preset that fits in the 4 GiB heap of the WASM backend. Each candidate runs in its own
 * process, because a WASM heap that ran out of memory aborts the module for good. Prints JSON.
 *
 *   npx tsx tools/src/bench/wasm-max-batch.ts [--presets=paper,reference] [--start=8] [--limit=1024]
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { machineLoad, parseOptions } from './backends';

interface Probe {
  batch: number;
  fits: boolean;
  wasmHeapBytes?: number;
  error?: string;
}

function runProbe(preset: string, batch: number): Probe {
  const script = path.join(__dirname, 'train-throughput.ts');
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', script, '--backends=wasm', `--presets=${preset}`, `--batch=${batch}`, '--min-seconds=0'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0) {
    const lastLine = child.stderr.trim().split('\n').filter((line) => /memory|OOM|Abort|RangeError/i.test(line)).pop();
    return { batch, fits: false, error: lastLine ?? `exit status ${child.status}` };
  }
  const [result] = JSON.parse(child.stdout).results as Array<{ wasmHeapBytes?: number }>;
  return { batch, fits: true, wasmHeapBytes: result.wasmHeapBytes };
}

/** Doubles the batch until a probe fails, then bisects down to a multiple of `start / 2`. */
function maxBatch(preset: string, start: number, limit: number): { maxBatch: number | null; probes: Probe[] } {
  const probes: Probe[] = [];
  const probe = (batch: number): boolean => {
    const result = runProbe(preset, batch);
    probes.push(result);
    console.error(`[info] ${preset} batch ${batch}: ${result.fits ? `fits, heap ${result.wasmHeapBytes} bytes` : `failed (${result.error})`}`);
    return result.fits;
  };

  let fitting = 0;
  let failing = 0;
  for (let batch = start; batch <= limit; batch *= 2) {
    if (!probe(batch)) {
      failing = batch;
      break;
    }
    fitting = batch;
  }
  const step = Math.max(2, start / 2);
  while (failing > 0 && failing - fitting > step) {
    const middle = Math.round((fitting + failing) / 2 / step) * step;
    if (middle <= fitting || middle >= failing) {
      break;
    }
    if (probe(middle)) {
      fitting = middle;
    } else {
      failing = middle;
    }
  }
  return { maxBatch: fitting > 0 ? fitting : null, probes };
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const presets = (options.get('presets') ?? 'paper,reference').split(',');
  const start = Number(options.get('start') ?? 8);
  const limit = Number(options.get('limit') ?? 1024);
  if (!Number.isInteger(start) || start < 2 || !Number.isInteger(limit) || limit < start) {
    throw new Error(`Invalid --start=${start} or --limit=${limit}; expected integers with 2 <= start <= limit.`);
  }
  const results = presets.map((preset) => ({ preset, ...maxBatch(preset, start, limit) }));
  console.log(JSON.stringify({ benchmark: 'wasm-max-batch', ...machineLoad(), results }, null, 2));
}

main();
