/**
 * Entry point of one replica worker thread. It owns a TF.js backend and a full model replica,
 * computes the gradients of its slice of each batch, and applies the averaged update that the
 * trainer sends back, so every replica takes the same steps.
 */
import { parentPort, workerData } from 'node:worker_threads';

import * as tf from '@tensorflow/tfjs-core';

import { selectBackend } from '../backend';
import { deserializeModel, loadCheckpoint, saveCheckpoint, serializeModel } from '../checkpoint';
import { embed } from '../embed';
import { createDimModel, disposeModel, type DimModel } from '../model';
import { computeStepGradients, disposeStepGradients } from '../training-step';
import type { ReplicaReply, ReplicaRequest, ReplicaWorkerData } from './protocol';
import { applyStepRegion, layoutSignature, stepLayout, writeStepRegion, type StepLayout } from './state-layout';

const port = parentPort;
if (port === null) throw new Error('replica-worker.ts must run in a worker thread started by createParallelTrainer.');
const data = workerData as ReplicaWorkerData;

let model: DimModel;
let layout: StepLayout;
let computedSteps = 0;

function reply(message: ReplicaReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function injectFault(): void {
  const fault = data.faultInjection;
  if (fault === undefined || fault.workerIndex !== data.workerIndex || fault.atStep !== computedSteps) return;
  if (fault.kind === 'exit') process.exit(3);
  throw new Error(`Injected failure in worker ${data.workerIndex} at step ${computedSteps}.`);
}

async function handle(request: ReplicaRequest): Promise<unknown> {
  switch (request.type) {
    case 'compute': {
      injectFault();
      computedSteps += 1;
      const [height, width, channels] = model.config.inputShape;
      const images = tf.tensor4d(request.images, [request.sliceSize, height, width, channels]);
      try {
        const gradients = computeStepGradients(model, images, {
          microBatchSize: request.microBatchSize,
          firstMicroBatchIndex: request.firstMicroBatchIndex,
        });
        try {
          const region = new Float32Array(request.regions, data.workerIndex * layout.length * 4, layout.length);
          writeStepRegion(model, layout, gradients, region);
        } finally {
          disposeStepGradients(gradients);
        }
      } finally {
        images.dispose();
      }
      return undefined;
    }
    case 'apply':
      applyStepRegion(model, layout, new Float32Array(request.averaged, 0, layout.length));
      return undefined;
    case 'save':
      await saveCheckpoint(model, request.dir, request.progress);
      return undefined;
    case 'load': {
      const loaded = await loadCheckpoint(request.dir);
      const signature = layoutSignature(stepLayout(loaded.model));
      if (signature !== layoutSignature(layout)) {
        disposeModel(loaded.model);
        throw new Error(
          `Checkpoint ${request.dir} contains a model of another architecture (preset ${loaded.model.config.preset}, embedding ${loaded.model.config.embeddingDim}) ` +
            'than this parallel trainer: create a new trainer from the checkpoint instead.',
        );
      }
      disposeModel(model);
      model = loaded.model;
      return { epoch: loaded.epoch, step: loaded.step };
    }
    case 'state':
      return serializeModel(model, { epoch: 0, step: 0 });
    case 'embed': {
      const [height, width, channels] = model.config.inputShape;
      const images = tf.tensor4d(request.images, [request.count, height, width, channels]);
      try {
        const embedding = embed(model, images, request.batchSize);
        try {
          return (embedding.dataSync() as Float32Array).slice();
        } finally {
          embedding.dispose();
        }
      } finally {
        images.dispose();
      }
    }
  }
}

async function start(): Promise<void> {
  // Only the trainer logs the backend, once for all replicas.
  const backend = await selectBackend({ backend: data.backend, log: () => undefined });
  model = data.state === undefined ? createDimModel(data.config) : deserializeModel(data.state.manifest, data.state.weights);
  layout = stepLayout(model);
  reply({ type: 'ready', backend, layoutSignature: layoutSignature(layout), layoutLength: layout.length, config: model.config });

  // Requests run one at a time in arrival order; the trainer relies on that order.
  let queue = Promise.resolve();
  port!.on('message', (request: ReplicaRequest) => {
    queue = queue.then(async () => {
      try {
        const result = await handle(request);
        const transfer = transferablesOf(result);
        reply({ type: 'done', id: request.id, result }, transfer);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        reply({ type: 'failed', id: request.id, message: failure.message, stack: failure.stack });
      }
    });
  });
}

function transferablesOf(result: unknown): ArrayBuffer[] {
  if (result instanceof Float32Array && result.buffer instanceof ArrayBuffer) return [result.buffer];
  if (result !== null && typeof result === 'object' && 'weights' in result && result.weights instanceof Uint8Array) {
    const buffer = result.weights.buffer;
    if (buffer instanceof ArrayBuffer) return [buffer];
  }
  return [];
}

start().catch((error: unknown) => {
  const failure = error instanceof Error ? error : new Error(String(error));
  reply({ type: 'failed', id: null, message: failure.message, stack: failure.stack });
});
