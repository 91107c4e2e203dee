/**
 * Lambda entry point of the InferenceApi construct (bundled by scripts/bundle-runtime.mjs into
 * assets/runtime/handlers/invoke-endpoint/index.js). The settings come from the environment (see
 * config.ts); the client is made once per execution environment and reused.
 */
import { configFromEnv } from './config';
import { createHandler, createRuntimeClient } from './handler';

export { configFromEnv } from './config';
export * from './errors';
export { createHandler, createRuntimeClient, errorResponse } from './handler';
export { parseInvocation } from './request';

/** The Lambda handler (`index.handler`). */
export const handler = createHandler({
  config: () => configFromEnv(process.env),
  client: (config) => createRuntimeClient({ maxAttempts: config.maxAttempts }),
});
