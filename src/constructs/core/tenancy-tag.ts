/**
 * The tag that says whom a role or resource belongs to, shared by the blueprint (which sets it on every
 * stack) and the runtime (the cost command, which groups by it). No imports: the runtime bundle takes it.
 */

/** The tag key on every stack, role and resource: the owning use case's name, or `platform`. @internal */
export const USE_CASE_TAG_KEY = 'mlops:use-case';

/** The value of `mlops:use-case` on the platform's own stacks (so no use case may be named so). @internal */
export const PLATFORM_TAG_VALUE = 'platform';

/**
 * The suffix of a use case's model-build pipeline, `<prefix><use case>-build`: the isolation policies name a
 * use case's pipeline executions by it (their ARNs carry the pipeline's name, not its tags). @internal
 */
export const BUILD_PIPELINE_SUFFIX = '-build';

/**
 * What follows the use case in the names of its pipeline's jobs, `<prefix><use case>--<step>-<suffix>`: the
 * isolation policies name a use case's job log streams by it (use-case names have single hyphens, so
 * `<use case>--` starts no other use case's names). @internal
 */
export const JOB_NAME_DELIMITER = '--';
