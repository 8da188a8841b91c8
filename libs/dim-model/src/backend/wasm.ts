import * as path from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import { registerWasmMatMulFastPaths } from './wasm-kernels';

/** Capabilities of the initialised WASM backend. */
export interface WasmBackendInfo {
  simd: boolean;
  threads: number;
}

let pathsConfigured = false;

/**
 * Activates the tfjs WASM backend, loading the .wasm binaries from the installed
 * @tensorflow/tfjs-backend-wasm package so that nothing is fetched from the network.
 *
 * tfjs-backend-wasm 4.22 reports no thread support under Node (its WASM_HAS_MULTITHREAD_SUPPORT
 * flag returns false when IS_NODE), so it loads the single-threaded SIMD binary. Forcing the
 * flag on does not help, because the threaded build then starts its pthread workers from a
 * blob: URL, which Node's worker_threads rejects (ERR_WORKER_PATH).
 */
export async function initWasmBackend(): Promise<WasmBackendInfo> {
  if (!pathsConfigured) {
    // The package's "main" is dist/tf-backend-wasm.node.js, next to the .wasm binaries.
    const distDirectory = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(distDirectory + path.sep);
    setThreadsCount(1);
    registerWasmMatMulFastPaths();
    pathsConfigured = true;
  }

  const ready = await tf.setBackend('wasm');
  if (!ready) {
    throw new Error('Failed to initialise the WASM backend; check that the .wasm files exist in @tensorflow/tfjs-backend-wasm/dist.');
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  return { simd, threads: getThreadsCount() };
}
