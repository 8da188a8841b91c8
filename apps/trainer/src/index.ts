/**
 * @dim/trainer as a library, for code that trains or searches without the command
 * line (for example a job worker).
 */
export * from './training/types';
export * from './training/loop';
export * from './training/run-folder';
export * from './training/run-config';
export * from './training/dim-step';
export * from './training/checkpoint-io';
export * from './retrieval/rank-by-distance';
export * from './retrieval/embed-image-set';
export * from './retrieval/embedding-cache';
export * from './figure/neighbour-figure';
