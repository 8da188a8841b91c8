'use client';

import type { Dataset } from '../lib/graphql/types';
import type { ExplorerState } from '../lib/search-params';

interface ImageFiltersProps {
  datasets: Dataset[];
  state: ExplorerState;
  /** Called with the new filters; the page number goes back to 1. */
  onChange: (state: ExplorerState) => void;
}

/** Data set, split and label selects of the image explorer. */
export function ImageFilters({ datasets, state, onChange }: ImageFiltersProps) {
  // Labels are per data set, so the label filter needs one: the chosen one, or the only one.
  const labelDataset =
    datasets.find((dataset) => dataset.id === state.datasetId) ?? (datasets.length === 1 ? datasets[0] : undefined);

  const update = (changes: Partial<ExplorerState>) => onChange({ ...state, ...changes, page: 1 });

  return (
    <form className="filters" aria-label="Filter images" onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor="filter-dataset">Data set</label>
        <select
          id="filter-dataset"
          value={state.datasetId ?? ''}
          onChange={(event) =>
            update({ datasetId: event.target.value === '' ? null : Number(event.target.value), label: null })
          }
        >
          <option value="">All data sets</option>
          {datasets.map((dataset) => (
            <option key={dataset.id} value={dataset.id}>
              {dataset.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-split">Split</label>
        <select
          id="filter-split"
          value={state.split ?? ''}
          onChange={(event) => update({ split: event.target.value === '' ? null : (event.target.value as ExplorerState['split']) })}
        >
          <option value="">Train and test</option>
          <option value="TRAIN">Train</option>
          <option value="TEST">Test</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-label">Label</label>
        <select
          id="filter-label"
          value={state.label ?? ''}
          disabled={!labelDataset}
          aria-describedby={labelDataset ? undefined : 'filter-label-hint'}
          onChange={(event) => update({ label: event.target.value === '' ? null : Number(event.target.value) })}
        >
          <option value="">All labels</option>
          {labelDataset?.classNames.map((name, index) => (
            <option key={name} value={index}>
              {name}
            </option>
          ))}
        </select>
        {labelDataset ? null : (
          <p id="filter-label-hint" className="field-hint">
            Choose a data set to filter by label.
          </p>
        )}
      </div>
    </form>
  );
}
