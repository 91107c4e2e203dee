import { Aws, Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';

/*
 * How cdk-nag names the findings of IAM policies (`AwsSolutions-IAM5[Action::...]`,
 * `AwsSolutions-IAM5[Resource::...]`), and ARNs written so that those findings can be acknowledged one
 * by one. Shared by every concern that writes least-privilege policies; nothing here is public API.
 */

/**
 * The partition of a region as a literal when the region is a literal the region table knows, else
 * `fallback`.
 * @internal
 */
export function partitionOfRegion(region: string, fallback: string): string {
  if (Token.isUnresolved(region)) return fallback;
  return RegionInfo.get(region).partition ?? fallback;
}

/**
 * The domain suffix of a literal region's endpoints (`amazonaws.com`, `amazonaws.com.cn` in China), from
 * the region table; `amazonaws.com` for a region the table does not know yet.
 * @internal
 */
export function urlSuffixOfRegion(region: string): string {
  return RegionInfo.get(region).domainSuffix ?? 'amazonaws.com';
}

/**
 * The partition as a literal when the stack's region is known (`aws` for eu-central-1), else the
 * `AWS::Partition` reference. Literal partitions keep `::` out of cdk-nag finding ids, which the
 * `Validations` API cannot acknowledge otherwise.
 * @internal
 */
export function literalPartition(stack: Stack): string {
  return partitionOfRegion(stack.region, stack.partition);
}

/**
 * Renders a resolved CloudFormation value the way cdk-nag names it in a finding id: `Fn::Join`
 * joined, `Ref` as `<Name>`, `Fn::GetAtt` as `<Name.Attr>`, `${x}` of `Fn::Sub` as `<x>`, imports as
 * their export name.
 * @internal
 */
export function flattenForNag(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value !== 'object') return JSON.stringify(value);
  const v = value as Record<string, any>;
  if (v['Fn::Join']) {
    const [delimiter, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flattenForNag).join(delimiter);
  }
  if (v['Fn::Sub']) return flattenForNag(v['Fn::Sub']);
  if (v['Fn::GetAtt']) return `<${flattenForNag(v['Fn::GetAtt'][0])}.${flattenForNag(v['Fn::GetAtt'][1])}>`;
  if (v['Fn::ImportValue']) return flattenForNag(v['Fn::ImportValue']);
  if (v.Ref) return `<${flattenForNag(v.Ref)}>`;
  return JSON.stringify(value);
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
 * The finding id under which cdk-nag's `AwsSolutions-IAM5` reports a wildcard resource of an IAM
 * policy statement, so that exactly that resource (and no other wildcard) can be acknowledged.
 *
 * @param scope a construct in the stack of the policy
 * @param resource the resource of the statement, as passed to `PolicyStatement` (may contain tokens)
 * @internal
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return flatResourceFinding(flattenForNag(Stack.of(scope).resolve(resource)));
}

/** The finding id of a wildcard resource already rendered with `flattenForNag`. */
function flatResourceFinding(flat: string): string {
  return `AwsSolutions-IAM5[Resource::${flat}]`;
}

/**
 * Whether a finding id holds more than the one `::` of its prefix: pseudo parameters of
 * environment-agnostic stacks (`<AWS::Region>`) or the empty region and account of an S3 or IAM ARN
 * (`arn:aws:s3:::bucket/*`). `Validations.acknowledge` refuses such ids; `acknowledgeRules` records them
 * in the packs' metadata instead.
 * @internal
 */
export function hasSecondDoubleColon(findingId: string): boolean {
  return findingId.split('::').length > 2;
}

/**
 * One `AwsSolutions-IAM5` finding of an allow statement: a wildcard action or a wildcard resource.
 * @internal
 */
export interface WildcardFinding {
  /** The finding id, e.g. `AwsSolutions-IAM5[Resource::arn:aws:logs:eu-central-1:222222222222:log-group:*]`. */
  readonly id: string;
  /** The wildcard action, when the finding is about an action. */
  readonly action?: string;
  /** The wildcard resource as cdk-nag renders it, when the finding is about a resource. */
  readonly resource?: string;
}

/**
 * The `AwsSolutions-IAM5` findings of one resolved policy statement (`toStatementJson()` or an element of
 * a resolved document's `Statement`): one per action and per resource containing a `*`, actions first.
 * A statement that does not allow has none.
 * @internal
 */
export function wildcardFindings(statement: any): WildcardFinding[] {
  if (statement?.Effect !== 'Allow') return [];
  const findings: WildcardFinding[] = [];
  for (const action of asArray(statement.Action)) {
    if (typeof action === 'string' && action.includes('*')) findings.push({ id: wildcardActionFinding(action), action });
  }
  for (const resource of asArray(statement.Resource).map(flattenForNag)) {
    if (resource.includes('*')) findings.push({ id: flatResourceFinding(resource), resource });
  }
  return findings;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
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
  /** The partition, or `*`. */
  readonly partition: string;
  /** The region, or `*`. */
  readonly region: string;
  /** The account, or `*`. */
  readonly account: string;
}

/**
 * The literal environment of the stack of `scope` (see `LiteralEnv`).
 * @internal
 */
export function literalEnv(scope: IConstruct): LiteralEnv {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? '*' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '*' : stack.account;
  return { partition: partitionOfRegion(stack.region, '*'), region, account };
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

/**
 * The ARN pattern of the network interfaces of a stack's account and region, with a literal
 * partition, region and account; undefined when the stack's environment is not concrete.
 * @internal
 */
export function literalNetworkInterfaceArn(scope: IConstruct): string | undefined {
  const { region, account } = Stack.of(scope);
  if (Token.isUnresolved(region) || Token.isUnresolved(account)) return undefined;
  return `arn:${partitionOfRegion(region, 'aws')}:ec2:${region}:${account}:network-interface/*`;
}
