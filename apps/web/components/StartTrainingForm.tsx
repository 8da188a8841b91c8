'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { API_URL } from '../lib/config';
import { adminHeaders } from '../lib/graphql/client';
import { hasErrorCode, mapErrorsToFields } from '../lib/graphql/errors';
import { START_TRAINING_MUTATION } from '../lib/graphql/runs';
import type { Dataset } from '../lib/graphql/types';
import { useAdminToken } from '../lib/hooks/useAdminToken';
import {
  BACKEND_OPTIONS,
  PRESET_OPTIONS,
  toStartTrainingInput,
  TRAINING_DEFAULTS,
  TRAINING_FIELD_TEXT,
  TRAINING_FIELDS,
  validateTrainingForm,
  type ChoiceOption,
  type TrainingField,
  type TrainingFormErrors,
  type TrainingFormValues,
} from '../lib/training-form';
import { AdminTokenInput } from './AdminTokenInput';
import { FormField } from './FormField';

const FIELD_GROUPS: { legend: string; fields: TrainingField[] }[] = [
  { legend: 'Data and model', fields: ['datasetName', 'preset', 'embeddingDim', 'backend'] },
  { legend: 'Optimisation', fields: ['epochs', 'batchSize', 'learningRate', 'subsetSize', 'seed', 'checkpointEvery'] },
  { legend: 'Loss weights', fields: ['alpha', 'beta', 'gamma'] },
];

const DECIMAL_FIELDS: readonly TrainingField[] = ['learningRate', 'alpha', 'beta', 'gamma'];

const TOKEN_INPUT_ID = 'start-admin-token';

