import { Aws, Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';

/**
 * The finding id under which cdk-nag's `AwsSolutions-IAM5` reports a wildcard resource of an IAM
 * policy statement, so that exactly that resource (and no other wildcard) can be acknowledged.
 *
 * @param scope a construct in the stack of the policy
 * @param resource the resource of the statement, as passed to `PolicyStatement` (may contain tokens)
 * @internal
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenIntrinsic(Stack.of(scope).resolve(resource))}]`;
}

/**
 * The finding id under which `AwsSolutions-IAM5` reports a wildcard action, e.g. `kms:ReEncrypt*`.
 * @param action the action with its wildcard
 * @internal
 */
export function wildcardActionFinding(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

/**
 * Renders a resolved CloudFormation value the way the rule names it: references as `<LogicalId>`,
 * attributes as `<LogicalId.Attribute>`, joins concatenated.
 */
function flattenIntrinsic(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value !== 'object') return JSON.stringify(value);
  const v = value as Record<string, any>;
  if (v['Fn::Join']) {
    const [delimiter, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flattenIntrinsic).join(delimiter);
  }
  if (v['Fn::Sub']) return flattenIntrinsic(v['Fn::Sub']);
  if (v['Fn::GetAtt']) {
    const [logicalId, attribute] = v['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenIntrinsic(logicalId)}.${flattenIntrinsic(attribute)}>`;
  }
  if (v['Fn::ImportValue']) return flattenIntrinsic(v['Fn::ImportValue']);
  if (v.Ref) return `<${flattenIntrinsic(v.Ref)}>`;
  return JSON.stringify(value);
}

/**
 * The partition, region and account of a stack as literals where they are known, `*` where they are
 * not (an environment-agnostic stack, e.g. a Service Catalog product stack).
 *
 * Wildcard resources are written with these literals rather than with `AWS::Partition`-style
 * pseudo-parameter references: a finding id that contains such a reference (`<AWS::Region>`) cannot be
 * acknowledged, because `::` is reserved in acknowledgement ids.
 * @internal
 */
export interface LiteralEnv {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** @internal */
export function literalEnv(scope: IConstruct): LiteralEnv {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? '*' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '*' : stack.account;
  const partition = region === '*' ? '*' : RegionInfo.get(region).partition ?? '*';
  return { partition, region, account };
}

/**
 * The given conditions, plus `aws:RequestedRegion` = the stack's region when the resources had to leave
 * the region open (`*`); `undefined` when there is no condition at all.
 * @internal
 */
export function regionPinned(
  env: LiteralEnv,
  conditions: Record<string, Record<string, unknown>> = {},
): Record<string, Record<string, unknown>> | undefined {
  const merged = { ...conditions };
  if (env.region === '*') merged.StringEquals = { ...merged.StringEquals, 'aws:RequestedRegion': Aws.REGION };
  return Object.keys(merged).length > 0 ? merged : undefined;
}

/**
 * An ARN pattern for a wildcard resource, written so that its `AwsSolutions-IAM5` finding can be
 * acknowledged: literal partition, region and account where the stack knows them, `*` where it does not,
 * and `*` (which also matches the empty string) in the region and account segments that global services
 * leave empty (`arn:aws:iam::...`, `arn:aws:s3:::...`), because `::` is reserved in acknowledgement ids.
 * Pair a pattern whose region is `*` with `regionPinned` for regional services.
 *
 * @param scope a construct in the stack of the policy
 * @param service the service prefix, e.g. `sagemaker`
 * @param resource the resource part, e.g. `training-job/pipelines-*`
 * @internal
 */
export function arnPattern(scope: IConstruct, service: string, resource: string): string {
  const env = literalEnv(scope);
  const global = GLOBAL_SERVICES.has(service);
  const region = global ? '*' : env.region;
  const account = service === 's3' ? '*' : env.account;
  return `arn:${env.partition}:${service}:${region}:${account}:${resource}`;
}

const GLOBAL_SERVICES = new Set(['iam', 's3']);
