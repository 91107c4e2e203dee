/**
 * Evaluates one flow request as AWS does: the caller's identity policies, permissions boundary and
 * guardrails with the resource's policy (both sides across accounts, `@cloud-copilot/iam-simulate`),
 * every KMS request behind it against the key policy, and the network path from a VPC.
 */
import { getDenialReasons, runSimulation } from '@cloud-copilot/iam-simulate';
import { EndpointModel, FlowModel, LabeledPolicy, RoleModel } from './model';
import { display } from './names';
import { checkNetwork, endpointServiceOf } from './network';
import { policyForAction } from './statements-for-action';
import { ACCOUNTS, FlowRequest, REGION } from './types';
import { ContextValue, PolicyDocumentJson } from '../../helpers/iam-simulator';

/** The outcome of one check of a request. */
export interface Check {
  readonly stage: 'iam' | 'kms' | 'network';
  /** What was checked, e.g. `kms:Decrypt on arn:aws:kms:...`. */
  readonly subject: string;
  readonly allowed: boolean;
  /** Why: the decision and the policies or hops behind it. */
  readonly why: string;
  /** Statement ids (`label#index`) and rule labels that made up an Allow. */
  readonly reliedOn: string[];
}

/** The outcome of a request. */
export interface RequestResult {
  readonly request: FlowRequest;
  readonly allowed: boolean;
  readonly checks: Check[];
  /** The first failing check. */
  readonly failure?: Check;
  /** Everything the Allow relied on. */
  readonly reliedOn: string[];
}

/** Replaces `${Stack/LogicalIdPrefix.Attr}` and `${ssm:ACCOUNT:/name}` placeholders. */
export function expand(model: FlowModel, text: string): string {
  return text.replace(/\$\{([^}]+)\}/g, (_m, ref: string) => {
    if (ref.startsWith('ssm:')) {
      const [, account, name] = /^ssm:([A-Z]+):(.+)$/.exec(ref) ?? [];
      const value = model.ssm.get(`${ACCOUNTS[account as keyof typeof ACCOUNTS]}|${name}`);
      if (value === undefined) throw new Error(`flows: no SSM parameter ${name} in ${account}`);
      return value;
    }
    const [, stack, prefix, attr] = /^([A-Za-z0-9]+)\/([A-Za-z0-9]+)\.([A-Za-z.]+)$/.exec(ref) ?? [];
    if (!stack) throw new Error(`flows: bad placeholder \${${ref}}; write \${Stack/LogicalIdPrefix.Attribute}`);
    const id = model.logicalId(stack, prefix);
    return String(model.resolve(stack, attr === 'Ref' ? { Ref: id } : { 'Fn::GetAtt': [id, attr] }));
  });
}

function expandContext(model: FlowModel, context: Record<string, ContextValue> = {}): Record<string, ContextValue> {
  const out: Record<string, ContextValue> = {};
  for (const [k, v] of Object.entries(context)) out[k] = Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? expand(model, x) : x)) : typeof v === 'string' ? expand(model, v) : v;
  return out;
}

/** The caller of a request. */
interface Caller {
  readonly principal: string;
  readonly account: string;
  readonly role?: RoleModel;
}

function callerOf(model: FlowModel, request: FlowRequest): Caller {
  const account = ACCOUNTS[request.account];
  if (request.caller.startsWith('service:')) return { principal: request.caller.slice('service:'.length), account };
  let role: RoleModel | undefined;
  if (request.caller.includes('/')) {
    const [stack, prefix] = request.caller.split('/');
    const id = model.logicalId(stack, prefix);
    role = [...model.roles.values()].find((r) => r.stack === stack && r.logicalId === id);
  } else {
    role = model.roles.get(`arn:aws:iam::${account}:role/${request.caller}`);
  }
  if (!role) throw new Error(`flows: no role ${request.caller} in ${request.account}`);
  if (role.account !== account) throw new Error(`flows: ${request.caller} is in ${role.account}, not ${request.account}`);
  if (role.awsManaged.length > 0) throw new Error(`flows: ${request.caller} has AWS managed policies (${role.awsManaged.join(', ')}) that cannot be simulated`);
  return { principal: role.arn, account, role };
}

