import { StepCacheConfig } from './common';
import { RetryPolicy } from './retry';
import { PipelineStepOptions } from './step';

/** Options of the steps that start a SageMaker job (processing, training, tuning, transform). */
export interface JobStepOptions extends PipelineStepOptions {
  /**
   * Retry policies (`RetryPolicies`): `RetryPolicy.step` and `RetryPolicy.sageMakerJob`.
   * @default - no retries
   */
  readonly retryPolicies?: RetryPolicy[];
  /**
   * Step caching (`CacheConfig`).
   * @default - no `CacheConfig`: the step always runs
   */
  readonly cacheConfig?: StepCacheConfig;
  /**
   * Escape hatch: request fields this builder does not type, merged into the step's `Arguments`
   * after rendering. Objects merge key by key (recursively), any other value (array, string,
   * number, boolean) replaces the rendered one, and `null` removes a rendered field. Write the API's
   * field names (PascalCase), e.g. `{ ProcessingResources: { ClusterConfig: { KeepAlivePeriodInSeconds: 60 } } }`;
   * a reference is written as its JSON (`PipelineValue.toJson()`), and references written this way
   * are validated like typed ones.
   * @default - none
   */
  readonly additionalArguments?: { [key: string]: any };
}
