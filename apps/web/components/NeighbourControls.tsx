'use client';

import { useState, type FormEvent } from 'react';
import type { RunSummary } from '../lib/graphql/runs';
import { formatCount } from '../lib/format';
import { MAX_K, type NeighboursState } from '../lib/search-params';

interface NeighbourControlsProps {
  state: NeighboursState;
  /** Completed runs with embeddings, newest first. */
  runs: RunSummary[];
  onSubmit: (state: NeighboursState) => void;
  onRandom: (state: Omit<NeighboursState, 'imageId'>) => void;
  randomPending: boolean;
}

/** Query image id, k and run of the neighbours view, plus a random-image button. */
export function NeighbourControls({ state, runs, onSubmit, onRandom, randomPending }: NeighbourControlsProps) {
  const [imageId, setImageId] = useState(state.imageId == null ? '' : String(state.imageId));
  const [k, setK] = useState(String(state.k));
  const [runId, setRunId] = useState(state.runId == null ? '' : String(state.runId));
  const [errors, setErrors] = useState<{ imageId?: string; k?: string }>({});

  const parseK = (): number | undefined => {
    const value = Number(k);
    return Number.isInteger(value) && value >= 1 && value <= MAX_K ? value : undefined;
  };
  const kError = `Enter a whole number from 1 to ${MAX_K}.`;
  const selectedRun = runId === '' ? null : Number(runId);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const id = Number(imageId);
    const nextErrors = {
      imageId: imageId.trim() === '' || !Number.isInteger(id) || id < 1 ? 'Enter an image id, a whole number >= 1.' : undefined,
      k: parseK() === undefined ? kError : undefined,
    };
    setErrors(nextErrors);
    if (!nextErrors.imageId && !nextErrors.k) {
      onSubmit({ imageId: id, k: parseK()!, runId: selectedRun });
    }
  };

  const random = () => {
    const parsedK = parseK();
    setErrors({ k: parsedK === undefined ? kError : undefined });
    if (parsedK !== undefined) {
      onRandom({ k: parsedK, runId: selectedRun });
    }
  };

  return (
    <form className="neighbour-controls" onSubmit={submit} noValidate aria-label="Neighbour query">
      <div className={`field${errors.imageId ? ' field-invalid' : ''}`}>
        <label htmlFor="neighbours-image-id">Image id</label>
        <input
          id="neighbours-image-id"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          value={imageId}
          onChange={(event) => setImageId(event.target.value)}
          aria-invalid={errors.imageId ? true : undefined}
          aria-describedby={errors.imageId ? 'neighbours-image-id-error' : undefined}
        />
        {errors.imageId ? (
          <p id="neighbours-image-id-error" className="field-error">
            {errors.imageId}
          </p>
        ) : null}
      </div>
      <div className={`field field-narrow${errors.k ? ' field-invalid' : ''}`}>
        <label htmlFor="neighbours-k">k</label>
        <input
          id="neighbours-k"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          value={k}
          onChange={(event) => setK(event.target.value)}
          aria-invalid={errors.k ? true : undefined}
          aria-describedby={errors.k ? 'neighbours-k-error neighbours-k-hint' : 'neighbours-k-hint'}
        />
        {errors.k ? (
          <p id="neighbours-k-error" className="field-error">
            {errors.k}
          </p>
        ) : null}
        <p id="neighbours-k-hint" className="field-hint">
          Nearest and farthest images to show, 1 to {MAX_K}.
        </p>
      </div>
      <div className="field field-wide">
        <label htmlFor="neighbours-run">Run</label>
        <select id="neighbours-run" value={runId} onChange={(event) => setRunId(event.target.value)}>
          <option value="">Latest completed run</option>
          {runs.map((run) => (
            <option key={run.id} value={run.id}>
              Run {run.id}: {run.config.preset}, {run.dataset.name}, {run.embeddingDim}-d, {formatCount(run.embeddingCount)}{' '}
              embeddings
            </option>
          ))}
          {selectedRun != null && !runs.some((run) => run.id === selectedRun) ? (
            <option value={selectedRun}>Run {selectedRun}</option>
          ) : null}
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary">
          Show neighbours
        </button>
        <button type="button" className="button" onClick={random} disabled={randomPending}>
          {randomPending ? 'Picking…' : 'Random image'}
        </button>
      </div>
    </form>
  );
}