function accountOfResource(model: FlowModel, arn: string): string | undefined {
  const s3 = /^arn:aws:s3:::([^/]+)/.exec(arn);
  if (s3) return model.bucketAccounts.get(s3[1]);
  const parts = arn.split(':');
  return /^\d{12}$/.test(parts[4] ?? '') ? parts[4] : undefined;
}

function resourcePolicyOf(model: FlowModel, arn: string): LabeledPolicy | undefined {
  const s3 = /^(arn:aws:s3:::[^/]+)/.exec(arn);
  if (s3) return model.resourcePolicies.get(s3[1]);
  const pkg = /^(arn:aws:sagemaker:[^:]+:\d+:)model-package\/([^/]+)\/\d+$/.exec(arn);
  if (pkg) return model.resourcePolicies.get(`${pkg[1]}model-package-group/${pkg[2]}`);
  const awsOwnedImage = /^arn:aws:ecr:[^:]+:(\d{12}):repository\/(.+)$/.exec(arn);
  if (awsOwnedImage && !(Object.values(ACCOUNTS) as string[]).includes(awsOwnedImage[1])) {
    // The SageMaker framework image repositories of AWS let every account pull (not in any template).
    return {
      label: `aws-owned|${awsOwnedImage[2]}|RepositoryPolicy`,
      doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], Resource: arn }] },
    };
  }
  return model.resourcePolicies.get(arn);
}

const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:(.+)$/i;

/**
 * The simulator drops `kms:EncryptionContext:<key>` context keys (it matches variable keys only at a
 * slash), so conditions on them would never match. They are renamed, in the request and in every
 * policy's conditions alike, to a global key with a slash that it evaluates the same way.
 */
function encodeKey(key: string): string {
  const m = ENCRYPTION_CONTEXT.exec(key);
  return m ? `aws:PrincipalTag/kms-encryption-context:${m[1]}` : key;
}

function encodePolicy(doc: PolicyDocumentJson): PolicyDocumentJson {
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]).map((st: any) => {
    if (!st.Condition) return st;
    const condition: Record<string, Record<string, unknown>> = {};
    for (const [op, keys] of Object.entries<Record<string, unknown>>(st.Condition)) {
      condition[op] = Object.fromEntries(Object.entries(keys).map(([k, v]) => [encodeKey(k), v]));
    }
    return { ...st, Condition: condition };
  });
  return { ...doc, Statement: statements };
}

interface Evaluation {
  readonly allowed: boolean;
  readonly why: string;
  readonly reliedOn: string[];
}

