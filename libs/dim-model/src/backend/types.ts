/** Backend requested by the user; 'auto' tries them in order of expected speed. */
export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** Accepted values of `--backend`, in the order 'auto' tries the concrete ones. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export type BackendName = Exclude<BackendChoice, 'auto'>;

/** Backend that `selectBackend` activated. */
export interface BackendInfo {
  name: BackendName;
  /** Name of the backend inside tfjs (`tf.getBackend()`). */
  tfBackendName: string;
  /** Whether the WASM binary uses SIMD instructions; WASM only. */
  simd?: boolean;
  /** Number of threads the WASM backend computes with; WASM only. */
  threads?: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFn = (level: LogLevel, message: string) => void;

/** Writes `[level] message` to stderr, so stdout stays free for JSON results. */
export const consoleLog: LogFn = (level, message) => {
  console.error(`[${level}] ${message}`);
};

/** Parses a `--backend` value, raising an error that lists the valid values. */
export function parseBackendChoice(value: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) {
    return value as BackendChoice;
  }
  throw new Error(`Invalid --backend value '${value}'. Valid values: ${BACKEND_CHOICES.join(', ')}.`);
}
