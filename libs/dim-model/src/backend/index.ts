export { selectBackend, type SelectBackendOptions } from './select';
export { BACKEND_CHOICES, type BackendChoice, type BackendInfo, type BackendName, type LogFn, type LogLevel, parseBackendChoice } from './types';