async function evaluateIam(
  caller: Caller, action: string, resource: string, resourceAccount: string | undefined,
  resourcePolicy: LabeledPolicy | undefined, context: Record<string, ContextValue>, given: string[], region: string,
  endpointPolicy?: LabeledPolicy,
): Promise<Evaluation> {
  const identity = caller.role?.identity ?? [];
  const contextVariables: Record<string, string | string[]> = {};
  // aws:PrincipalIsAWSService is in every request: true when a service principal signs it
  const defaults: Record<string, ContextValue> = caller.role
    ? { 'aws:PrincipalArn': caller.principal, 'aws:PrincipalAccount': caller.account, 'aws:PrincipalIsAWSService': false, ...caller.role.tags }
    : { 'aws:PrincipalIsAWSService': true };
  for (const [k, v] of Object.entries({ 'aws:RequestedRegion': region, 'aws:SecureTransport': true, ...defaults, ...context })) {
    if (v !== undefined) contextVariables[encodeKey(k)] = Array.isArray(v) ? v.map(String) : String(v);
  }
  // each policy cut to the statements that can apply to the action (the others decide nothing, and the
  // simulator would evaluate all of them); `index` maps a statement back to its place in the template
  const cuts = new Map<string, number[]>();
  const named = (p: LabeledPolicy) => {
    const cut = policyForAction(p, action, encodePolicy);
    cuts.set(p.label, cut.originalIndex);
    return { name: p.label, policy: cut.doc };
  };
  const index = (label: string, simulated: number) => cuts.get(label)![simulated - 1] + 1;
  const resourceCut = resourcePolicy ? named(resourcePolicy) : undefined;
  const simulation: any = {
    request: { principal: caller.principal, action, resource: { resource, accountId: resourceAccount ?? caller.account }, contextVariables },
    identityPolicies: identity.map(named),
    permissionBoundaryPolicies: caller.role?.boundary ? [named(caller.role.boundary)] : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resourceCut?.policy,
    vpcEndpointPolicies: endpointPolicy ? [named(endpointPolicy)] : undefined,
  };
  const result: any = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`flows: ${action} on ${resource} cannot be simulated: ${JSON.stringify(result.errors)}`);
  const single = result.resultType === 'single' ? result.result : resource === '*' && result.results.length === 1 ? result.results[0] : undefined;
  if (!single && resource === '*' && result.resultType === 'wildcard') {
    // No policy names a resource pattern for this action: nothing allows it.
    return { allowed: result.overallResult === 'Allowed', why: result.overallResult, reliedOn: [] };
  }
  if (!single) throw new Error(`flows: ${action} on ${resource}: give a concrete resource ARN, not a pattern`);
  const ignored: string[] = (single.ignoredContextKeys ?? []).filter((k: string) => given.map(encodeKey).includes(k));
  if (ignored.length > 0) throw new Error(`flows: ${action} does not take the context keys ${ignored.join(', ')}; fix the request`);
  const analysis = single.analysis;
  const decision: string = result.overallResult;
  const id = (label: string, s: any) => `${label}#${index(label, s.statement.index())}`;
  const reliedOn = decision === 'Allowed'
    ? [analysis.identityAnalysis, analysis.permissionBoundaryAnalysis, analysis.resourceAnalysis, analysis.endpointAnalysis]
      .flatMap((a: any, i: number) => (a?.allowStatements ?? []).map((s: any) => id(i === 2 ? resourcePolicy!.label : s.policyId, s)))
    : [];
  const denials = getDenialReasons(analysis).map((d: any) => `${d.denialType === 'Explicit' ? 'ExplicitlyDenied' : 'ImplicitlyDenied'} by ${d.policyType}${d.statementId ? ` (${d.statementId})` : ''}${d.policyIdentifier ? ` in ${display(d.policyIdentifier)}` : ''}`);
  const why = decision === 'Allowed' ? `Allowed by ${reliedOn.map((x) => display(x)).join(', ')}` : denials.length > 0 ? denials.join('; ') : decision;
  return { allowed: decision === 'Allowed', why, reliedOn };
}

interface KmsRequest {
  readonly key: string;
  readonly action: string;
  readonly context: Record<string, ContextValue>;
}

function kmsRequestsOf(model: FlowModel, request: FlowRequest, resource: string): KmsRequest[] {
  const out: KmsRequest[] = (request.kms ?? []).map((k) => ({
    key: expand(model, k.key),
    action: k.action,
    context: expandContext(model, k.context),
  }));
  const s3 = /^arn:aws:s3:::([^/]+)\/.+/.exec(resource);
  const key = s3 ? model.bucketKeys.get(s3[1]) : undefined;
  if (s3 && key && ['s3:GetObject', 's3:PutObject'].includes(request.action)) {
    out.unshift({
      key,
      action: request.action === 's3:GetObject' ? 'kms:Decrypt' : 'kms:GenerateDataKey',
      // With S3 Bucket Keys the encryption context is the bucket ARN, without them the object ARN.
      context: {
        'kms:ViaService': `s3.${REGION}.amazonaws.com`,
        'kms:EncryptionContext:aws:s3:arn': model.bucketKeyEnabled.has(s3[1]) ? `arn:aws:s3:::${s3[1]}` : resource,
      },
    });
  }
  return out;
}

/** Why a resource that the templates would have to create does not exist (buckets, catalog products). */
function missingResource(model: FlowModel, resource: string): string | undefined {
  const bucket = /^arn:aws:s3:::([^/]+)/.exec(resource)?.[1];
  if (bucket && !model.bucketAccounts.has(bucket)) return `NoSuchBucket: no template creates the bucket ${bucket}`;
  const product = /^arn:aws:catalog:[^:]+:(\d{12}):product\//.exec(resource);
  if (product && !model.catalogProducts.has(resource)) return `ResourceNotFound: no template creates the product ${resource} in ${product[1]}`;
  return undefined;
}

