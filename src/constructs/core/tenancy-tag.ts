/**
 * The tag that says whom a role or resource belongs to, shared by the blueprint (which sets it on every
 * stack) and the runtime (the cost command, which groups by it). No imports: the runtime bundle takes it.
 */

/** The tag key on every stack, role and resource: the owning use case's name, or `platform`. @internal */
export const USE_CASE_TAG_KEY = 'mlops:use-case';

/** The value of `mlops:use-case` on the platform's own stacks (so no use case may be named so). @internal */
export const PLATFORM_TAG_VALUE = 'platform';
