import * as tf from '@tensorflow/tfjs-core';

/** Native TensorFlow backends and the optional npm package that provides each. */
export const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

export type NativeBackendName = keyof typeof NATIVE_PACKAGES;

/** Name under which both native packages register their backend with tfjs. */
export const NATIVE_TF_BACKEND = 'tensorflow';

/** Loads a module by name; `require` in production, a fake in tests. */
export type RequireModule = (moduleName: string) => unknown;

/** Outcome of one attempt to activate a backend: success, or the reason it was skipped. */
export type Attempt = { ok: true } | { ok: false; reason: string };

/**
 * Loads the native package for `name` and activates its 'tensorflow' backend.
 *
 * The packages are optional dependencies whose install downloads libtensorflow, so they are
 * often absent. They are loaded by a require inside try/catch, which turns a missing or broken
 * package into a skip reason instead of a crash at import time.
 */
export async function activateNativeBackend(name: NativeBackendName, requireModule: RequireModule): Promise<Attempt> {
  const packageName = NATIVE_PACKAGES[name];
  try {
    requireModule(packageName);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND') {
      return { ok: false, reason: `${packageName} is not installed` };
    }
    return { ok: false, reason: `${packageName} failed to load: ${(error as Error).message}` };
  }

  if (tf.findBackendFactory(NATIVE_TF_BACKEND) == null) {
    // A package that bundles its own copy of tfjs-core registers the backend there, not here.
    return {
      ok: false,
      reason: `${packageName} loaded but registered no '${NATIVE_TF_BACKEND}' backend with @tensorflow/tfjs-core ${tf.version_core}; install matching versions`,
    };
  }

  let ready = false;
  let failure = 'setBackend returned false';
  try {
    ready = await tf.setBackend(NATIVE_TF_BACKEND);
  } catch (error) {
    failure = (error as Error).message;
  }
  if (!ready) {
    // Both packages register under the same name, and tfjs ignores a second registration,
    // so the failed one must go before the other package is tried.
    tf.removeBackend(NATIVE_TF_BACKEND);
    return { ok: false, reason: `${packageName} loaded but its backend failed to initialise: ${failure}` };
  }
  return { ok: true };
}
