/**
 * Codes the API puts in `errors[].extensions.code`. Clients branch on these, so they are a
 * stable contract. Apollo Server adds its own codes for requests that fail before execution
 * (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_REQUEST), and those pass through.
 */
export enum ApiErrorCode {
  /** An argument is out of range or malformed; the message names the argument and value. */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** The image, run or data set the request names does not exist. */
  NOT_FOUND = 'NOT_FOUND',
  /** The run exists but has no embeddings to search yet (queued, training or failed). */
  RUN_NOT_READY = 'RUN_NOT_READY',
  /** The run's stored embeddings do not have the size the run declares. */
  DIMENSION_MISMATCH = 'DIMENSION_MISMATCH',
  /** A method other than GET or HEAD on an image URL, sent with HTTP status 405. */
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  /** The run's status does not allow the requested change, e.g. cancelling a finished run. */
  CONFLICT = 'CONFLICT',
  /** A mutation came without the admin token or with a wrong one. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** Mutations are disabled because the server was started without an admin token. */
  FORBIDDEN = 'FORBIDDEN',
  /** The operation nests fields deeper than the server's maximum depth. */
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  /** The operation's estimated cost is above the server's maximum. */
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  /** Anything unexpected. The message is masked and the server log has the details. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}
