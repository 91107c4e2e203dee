/**
 * IAM policy simulation of synthesized templates, for tests.
 *
 * `TemplatePolicies` turns the IAM policy documents of a synthesized template into plain JSON:
 * CloudFormation intrinsics (`Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Ref`, `Fn::GetAtt`)
 * are resolved, pseudo parameters become the test environment, and references to resources of the
 * same template become fake but well-formed names and ARNs. `simulate` evaluates one request against
 * such documents with `@cloud-copilot/iam-simulate` (identity policies, permissions boundaries, SCPs
 * and a resource policy, with the IAM evaluation logic) and returns `Allowed`, `ImplicitlyDenied` or
 * `ExplicitlyDenied`.
 *
 * The simulator validates the request against the IAM Service Authorization Reference: an unknown
 * action, a resource ARN of the wrong type or an invalid policy make `simulate` throw; a context key
 * that does not apply to the action would be silently dropped by the simulator, so `simulate`
 * throws for it too (unless `allowIgnoredContextKeys`), lest a test pass for the wrong reason.
 *
 * @example
 * const policies = TemplatePolicies.fromStack(stack);
 * const role = policies.rolePolicies(logicalIdOf(myRole));
 * expect(await simulate({
 *   ...role,
 *   action: 'sagemaker:CreateTrainingJob',
 *   resource: 'arn:aws:sagemaker:eu-central-1:222222222222:training-job/job',
 *   context: { 'sagemaker:InstanceTypes': ['ml.m5.xlarge'] },
 * })).toBe('ExplicitlyDenied');
 */
import { createHash } from 'crypto';
import { getDenialReasons, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { CfnElement, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { TEST_ENV } from './stacks';

/** The outcome of an IAM evaluation. */
export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** An IAM policy document as plain JSON. */
export interface PolicyDocumentJson {
  readonly Version?: string;
  readonly Statement: unknown[] | unknown;
}

/** A value of a request context key: strings, numbers and booleans are passed as strings. */
export type ContextValue = string | number | boolean | Array<string | number | boolean> | undefined;

/** One request to evaluate. */
export interface SimulateRequest {
  /** The identity policies of the principal (attached managed policies and inline policies). */
  readonly identityPolicies: PolicyDocumentJson[];
  /** The permissions boundary of the principal, if any (IAM allows one; more are intersected). */
  readonly permissionBoundaryPolicies?: PolicyDocumentJson[];
  /** Service control policies that apply, root first. */
  readonly serviceControlPolicies?: PolicyDocumentJson[];
  /** The resource policy of the resource, if any. */
  readonly resourcePolicy?: PolicyDocumentJson;
  /** The action, e.g. `sagemaker:CreateTrainingJob`. */
  readonly action: string;
  /** The resource ARN; `*` for actions without resource types. @default '*' */
  readonly resource?: string;
  /**
   * The request context. Defaults are added for `aws:RequestedRegion` (the region of the resource
   * ARN, else the test region), `aws:PrincipalArn`, `aws:PrincipalAccount` and `aws:SecureTransport`
   * (`true`); give a key the value `undefined` to leave it out.
   */
  readonly context?: Record<string, ContextValue>;
  /** The calling principal. @default 'arn:aws:iam::222222222222:role/SimulatedPrincipal' */
  readonly principal?: string;
  /** Do not throw when the simulator drops context keys that do not apply to the action. @default false */
  readonly allowIgnoredContextKeys?: boolean;
}

/** A statement that explicitly denied the request. */
export interface ExplicitDenial {
  /** `identity`, `pb` (permissions boundary), `scp`, `resource`, ... */
  readonly policyType: string;
  /** The name of the policy (`identity-0`, `boundary-0`, `scp-0` in the order given). */
  readonly policyName?: string;
  /** The Sid of the denying statement. */
  readonly sid?: string;
}

/** The decision with the details that explain it. */
export interface SimulationDetails {
  /** The decision. */
  readonly decision: Decision;
  /** The statements that explicitly denied the request. */
  readonly explicitDenials: ExplicitDenial[];
  /** The policy types whose lack of an allow (implicitly) denied the request. */
  readonly implicitDenials: string[];
  /** The raw result of `runSimulation`. */
  readonly raw: unknown;
}

const DEFAULT_PRINCIPAL = `arn:aws:iam::${TEST_ENV.account}:role/SimulatedPrincipal`;

/** A policy document that allows everything: use it as identity policy to isolate the denies of other policies. */
export const ALLOW_ALL: PolicyDocumentJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && /^\d{12}$/.test(parts[4]) ? parts[4] : undefined;
}

function regionOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[3] && parts[3] !== '*' ? parts[3] : undefined;
}

