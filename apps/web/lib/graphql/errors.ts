import type { CombinedError } from 'urql';

/** Error codes the API puts in a GraphQL error's extensions.code. */
export type ApiErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'RUN_NOT_READY'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'INTERNAL_SERVER_ERROR';

/** One error message the API returned, with its code when it has one. */
export interface ApiErrorDetail {
  code: string | null;
  message: string;
}

/** The subset of urql's CombinedError these helpers read, so tests can build plain objects. */
export type ApiError = Pick<CombinedError, 'networkError' | 'graphQLErrors'>;

// Next step for the user per error code. The server's message already names the value.
const NEXT_STEP_BY_CODE: Record<string, string> = {
  UNAUTHENTICATED: 'Enter the admin token the API was started with.',
  FORBIDDEN: 'Check the admin token, and that the API accepts mutations from this address.',
  RUN_NOT_READY: 'Pick a completed run, or wait until this run has written its embeddings.',
};

/** Collect the code and message of every GraphQL error, or of the network error. */
export function errorDetails(error: ApiError, apiUrl: string): ApiErrorDetail[] {
  if (error.networkError) {
    return [
      {
        code: 'NETWORK_ERROR',
        message:
          `Could not reach the API at ${apiUrl} (${error.networkError.message}). ` +
          'Check that the API server is running and that NEXT_PUBLIC_API_URL points to it.',
      },
    ];
  }
  return error.graphQLErrors.map((graphQLError) => {
    const code = graphQLError.extensions?.code;
    return { code: typeof code === 'string' ? code : null, message: graphQLError.message };
  });
}

/** Sentences that describe the error and what to do next, one per GraphQL error. */
export function describeApiError(error: ApiError, apiUrl: string): string[] {
  return errorDetails(error, apiUrl).map(({ code, message }) => {
    const nextStep = code ? NEXT_STEP_BY_CODE[code] : undefined;
    return nextStep ? `${message} ${nextStep}` : message;
  });
}

export function hasErrorCode(error: ApiError | undefined, code: ApiErrorCode): boolean {
  return error?.graphQLErrors.some((graphQLError) => graphQLError.extensions?.code === code) ?? false;
}

/** Server errors split into those that name a form field and the rest. */
export interface FieldErrorMapping<Field extends string> {
  fieldErrors: Partial<Record<Field, string>>;
  otherErrors: string[];
}

/**
 * Attach each GraphQL error to the form field it names, so the form shows it next to
 * that input. A field is found, in order, in extensions.field, in class-validator's
 * extensions.validationErrors (type-graphql's ArgumentValidationError), or, for
 * BAD_USER_INPUT and GRAPHQL_VALIDATION_FAILED errors, as the first field name that appears
 * in the message as a whole word ("batchSize must be ...", 'Variable "$input" got invalid
 * value ... at "input.epochs"').
 */
export function mapErrorsToFields<Field extends string>(
  error: ApiError,
  fields: readonly Field[],
  apiUrl: string,
): FieldErrorMapping<Field> {
  const fieldErrors: Partial<Record<Field, string>> = {};
  const otherErrors: string[] = [];

  if (error.networkError) {
    return { fieldErrors, otherErrors: describeApiError(error, apiUrl) };
  }

  for (const graphQLError of error.graphQLErrors) {
    const extensions = (graphQLError.extensions ?? {}) as Record<string, unknown>;
    const fromValidation = validationErrorsByField(extensions.validationErrors, fields);
    if (Object.keys(fromValidation).length > 0) {
      Object.assign(fieldErrors, fromValidation);
      continue;
    }

    const namedField = typeof extensions.field === 'string' ? fields.find((name) => name === extensions.field) : undefined;
    // Only input errors are matched by message, because words such as "backend" also
    // appear in messages about the server itself.
    const isInputError = extensions.code === 'BAD_USER_INPUT' || extensions.code === 'GRAPHQL_VALIDATION_FAILED';
    if (namedField) {
      fieldErrors[namedField] = graphQLError.message;
    } else if (isInputError) {
      assignSentencesToFields(graphQLError.message, fields, fieldErrors, otherErrors);
    } else {
      otherErrors.push(...describeApiError({ networkError: undefined, graphQLErrors: [graphQLError] }, apiUrl));
    }
  }
  return { fieldErrors, otherErrors };
}

/**
 * Split a message into sentences and give each to the field it names. The API reports
 * several invalid values in one message ("Invalid input.batchSize 5000: ... Invalid
 * input.gamma -1: ..."). A sentence that names no field belongs to the field of the
 * sentence before it, or to `otherErrors` when there is none.
 */
function assignSentencesToFields<Field extends string>(
  message: string,
  fields: readonly Field[],
  fieldErrors: Partial<Record<Field, string>>,
  otherErrors: string[],
): void {
  let previousField: Field | undefined;
  for (const sentence of message.split(/(?<=[.!?])\s+(?=[A-Z])/)) {
    const field = firstFieldNamedIn(sentence, fields) ?? previousField;
    if (field) {
      fieldErrors[field] = fieldErrors[field] ? `${fieldErrors[field]} ${sentence}` : sentence;
    } else {
      otherErrors.push(sentence);
    }
    previousField = field;
  }
}

/** Find the field whose name occurs first in the message as a whole word, if any. */
export function firstFieldNamedIn<Field extends string>(message: string, fields: readonly Field[]): Field | undefined {
  let best: { field: Field; index: number } | undefined;
  for (const field of fields) {
    const match = new RegExp(`\\b${field}\\b`).exec(message);
    if (match && (!best || match.index < best.index)) {
      best = { field, index: match.index };
    }
  }
  return best?.field;
}

interface ValidationErrorNode {
  property?: unknown;
  constraints?: Record<string, string>;
  children?: ValidationErrorNode[];
}

// class-validator nests the input object's properties under children of the argument.
function validationErrorsByField<Field extends string>(
  value: unknown,
  fields: readonly Field[],
): Partial<Record<Field, string>> {
  const result: Partial<Record<Field, string>> = {};
  if (!Array.isArray(value)) {
    return result;
  }
  const visit = (node: ValidationErrorNode) => {
    const field = fields.find((name) => name === node.property);
    if (field && node.constraints) {
      result[field] = Object.values(node.constraints).join(' ');
    }
    node.children?.forEach(visit);
  };
  (value as ValidationErrorNode[]).forEach(visit);
  return result;
}
