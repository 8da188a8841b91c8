import * as path from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** Capabilities of the initialised WASM backend. */
export interface WasmBackendInfo {
  simd: boolean;
  threads: number;
}

let initialised: Promise<WasmBackendInfo> | undefined;

/**
 * Initialises the tfjs WASM backend from the .wasm files in the installed
 * @tensorflow/tfjs-backend-wasm package, so nothing is fetched from the network.
 *
 * tfjs-backend-wasm 4.22 reports no thread support under Node (its WASM_HAS_MULTITHREAD_SUPPORT
 * flag returns false when IS_NODE), so the single-threaded SIMD binary is loaded and XNNPACK
 * runs on one thread whatever `setThreadsCount` requests. The binary and thread count are fixed
 * for the life of the process, so later calls return the first result.
 */
export function initWasmBackend(): Promise<WasmBackendInfo> {
  initialised ??= initialise();
  return initialised;
}

async function initialise(): Promise<WasmBackendInfo> {
  // The package's "main" is dist/tf-backend-wasm.node.js, next to the .wasm binaries.
  const distDirectory = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(distDirectory + path.sep);
  setThreadsCount(1);

  const ready = await tf.setBackend('wasm');
  if (!ready) {
    throw new Error(`Failed to initialise the WASM backend from ${distDirectory}; check that the .wasm files exist there.`);
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const threaded = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
  return { simd, threads: threaded ? Math.max(1, getThreadsCount()) : 1 };
}