/** Form with every trainer option; it queues a run and opens its page. */
export function StartTrainingForm({ datasets }: { datasets: Dataset[] }) {
  const router = useRouter();
  const [values, setValues] = useState<TrainingFormValues>(() => initialValues(datasets));
  const [errors, setErrors] = useState<TrainingFormErrors>({});
  const [tokenError, setTokenError] = useState<string | undefined>();
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [token, setToken] = useAdminToken();
  const [mutation, startTraining] = useMutation(START_TRAINING_MUTATION);
  const summaryRef = useRef<HTMLDivElement>(null);

  // Counts rejected submissions; each one moves focus to the error summary.
  const [rejections, setRejections] = useState(0);

  const selectedDataset = datasets.find((dataset) => dataset.name === values.datasetName);
  const invalidFields = (Object.entries(errors) as [TrainingField, string | undefined][]).filter(([, message]) => message);
  const invalidCount = invalidFields.length + (tokenError ? 1 : 0);

  // Moving focus to the summary lets keyboard and screen-reader users find the problems.
  // It happens after a rejected submission only, not while the user corrects a field.
  useEffect(() => {
    if (rejections > 0) {
      summaryRef.current?.focus();
    }
  }, [rejections]);

  const setValue = (field: TrainingField, value: string) => {
    setValues((previous) => ({ ...previous, [field]: value }));
    setErrors((previous) => ({ ...previous, [field]: undefined }));
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormErrors([]);
    const validation = validateTrainingForm(values, {
      datasetNames: datasets.map((dataset) => dataset.name),
      trainCount: selectedDataset?.trainCount,
    });
    const missingToken = token.trim() === '' ? 'Enter the admin token to start a run.' : undefined;
    setErrors(validation);
    setTokenError(missingToken);
    if (Object.keys(validation).length > 0 || missingToken) {
      setRejections((count) => count + 1);
      return;
    }

    const response = await startTraining(
      { input: toStartTrainingInput(values) },
      { fetchOptions: { headers: adminHeaders(token) } },
    );
    if (response.error) {
      if (hasErrorCode(response.error, 'UNAUTHENTICATED') || hasErrorCode(response.error, 'FORBIDDEN')) {
        setTokenError(response.error.graphQLErrors.map((graphQLError) => graphQLError.message).join(' '));
      } else {
        const mapped = mapErrorsToFields(response.error, TRAINING_FIELDS, API_URL);
        setErrors(mapped.fieldErrors);
        setFormErrors(mapped.otherErrors);
      }
      setRejections((count) => count + 1);
      return;
    }
    if (response.data) {
      router.push(`/runs/${response.data.startTraining.id}`);
    }
  };

  return (
    <form className="training-form" onSubmit={onSubmit} noValidate aria-describedby="training-form-note">
      <p id="training-form-note" className="hint">
        Defaults are those of the API. The run is queued, and a worker picks it up.
      </p>
      {invalidCount > 0 || formErrors.length > 0 ? (
        <div className="error-message" role="alert" tabIndex={-1} ref={summaryRef}>
          <p className="error-title">
            {formErrors.length > 0
              ? 'The API rejected the run.'
              : `Fix ${invalidCount} ${invalidCount === 1 ? 'field' : 'fields'} before starting the run.`}
          </p>
          <ul>
            {formErrors.map((message) => (
              <li key={message}>{message}</li>
            ))}
            {invalidFields.map(([field, message]) => (
              <li key={field}>
                <a href={`#field-${field}`}>{TRAINING_FIELD_TEXT[field].label}</a>: {message}
              </li>
            ))}
            {tokenError ? (
              <li>
                <a href={`#${TOKEN_INPUT_ID}`}>Admin token</a>: {tokenError}
              </li>
            ) : null}
          </ul>
        </div>
      ) : null}

      {FIELD_GROUPS.map((group) => (
        <fieldset key={group.legend}>
          <legend>{group.legend}</legend>
          <div className="field-grid">
            {group.fields.map((field) => (
              <FormField
                key={field}
                id={`field-${field}`}
                label={TRAINING_FIELD_TEXT[field].label}
                hint={hintFor(field, values, selectedDataset)}
                error={errors[field]}
              >
                {(control) => {
                  const choices = choicesFor(field, datasets);
                  if (choices) {
                    return (
                      <select {...control} name={field} value={values[field]} onChange={(e) => setValue(field, e.target.value)}>
                        {choices.map((option) => (
                          <option key={option.value} value={option.value}>
                            {option.label}
                          </option>
                        ))}
                      </select>
                    );
                  }
                  return (
                    <input
                      {...control}
                      name={field}
                      type="text"
                      inputMode={DECIMAL_FIELDS.includes(field) ? 'decimal' : 'numeric'}
                      autoComplete="off"
                      placeholder={field === 'subsetSize' ? 'whole train split' : undefined}
                      value={values[field]}
                      onChange={(e) => setValue(field, e.target.value)}
                    />
                  );
                }}
              </FormField>
            ))}
          </div>
        </fieldset>
      ))}

      <fieldset>
        <legend>Authorisation</legend>
        <AdminTokenInput
          id={TOKEN_INPUT_ID}
          value={token}
          onChange={(value) => {
            setToken(value);
            setTokenError(undefined);
          }}
          error={tokenError}
        />
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={mutation.fetching}>
          {mutation.fetching ? 'Starting…' : 'Start training'}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            setValues(initialValues(datasets));
            setErrors({});
            setFormErrors([]);
          }}
        >
          Reset to defaults
        </button>
      </div>
    </form>
  );
}

function initialValues(datasets: Dataset[]): TrainingFormValues {
  const hasDefault = datasets.some((dataset) => dataset.name === TRAINING_DEFAULTS.datasetName);
  return {
    ...TRAINING_DEFAULTS,
    datasetName: hasDefault || datasets.length === 0 ? TRAINING_DEFAULTS.datasetName : datasets[0].name,
  };
}

function choicesFor(field: TrainingField, datasets: Dataset[]): readonly ChoiceOption[] | undefined {
  switch (field) {
    case 'datasetName':
      return datasets.map((dataset) => ({
        value: dataset.name,
        label: `${dataset.name} (${dataset.trainCount.toLocaleString('en-US')} train images)`,
      }));
    case 'preset':
      return PRESET_OPTIONS;
    case 'backend':
      return BACKEND_OPTIONS;
    default:
      return undefined;
  }
}

function hintFor(field: TrainingField, values: TrainingFormValues, dataset: Dataset | undefined): string {
  const hint = TRAINING_FIELD_TEXT[field].hint;
  if (field === 'preset') {
    const preset = PRESET_OPTIONS.find((option) => option.value === values.preset);
    return preset ? `${hint} ${preset.description}` : hint;
  }
  if (field === 'subsetSize' && dataset) {
    return `${hint} The train split of ${dataset.name} has ${dataset.trainCount.toLocaleString('en-US')} images.`;
  }
  return hint;
}
