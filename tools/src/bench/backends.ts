import { type BackendInfo, type BackendName, selectBackend } from '@dim/dim-model/src/backend';

/** Backends a benchmark tries, in the order it reports them. */
export const BENCH_BACKENDS: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/**
 * Activates `name` for a benchmark, or returns null when this machine cannot run it. Skips are
 * logged by selectBackend, so a missing native package does not stop the benchmark.
 */
export async function tryBackend(name: BackendName): Promise<BackendInfo | null> {
  try {
    return await selectBackend({ backend: name });
  } catch {
    return null;
  }
}

/** Parses `--name=value` options from argv into a map. */
export function parseOptions(argv: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (const argument of argv) {
    const match = /^--([a-z-]+)=(.*)$/.exec(argument);
    if (match == null) {
      throw new Error(`Invalid argument '${argument}'; expected --name=value, e.g. --backends=wasm,cpu.`);
    }
    options.set(match[1], match[2]);
  }
  return options;
}

/** Returns the backends named in `--backends=a,b` or all of them, rejecting unknown names. */
export function requestedBackends(options: Map<string, string>): BackendName[] {
  const value = options.get('backends');
  if (value == null) {
    return [...BENCH_BACKENDS];
  }
  return value.split(',').map((name) => {
    if (!(BENCH_BACKENDS as readonly string[]).includes(name)) {
      throw new Error(`Invalid backend '${name}' in --backends; valid values: ${BENCH_BACKENDS.join(', ')}.`);
    }
    return name as BackendName;
  });
}

/** Returns the 1-minute load average and core count, because timings on a shared machine depend on them. */
export function machineLoad(): { loadAverage1m: number; cores: number } {
  const os = require('node:os') as typeof import('node:os');
  return { loadAverage1m: Number(os.loadavg()[0].toFixed(2)), cores: os.cpus().length };
}

/** Runs `fn` `warmup` times untimed, then `repeats` times, and returns the median in milliseconds. */
export function medianMilliseconds(fn: () => void, repeats: number, warmup = 1): number {
  for (let i = 0; i < warmup; i++) {
    fn();
  }
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
