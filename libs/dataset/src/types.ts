/**
 * The in-memory form every data set is converted to. Pixels stay uint8 in HWC order
 * (row-major, channels last, the layout TensorFlow.js expects) and are converted to
 * float32 one batch at a time, because the whole CIFAR-10 is 180 MB as uint8 and four
 * times that as float32.
 */
export interface ImageSet {
  /** Data set name, e.g. "cifar10" or "fashion-mnist". */
  readonly name: string;
  /** "train" or "test". */
  readonly split: Split;
  readonly height: number;
  readonly width: number;
  /** 3 for RGB. Fashion-MNIST is presented as 3 channels too (see fashion-mnist.ts). */
  readonly channels: number;
  /** count * height * width * channels bytes, image i at offset i * imageBytes. */
  readonly pixels: Uint8Array;
  /** One label per image, 0-based class index. */
  readonly labels: Uint8Array;
  /** Class names in label order. */
  readonly classNames: readonly string[];
  readonly count: number;
}

export type Split = 'train' | 'test';