/** Evaluates one request against the model. */
export async function evaluateRequest(model: FlowModel, request: FlowRequest): Promise<RequestResult> {
  const caller = callerOf(model, request);
  const region = request.region ?? REGION;
  const resource = expand(model, request.resource);
  const context = expandContext(model, request.context);
  const checks: Check[] = [];
  let endpoint: EndpointModel | undefined;
  if (request.network) {
    const service = request.network.endpoint ?? endpointServiceOf(request.action);
    const group = expand(model, request.network.from.includes('/') ? `\${${request.network.from}.GroupId}` : request.network.from);
    const n = checkNetwork(model, group, service);
    checks.push({ stage: 'network', subject: `${request.network.from} -> ${service}`, allowed: n.allowed, why: n.why, reliedOn: n.reliedOn });
    endpoint = n.endpoint;
    if (endpoint) {
      // Calls through an endpoint carry its VPC and id, and its policy applies.
      if (context['aws:SourceVpc'] === undefined) context['aws:SourceVpc'] = endpoint.vpcId;
      if (context['aws:SourceVpce'] === undefined) context['aws:SourceVpce'] = endpoint.id;
    }
  }
  const missing = missingResource(model, resource);
  if (missing) {
    checks.push({ stage: 'iam', subject: `${request.action} on ${resource}`, allowed: false, why: missing, reliedOn: [] });
    return { request, allowed: false, checks, failure: checks.find((c) => !c.allowed), reliedOn: [] };
  }
  const resourceAccount = accountOfResource(model, resource);
  const resourcePolicy = resourcePolicyOf(model, resource);
  for (const [k, v] of Object.entries(model.resourceTags.get(resource) ?? {})) if (context[k] === undefined) context[k] = v;
  const aliases = request.action.startsWith('kms:') ? model.keyAliases.get(resource) : undefined;
  if (aliases && context['kms:ResourceAliases'] === undefined) context['kms:ResourceAliases'] = aliases;
  const given = Object.keys(request.context ?? {});
  const iam = await evaluateIam(caller, request.action, resource, resourceAccount, resourcePolicy, context, given, region, endpoint?.policy);
  checks.push({ stage: 'iam', subject: `${request.action} on ${resource}`, ...iam });
  for (const k of kmsRequestsOf(model, request, resource)) {
    const keyPolicy = model.resourcePolicies.get(k.key);
    if (!keyPolicy) {
      checks.push({ stage: 'kms', subject: `${k.action} on ${k.key}`, allowed: false, why: `no key ${k.key} in the templates`, reliedOn: [] });
      continue;
    }
    const keyAliases = model.keyAliases.get(k.key);
    const kmsContext = keyAliases && k.context['kms:ResourceAliases'] === undefined ? { ...k.context, 'kms:ResourceAliases': keyAliases } : k.context;
    const e = await evaluateIam(caller, k.action, k.key, accountOfResource(model, k.key), keyPolicy, kmsContext, Object.keys(k.context), region);
    checks.push({ stage: 'kms', subject: `${k.action} on ${k.key}`, ...e });
  }
  const failure = checks.find((c) => !c.allowed);
  return { request, allowed: !failure, checks, failure, reliedOn: failure ? [] : checks.flatMap((c) => c.reliedOn) };
}

/** Evaluates every request of some flows. */
export async function evaluateAll(model: FlowModel, requests: FlowRequest[]): Promise<RequestResult[]> {
  const out: RequestResult[] = [];
  for (const r of requests) out.push(await evaluateRequest(model, r));
  return out;
}

/** One line describing a result, for failure messages. */
export function describe(result: RequestResult): string {
  const r = result.request;
  return `${r.step}: ${r.caller} (${r.account}) ${r.action} -> ${result.allowed ? 'allowed' : `denied at ${result.failure!.stage}: ${result.failure!.subject}: ${result.failure!.why}`}`;
}
