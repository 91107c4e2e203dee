import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Reasons that say nothing about why a rule does not apply; they are refused. */
const VAGUE = /^(n\/?a|none|ok|todo|fixme|tbd|false positive|not needed|not required|suppressed|ignore[d]?)\.?$/i;

/** The shortest reason we accept: long enough to name the resource-specific why. */
export const MIN_REASON_LENGTH = 30;

/**
 * Acknowledges cdk-nag rules on a construct (and everything below it) with a specific reason each.
 * Every acknowledgement in this library goes through here, so that none is made without a reason
 * that explains why the rule does not apply to this resource.
 *
 * @param scope the construct the acknowledgement covers
 * @param rules rule id (with `[finding]` where the rule reports several) to reason
 * @internal
 */
export function acknowledgeRules(scope: IConstruct, rules: Record<string, string>): void {
  for (const [id, reason] of Object.entries(rules)) {
    const r = reason.trim();
    if (r.length < MIN_REASON_LENGTH || VAGUE.test(r)) {
      throw new Error(
        `acknowledgement of ${id} at ${scope.node.path}: the reason ${JSON.stringify(r)} is not specific; say in at least ${MIN_REASON_LENGTH} characters why the rule does not apply to this resource`,
      );
    }
    Validations.of(scope).acknowledge({ id, reason: r });
  }
}