function contextVariables(request: SimulateRequest, principal: string): Record<string, string | string[]> {
  const resource = request.resource ?? '*';
  const defaults: Record<string, ContextValue> = {
    'aws:RequestedRegion': regionOfArn(resource) ?? TEST_ENV.region,
    'aws:PrincipalArn': principal,
    'aws:PrincipalAccount': accountOfArn(principal) ?? TEST_ENV.account,
    'aws:SecureTransport': true,
  };
  const merged: Record<string, ContextValue> = { ...defaults, ...(request.context ?? {}) };
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

/** Evaluates a request and returns the decision with the statements behind it. */
export async function simulateWithDetails(request: SimulateRequest): Promise<SimulationDetails> {
  const principal = request.principal ?? DEFAULT_PRINCIPAL;
  const resource = request.resource ?? '*';
  const simulation: Simulation = {
    request: {
      principal,
      action: request.action,
      resource: { resource, accountId: accountOfArn(resource) ?? accountOfArn(principal) ?? TEST_ENV.account },
      contextVariables: contextVariables(request, principal),
    },
    identityPolicies: request.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
    permissionBoundaryPolicies: request.permissionBoundaryPolicies?.map((policy, i) => ({ name: `boundary-${i}`, policy })),
    serviceControlPolicies: request.serviceControlPolicies?.length
      ? [{ orgIdentifier: 'r-root', policies: request.serviceControlPolicies.map((policy, i) => ({ name: `scp-${i}`, policy })) }]
      : [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new Error(`IAM simulation of ${request.action} on ${resource} could not run: ${JSON.stringify(result.errors)}`);
  }
  const analyses = result.resultType === 'single' ? [result.result] : result.results;
  const ignored = [...new Set(analyses.flatMap((a) => a.ignoredContextKeys ?? []))];
  if (ignored.length > 0 && !request.allowIgnoredContextKeys) {
    throw new Error(`IAM simulation of ${request.action}: the context keys ${ignored.join(', ')} do not apply to this action (Service Authorization Reference), so the simulator would drop them; fix the test or pass allowIgnoredContextKeys`);
  }
  const explicitDenials: ExplicitDenial[] = [];
  const implicitDenials: string[] = [];
  for (const a of analyses) {
    for (const d of getDenialReasons(a.analysis)) {
      if (d.denialType === 'Explicit') {
        explicitDenials.push({ policyType: d.policyType, policyName: d.policyIdentifier, sid: d.statementId });
      } else {
        implicitDenials.push(d.policyType);
      }
    }
  }
  return { decision: result.overallResult, explicitDenials, implicitDenials, raw: result };
}

/** Evaluates a request: `Allowed`, `ImplicitlyDenied` or `ExplicitlyDenied`. */
export async function simulate(request: SimulateRequest): Promise<Decision> {
  return (await simulateWithDetails(request)).decision;
}

/** Where fake values for a template come from. */
export interface TemplatePoliciesOptions {
  /** @default 'aws' */
  readonly partition?: string;
  /** @default the test region */
  readonly region?: string;
  /** @default the test account */
  readonly account?: string;
  /**
   * Values for references the resolver cannot make up: `LogicalId` (a Ref), `LogicalId.Attribute`
   * (a GetAtt), `import:ExportName` (an ImportValue) or a parameter name. They win over fakes.
   */
  readonly references?: Record<string, string>;
  /**
   * Mixed into the fake ids of keys, so that keys of the same logical id in different stacks (each use
   * case's data key, artifact key) get different ARNs in a model of several stacks.
   * @default '' (the fake id depends on the logical id only)
   */
  readonly fakeIdSeed?: string;
}

/** The logical id of a construct (or of its default CloudFormation resource) in its stack. */
export function logicalIdOf(construct: IConstruct): string {
  const element = (CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild) as CfnElement | undefined;
  if (!element || !CfnElement.isCfnElement(element)) {
    throw new Error(`logicalIdOf: ${construct.node.path} has no CloudFormation element; pass the CfnResource`);
  }
  return Stack.of(element).resolve(element.logicalId);
}

function fakeId(prefix: string, logicalId: string, length = 17): string {
  return `${prefix}${createHash('sha256').update(logicalId).digest('hex').slice(0, length)}`;
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * The IAM policies of a synthesized template, resolved to plain JSON.
 */
export class TemplatePolicies {
  /**
   * Reads a stack's template; the stack's account and region (when concrete) are the environment.
   * @param stack the stack
   * @param options overrides
   */
  public static fromStack(stack: Stack, options: TemplatePoliciesOptions = {}): TemplatePolicies {
    return new TemplatePolicies(Template.fromStack(stack).toJSON(), {
      account: Token.isUnresolved(stack.account) ? undefined : stack.account,
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      ...options,
    });
  }

  private readonly resources: Record<string, { Type: string; Properties?: Record<string, any> }>;
  private readonly parameters: Record<string, { Default?: unknown }>;
  private readonly partition: string;
  private readonly region: string;
  private readonly account: string;
  private readonly references: Record<string, string>;
  private readonly fakeIdSeed: string;

  /**
   * @param template a synthesized template (`Template.toJSON()` or the parsed JSON file)
   * @param options the environment and explicit reference values
   */
  constructor(template: Template | Record<string, any>, options: TemplatePoliciesOptions = {}) {
    const json = template instanceof Template ? template.toJSON() : template;
    this.resources = json.Resources ?? {};
    this.parameters = json.Parameters ?? {};
    this.partition = options.partition ?? 'aws';
    this.region = options.region ?? TEST_ENV.region;
    this.account = options.account ?? TEST_ENV.account;
    this.references = options.references ?? {};
    this.fakeIdSeed = options.fakeIdSeed ?? '';
  }

  /** Resolves every intrinsic function in a value. */
  public resolve(value: unknown): any {
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(v)).filter((v) => v !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const v = value as Record<string, any>;
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return this.intrinsic(keys[0], v[keys[0]]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = this.resolve(x);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  /**
   * The resolved policy document of an `AWS::IAM::ManagedPolicy` or `AWS::IAM::Policy`.
   * @param logicalId the policy's logical id
   */
  public policyDocument(logicalId: string): PolicyDocumentJson {
    const resource = this.resource(logicalId);
    if (resource.Type !== 'AWS::IAM::ManagedPolicy' && resource.Type !== 'AWS::IAM::Policy') {
      throw new Error(`TemplatePolicies: ${logicalId} is a ${resource.Type}, not an IAM policy`);
    }
    return this.resolve(resource.Properties?.PolicyDocument);
  }

  /**
   * Every policy of a role, ready to spread into `simulate`: its managed policies (from its
   * `ManagedPolicyArns` and from policies that name it in `Roles`), inline policies and
   * `AWS::IAM::Policy` resources that name it, and its permissions boundary.
   * @param roleLogicalId the role's logical id
   */
  public rolePolicies(roleLogicalId: string): { identityPolicies: PolicyDocumentJson[]; permissionBoundaryPolicies?: PolicyDocumentJson[] } {
    const props = this.resource(roleLogicalId).Properties ?? {};
    const identityPolicies = this.identityPolicies(roleLogicalId);
    const boundary = props.PermissionsBoundary === undefined ? undefined : [this.policyDocument(this.managedPolicyIdOf(props.PermissionsBoundary))];
    return { identityPolicies, permissionBoundaryPolicies: boundary };
  }

  /**
   * The identity policies of a role only (managed, inline and `AWS::IAM::Policy` resources naming it),
   * for a role whose permissions boundary lives in another stack.
   * @param roleLogicalId the role's logical id
   * @param external documents of managed policies from outside the template, by resolved ARN (e.g. the
   *   platform's guardrail policy attached by name)
   */
  public identityPolicies(roleLogicalId: string, external: Record<string, PolicyDocumentJson> = {}): PolicyDocumentJson[] {
    const role = this.resource(roleLogicalId);
    if (role.Type !== 'AWS::IAM::Role') throw new Error(`TemplatePolicies: ${roleLogicalId} is a ${role.Type}, not an AWS::IAM::Role`);
    const props = role.Properties ?? {};
    const identityPolicies: PolicyDocumentJson[] = [];
    const attached = new Set<string>();
    for (const arn of asArray(props.ManagedPolicyArns)) {
      const resolved = typeof arn === 'object' && arn !== null && 'Ref' in (arn as any) ? undefined : String(this.resolve(arn));
      if (resolved !== undefined && external[resolved]) {
        identityPolicies.push(external[resolved]);
        continue;
      }
      const id = this.managedPolicyIdOf(arn);
      attached.add(id);
      identityPolicies.push(this.policyDocument(id));
    }
    for (const inline of asArray(props.Policies)) identityPolicies.push(this.resolve((inline as any).PolicyDocument));
    for (const [id, r] of Object.entries(this.resources)) {
      if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
      if (attached.has(id)) continue;
      const roles = asArray(r.Properties?.Roles);
      if (roles.some((x: any) => x && typeof x === 'object' && x.Ref === roleLogicalId)) identityPolicies.push(this.policyDocument(id));
    }
    return identityPolicies;
  }

  /** The fake value of `Ref` to a resource of the template. */
  public refOf(logicalId: string): string {
    const override = this.references[logicalId];
    if (override !== undefined) return override;
    if (this.parameters[logicalId]) {
      const d = this.parameters[logicalId].Default;
      if (d === undefined) throw new Error(`TemplatePolicies: parameter ${logicalId} has no default; give it in options.references`);
      return String(d);
    }
    const r = this.resource(logicalId);
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::IAM::ManagedPolicy':
        return `arn:${this.partition}:iam::${this.account}:policy${p.Path ?? '/'}${p.ManagedPolicyName ?? logicalId}`;
      case 'AWS::IAM::Role':
        return p.RoleName ?? logicalId;
      case 'AWS::S3::Bucket':
        return p.BucketName ?? logicalId.toLowerCase();
      case 'AWS::KMS::Key':
        return fakeId('', this.fakeIdSeed + logicalId, 8) + '-1111-2222-3333-' + fakeId('', this.fakeIdSeed + logicalId + 'k', 12);
      case 'AWS::KMS::Alias':
        return p.AliasName;
      case 'AWS::EC2::Subnet':
        return fakeId('subnet-', logicalId);
      case 'AWS::EC2::SecurityGroup':
        return fakeId('sg-', logicalId);
      case 'AWS::EC2::VPC':
        return fakeId('vpc-', logicalId);
      case 'AWS::Logs::LogGroup':
        return p.LogGroupName ?? logicalId;
      default:
        return logicalId;
    }
  }

  /** The fake value of `Fn::GetAtt` of a resource of the template. */
  public getAttOf(logicalId: string, attribute: string): string {
    const override = this.references[`${logicalId}.${attribute}`];
    if (override !== undefined) return override;
    const r = this.resource(logicalId);
    const p = r.Properties ?? {};
    const { partition, region, account } = this;
    const name = this.refOf(logicalId);
    switch (`${r.Type}.${attribute}`) {
      case 'AWS::IAM::Role.Arn': return `arn:${partition}:iam::${account}:role${p.Path ?? '/'}${name}`;
      case 'AWS::IAM::Role.RoleId': return fakeId('AROA', logicalId, 17).toUpperCase();
      case 'AWS::S3::Bucket.Arn': return `arn:${partition}:s3:::${name}`;
      case 'AWS::S3::Bucket.DomainName': return `${name}.s3.amazonaws.com`;
      case 'AWS::KMS::Key.Arn': return `arn:${partition}:kms:${region}:${account}:key/${name}`;
      case 'AWS::KMS::Key.KeyId': return name;
      case 'AWS::EC2::SecurityGroup.GroupId': return fakeId('sg-', logicalId);
      case 'AWS::Logs::LogGroup.Arn': return `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`;
      default: {
        if (attribute !== 'Arn' && !attribute.endsWith('Arn')) {
          throw new Error(`TemplatePolicies: no fake value for ${logicalId}.${attribute} (${r.Type}); give it in options.references`);
        }
        const [, service, type] = r.Type.split('::');
        return `arn:${partition}:${service.toLowerCase()}:${region}:${account}:${kebab(type)}/${name}`;
      }
    }
  }

  private resource(logicalId: string): { Type: string; Properties?: Record<string, any> } {
    const r = this.resources[logicalId];
    if (!r) throw new Error(`TemplatePolicies: the template has no resource ${logicalId}`);
    return r;
  }

  private managedPolicyIdOf(arn: unknown): string {
    if (arn && typeof arn === 'object' && typeof (arn as any).Ref === 'string') return (arn as any).Ref;
    throw new Error(`TemplatePolicies: the managed policy ${JSON.stringify(arn)} is not a policy of this template (AWS managed or imported policies cannot be simulated; use options.references or pass the document yourself)`);
  }

  private pseudo(name: string): string | typeof NO_VALUE {
    switch (name) {
      case 'AWS::Partition': return this.partition;
      case 'AWS::Region': return this.region;
      case 'AWS::AccountId': return this.account;
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return 'TestStack';
      case 'AWS::NoValue': return NO_VALUE;
      default: throw new Error(`TemplatePolicies: unsupported pseudo parameter ${name}`);
    }
  }

  private intrinsic(fn: string, arg: any): any {
    switch (fn) {
      case 'Ref':
        return arg.startsWith('AWS::') ? this.pseudo(arg) : this.refOf(arg);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.+)/);
        return this.getAttOf(id, attr);
      }
      case 'Fn::Join': {
        const [delimiter, parts] = arg;
        return (this.resolve(parts) as unknown[]).map(String).join(delimiter);
      }
      case 'Fn::Select': {
        const [index, list] = arg;
        return (this.resolve(list) as unknown[])[Number(this.resolve(index))];
      }
      case 'Fn::Split': {
        const [delimiter, source] = arg;
        return String(this.resolve(source)).split(delimiter);
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        const resolvedVars = this.resolve(vars) as Record<string, string>;
        return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
          if (name in resolvedVars) return resolvedVars[name];
          if (name.startsWith('AWS::')) return String(this.pseudo(name));
          const [id, attr] = name.split(/\.(.+)/);
          return attr ? this.getAttOf(id, attr) : this.refOf(id);
        });
      }
      case 'Fn::ImportValue': {
        const exportName = this.resolve(arg);
        const value = this.references[`import:${exportName}`];
        if (value === undefined) throw new Error(`TemplatePolicies: give the value of the import ${exportName} in options.references['import:${exportName}']`);
        return value;
      }
      default:
        throw new Error(`TemplatePolicies: the intrinsic ${fn} is not supported; resolve it through options.references or simplify the template`);
    }
  }
}

const NO_VALUE = Symbol('AWS::NoValue');

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Managed policies attached by ARN from outside a template, as empty documents, for
 * `TemplatePolicies.identityPolicies` (e.g. the platform's guardrail policy, whose statements only deny
 * SageMaker calls outside the VPC or without encryption, which a test of other actions does not need).
 * @param arns the managed policies' ARNs
 */
export function emptyManagedPolicies(...arns: string[]): Record<string, PolicyDocumentJson> {
  return Object.fromEntries(arns.map((arn) => [arn, { Version: '2012-10-17', Statement: [] }]));
}
