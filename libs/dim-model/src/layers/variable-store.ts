import * as tf from '@tensorflow/tfjs-core';

/**
 * Derives a nonzero 31-bit seed from a base seed and a name with FNV-1a, so every variable and
 * every step's random draw gets its own reproducible stream. Zero is avoided because
 * tf.randomUniform treats seed 0 as "seed randomly".
 */
export function deriveSeed(baseSeed: number, name: string): number {
  let hash = 0x811c9dc5;
  const text = `${baseSeed}/${name}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash & 0x7fffffff) || 1;
}

/**
 * Variables of one model keyed by a stable path such as "encoder/conv1/kernel". The paths name
 * checkpoint entries and gradients; TF.js's own variable names are only unique per process.
 */
export class VariableStore {
  readonly variables = new Map<string, tf.Variable>();

  constructor(
    readonly seed: number,
    private readonly prefix = '',
    shared?: Map<string, tf.Variable>,
  ) {
    if (shared) this.variables = shared;
  }

  /** Returns a store that creates variables under `prefix/name/` in the same map. */
  scope(name: string): VariableStore {
    return new VariableStore(this.seed, `${this.prefix}${name}/`, this.variables);
  }

  /** Seed for the initialiser of the variable `name` in this scope. */
  seedFor(name: string): number {
    return deriveSeed(this.seed, `${this.prefix}${name}`);
  }

  /** Wraps `initialValue` in a variable, taking ownership of the tensor. */
  create<R extends tf.Rank>(name: string, initialValue: tf.Tensor<R>, trainable: boolean): tf.Variable<R> {
    const path = `${this.prefix}${name}`;
    if (this.variables.has(path)) {
      initialValue.dispose();
      throw new Error(`Duplicate variable path "${path}": give each layer a unique name.`);
    }
    const variable = tf.variable(initialValue, trainable);
    initialValue.dispose();
    this.variables.set(path, variable);
    return variable;
  }
}

/** Glorot (Xavier) uniform initialiser, the Keras default for conv and dense kernels. */
export function glorotUniform(shape: number[], fanIn: number, fanOut: number, seed: number): tf.Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}
