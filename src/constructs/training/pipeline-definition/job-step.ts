import { StepCacheConfig } from './common';
import { RetryPolicy } from './retry';
import { PipelineStepOptions } from './step';

/**
 * The longest `jobNamePrefix`: a job name has at most 63 characters, and SageMaker Pipelines appends a
 * suffix to a custom prefix; 40 leaves 23 characters for it (the length of the SDK's own `-<timestamp>`
 * suffix; the service's suffix length is not documented).
 */
const MAX_JOB_NAME_PREFIX = 40;
/** SageMaker's rule for job names, which a prefix must follow. */
const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;

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
   * The prefix of the name of the job the step starts (`ProcessingJobName`, `TrainingJobName` or
   * `TransformJobName` in the step's arguments), as the SageMaker Python SDK writes a job's
   * `base_job_name` under `PipelineDefinitionConfig(use_custom_job_prefix=True)`. SageMaker Pipelines
   * then names the job `<prefix>-<suffix>` instead of `pipelines-<execution id>-<step>-<suffix>`, so
   * that IAM policies can tell the jobs of one pipeline (and their log streams, which start with the
   * job name) from another's. 1 to 40 characters, letters, digits and hyphens, starting and ending
   * with a letter or digit. Processing, training and transform steps only: a tuning step refuses it.
   * @default - none: SageMaker Pipelines names the job `pipelines-<execution id>-<step>-<suffix>`
   */
  readonly jobNamePrefix?: string;
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

/**
 * Checks a step's `jobNamePrefix` and returns the argument that carries it (`{ <field>: prefix }`),
 * or nothing without one.
 * @internal
 */
export function jobNameArgument(stepName: string, field: string, prefix: string | undefined): { [key: string]: string } {
  if (prefix === undefined) return {};
  if (prefix.length > MAX_JOB_NAME_PREFIX || !JOB_NAME.test(prefix)) {
    throw new Error(`step "${stepName}": jobNamePrefix ${JSON.stringify(prefix)} must be 1 to ${MAX_JOB_NAME_PREFIX} letters, digits and hyphens, `
      + 'starting and ending with a letter or digit (SageMaker appends a suffix to it, and job names have at most 63 characters), e.g. "weld-gun-pm--train"');
  }
  return { [field]: prefix };
}
