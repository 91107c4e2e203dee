import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MIN_REASON_LENGTH, VAGUE_REASON } from './acknowledge';

/** The metadata key checkov reads on a CloudFormation resource: `Metadata.checkov.skip[]`. */
const CHECKOV_METADATA_KEY = 'checkov';

/** Checkov's ids of resource checks and graph checks, e.g. `CKV_AWS_18` or `CKV2_AWS_62`. */
const CHECK_ID = /^CKV2?_[A-Z0-9]+_\d+$/;

/** One entry of `Metadata.checkov.skip`, as checkov reads it (`id`, `comment`). */
interface CheckovSkip {
  readonly id: string;
  readonly comment: string;
}

/**
 * Skips checkov checks on one CloudFormation resource, each with a written reason. Checkov reads
 * `Metadata: { checkov: { skip: [ { id, comment } ] } }` of the resource in the template and reports the
 * check as SKIPPED with the comment. Every checkov skip in this library goes through here, so that none
 * is made without a reason that says why the check does not apply to this resource (the same rules as
 * `acknowledgeRules` for cdk-nag: at least 30 characters, never "false positive", "n/a" and the like).
 *
 * @param scope the `CfnResource`, or a construct whose default child is the resource (e.g. an `s3.Bucket`)
 * @param checks check id (`CKV_AWS_18`, `CKV2_AWS_62`) to reason
 * @internal
 */
export function skipCheckovChecks(scope: IConstruct, checks: Record<string, string>): void {
  const resource = scope instanceof CfnResource ? scope : scope.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(
      `checkov skip at ${scope.node.path}: it is not a CloudFormation resource and has no default child resource; pass the CfnResource whose template entry checkov reports`,
    );
  }
  const skips = new Map<string, CheckovSkip>();
  for (const skip of existingSkips(resource)) skips.set(skip.id, skip);
  for (const [id, reason] of Object.entries(checks)) {
    if (!CHECK_ID.test(id)) {
      throw new Error(`checkov skip at ${resource.node.path}: ${JSON.stringify(id)} is not a checkov check id; write it as checkov prints it, e.g. CKV_AWS_18 or CKV2_AWS_62`);
    }
    const comment = reason.trim();
    if (comment.length < MIN_REASON_LENGTH || VAGUE_REASON.test(comment)) {
      throw new Error(
        `checkov skip of ${id} at ${resource.node.path}: the reason ${JSON.stringify(comment)} is not specific; say in at least ${MIN_REASON_LENGTH} characters why the check does not apply to this resource`,
      );
    }
    skips.set(id, { id, comment });
  }
  resource.addMetadata(CHECKOV_METADATA_KEY, { skip: [...skips.values()] });
}

/**
 * The checkov skips already on a resource (from earlier calls of `skipCheckovChecks`).
 * @param resource the CloudFormation resource
 * @internal
 */
export function checkovSkips(resource: CfnResource): Record<string, string> {
  return Object.fromEntries(existingSkips(resource).map((s) => [s.id, s.comment]));
}

function existingSkips(resource: CfnResource): CheckovSkip[] {
  const metadata = resource.getMetadata(CHECKOV_METADATA_KEY) as { skip?: CheckovSkip[] } | undefined;
  return metadata?.skip ?? [];
}
