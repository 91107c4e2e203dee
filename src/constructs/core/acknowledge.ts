import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Reasons that say nothing about why a rule does not apply; they are refused.
 * @internal
 */
export const VAGUE_REASON = /^(n\/?a|none|ok|todo|fixme|tbd|false positive|not needed|not required|suppressed|ignore[d]?)\.?$/i;

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
    if (r.length < MIN_REASON_LENGTH || VAGUE_REASON.test(r)) {
      throw new Error(
        `acknowledgement of ${id} at ${scope.node.path}: the reason ${JSON.stringify(r)} is not specific; say in at least ${MIN_REASON_LENGTH} characters why the rule does not apply to this resource`,
      );
    }
    if (id.split('::').length > 2) {
      // Findings whose id contains an ARN with '::' (e.g. `AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/*]`)
      // are refused by Validations.acknowledge, which reserves '::' for one prefix. Record them in the same
      // metadata, under the same 'annotation::' qualifier, which is what the cdk-nag packs read.
      recordAcknowledgement(scope, `annotation::${id}`, r);
    } else {
      Validations.of(scope).acknowledge({ id, reason: r });
    }
  }
}

function recordAcknowledgement(scope: IConstruct, qualifiedId: string, reason: string): void {
  const entries = scope.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
  const latest = entries.length > 0 ? (entries[entries.length - 1].data as Record<string, string>) : {};
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { ...latest, [qualifiedId]: reason });
}
