import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

import './gradients';
import { activateNativeBackend, type Attempt, NATIVE_TF_BACKEND, type RequireModule } from './native';
import { BACKEND_CHOICES, type BackendChoice, type BackendInfo, type BackendName, consoleLog, type LogFn, parseBackendChoice } from './types';
import { initWasmBackend } from './wasm';

export interface SelectBackendOptions {
  /** Backend to use; 'auto' (the default) tries tensorflow-gpu, tensorflow, wasm, then cpu. */
  backend?: BackendChoice;
  /** Receives one line per skipped backend and one for the backend that runs; defaults to stderr. */
  log?: LogFn;
  /** Loader for the native packages; tests replace it to simulate installed or missing packages. */
  requireModule?: RequireModule;
}

/** Concrete backends in the order 'auto' tries them, fastest first. */
const AUTO_ORDER: readonly BackendName[] = BACKEND_CHOICES.filter((choice): choice is BackendName => choice !== 'auto');

/**
 * Activates a tfjs backend and returns which one runs.
 *
 * With 'auto', each backend that cannot start is skipped and its reason logged. An explicit
 * choice has no fallback: if that backend cannot start, the error gives the reason.
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendInfo> {
  const choice = parseBackendChoice(options.backend ?? 'auto');
  const log = options.log ?? consoleLog;
  const requireModule = options.requireModule ?? require;
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];

  const skipped: string[] = [];
  for (const name of candidates) {
    const attempt = await activate(name, requireModule);
    if (!attempt.ok) {
      skipped.push(`${name} (${attempt.reason})`);
      log(choice === 'auto' ? 'info' : 'error', `Skipped backend ${name}: ${attempt.reason}.`);
      continue;
    }

    const info = await describe(name);
    let details = '';
    if (info.name === 'wasm') {
      details = `, SIMD ${info.simd ? 'on' : 'off'}, ${info.threads} thread(s)`;
    }
    let reason = ' (requested with --backend)';
    if (choice === 'auto') {
      reason = skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : '';
    }
    log('info', `Using backend ${name} (tfjs backend '${info.tfBackendName}'${details})${reason}.`);
    return info;
  }

  throw new Error(
    choice === 'auto'
      ? `No tfjs backend could be initialised: ${skipped.join('; ')}.`
      : `Backend '${choice}' requested with --backend could not be initialised: ${skipped.join('; ')}. Use --backend auto to fall back to another backend.`,
  );
}

async function activate(name: BackendName, requireModule: RequireModule): Promise<Attempt> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return activateNativeBackend(name, requireModule);
    case 'wasm':
      try {
        await initWasmBackend();
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: `WASM initialisation failed: ${(error as Error).message ?? String(error)}` };
      }
    case 'cpu':
      return (await tf.setBackend('cpu')) ? { ok: true } : { ok: false, reason: 'the pure JavaScript backend failed to initialise' };
  }
}

async function describe(name: BackendName): Promise<BackendInfo> {
  if (name === 'wasm') {
    const { simd, threads } = await initWasmBackend();
    return { name, tfBackendName: tf.getBackend(), simd, threads };
  }
  if (name === 'tensorflow' || name === 'tensorflow-gpu') {
    return { name, tfBackendName: NATIVE_TF_BACKEND };
  }
  return { name, tfBackendName: tf.getBackend() };
}
