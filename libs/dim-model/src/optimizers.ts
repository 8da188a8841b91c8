/**
 * Adam (Kingma & Ba, 2015) in the form of PyTorch's torch.optim.Adam, which the DIM PyTorch
 * tutorial uses:
 *   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
 *   w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 *
 * TF.js's AdamOptimizer keeps b1^t and b2^t as running float32 products that its setWeights
 * recomputes with pow, so a restored optimizer can drift from an uninterrupted one by rounding.
 * Here the bias corrections are computed in float64 from the step count alone, and the whole
 * state (t, m, v) is public, so a checkpoint restores an identical optimizer.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamOptions {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Number of updates applied (t in the formulas above). */
  iterations = 0;
  /** First-moment estimates m, keyed like `parameters`. */
  readonly firstMoments = new Map<string, tf.Variable>();
  /** Second-moment estimates v, keyed like `parameters`. */
  readonly secondMoments = new Map<string, tf.Variable>();

  constructor(
    readonly parameters: ReadonlyMap<string, tf.Variable>,
    { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 }: AdamOptions,
  ) {
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    // A variable takes its own reference to the initial value's data, so the zeros tensors are
    // still to be disposed. tidy does that and never disposes a variable.
    tf.tidy(() => {
      for (const [name, parameter] of parameters) {
        this.firstMoments.set(name, tf.variable(tf.zerosLike(parameter), false));
        this.secondMoments.set(name, tf.variable(tf.zerosLike(parameter), false));
      }
    });
  }

  /**
   * Applies one update. Every parameter needs a gradient, because a missing one would leave its
   * moments one step behind the others' and silently desynchronise the bias correction.
   */
  applyGradients(gradients: ReadonlyMap<string, tf.Tensor>): void {
    for (const name of this.parameters.keys()) {
      if (!gradients.has(name)) {
        throw new Error(`Missing gradient for parameter "${name}": pass gradients for every optimised parameter.`);
      }
    }

    const t = this.iterations + 1;
    const stepSize = this.learningRate / (1 - this.beta1 ** t);
    const secondMomentCorrection = Math.sqrt(1 - this.beta2 ** t);

    tf.tidy(() => {
      for (const [name, parameter] of this.parameters) {
        const gradient = gradients.get(name) as tf.Tensor;
        const m = this.firstMoments.get(name) as tf.Variable;
        const v = this.secondMoments.get(name) as tf.Variable;

        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2)));

        const denominator = tf.add(tf.div(tf.sqrt(v), secondMomentCorrection), this.epsilon);
        parameter.assign(tf.sub(parameter, tf.mul(tf.div(m, denominator), stepSize)));
      }
    });
    this.iterations = t;
  }

  dispose(): void {
    for (const moment of [...this.firstMoments.values(), ...this.secondMoments.values()]) moment.dispose();
  }
}
