/**
 * Deploy-time rule: the CloudFormation execution policy of each account (PlatformBootstrap) allows every
 * call that CloudFormation's resource handlers make to create, update and delete every resource of that
 * account's stacks in the reference app (the platform stack and the use-case stacks), evaluated with the
 * IAM simulator on realistic requests. The Service Catalog product templates are held against the
 * launch role that provisions them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { actionExists, HANDLER_PERMISSIONS, OPERATIONS, physicalName, requestedRegion, resourceArnsFor, supportsConditionKey } from './handler-permissions';
import { UnneededCall, unneededEntry, UNNEEDED_HANDLER_CALLS } from './unneeded-handler-calls';
import { MlopsPlatform, PlatformAccount, PlatformBootstrap, PlatformConfig } from '../../../src';
import { referenceCloudAssembly } from '../../flows/engine/assembly';
import { emptyManagedPolicies, PolicyDocumentJson, simulateWithDetails, TemplatePolicies } from '../../helpers/iam-simulator';

/**
 * Actions that registry schemas list but the IAM Service Authorization Reference does not know (stale or
 * misspelt in the schemas: IAM could never evaluate them). Review the list when the fixture is regenerated.
 */
const ACTIONS_UNKNOWN_TO_IAM = [
  'efs:CreateFileSystem', 'iam:DescribeOrganization', 'kms:ReEncrypt', 'lakeformation:CreateTable', 'lambda:AssociateRuntimeAlias',
  'payments:GetConnectedAccount', 's3:DeleteBucketAnalyticsConfiguration', 's3:DeleteBucketCors', 's3:DeleteBucketEncryption',
  's3:DeleteBucketLifecycle', 's3:DeleteBucketMetricsConfiguration', 's3:DeleteBucketReplication', 's3:PutBucketReplication',
  's3:PutObjectLockConfiguration', 's3:REST.PUT.OBJECT', 'vpc-lattice:DescribeServiceNetworkVpcEndpointAssociation',
];

const config = PlatformConfig.sample();
// the reference app's assembly that the flows, the commands run and the other deploy-time suite read too
const assembly = referenceCloudAssembly();

interface Need {
  readonly account: string;
  readonly region: string;
  readonly action: string;
  /** Realistic resource ARNs, best first (see `resourceArnsFor`). */
  readonly resources: string[];
  readonly context: Record<string, string | string[]>;
  /** The resource policy AWS evaluates as well: the key policy for requests on a KMS key. */
  readonly resourcePolicy?: PolicyDocumentJson;
  /** `<stack>/<logical id> <type> <operation>` of the first resource that needs it. */
  readonly neededBy: string[];
}

interface Template {
  readonly stackName: string;
  /** The CloudFormation execution role the stack deploys with (the synthesizer's). */
  readonly execRoleArn?: string;
  /** Values of the template's parameters (product templates). */
  readonly references?: Record<string, string>;
  readonly account: string;
  readonly region: string;
  readonly json: any;
}

const stackTemplates: Template[] = assembly.stacks.map((s) => ({
  stackName: s.stackName,
  execRoleArn: s.cloudFormationExecutionRoleArn?.replace('${AWS::Partition}', 'aws'),
  account: s.environment.account,
  region: s.environment.region,
  json: s.template,
}));

/** The Service Catalog product templates (provisioned by the launch role in RES). */
const productTemplates: Template[] = fs.readdirSync(assembly.directory)
  .filter((f) => f.endsWith('.product.template.json'))
  .map((f) => ({
    // the stack Service Catalog creates for a provisioned product, launched with example parameters
    stackName: `SC-${config.account(PlatformAccount.RES).accountId}-pp-abcdefghijklm`,
    // every parameter a launch gives (the Model Deployment product names its role after the stage)
    references: {
      UseCaseName: 'customer-churn',
      PermissionsBoundaryArn: `arn:aws:iam::${config.account(PlatformAccount.RES).accountId}:policy/${config.prefix}-PermissionsBoundary`,
      StageName: 'dev',
      ModelArtifactsBucketName: `sc-${config.account(PlatformAccount.RES).accountId}-pp-nopqrstuvwxyz-artifactsbucket88671897-example`,
      ModelArtifactsKeyArn: `arn:aws:kms:${config.account(PlatformAccount.RES).region}:${config.account(PlatformAccount.RES).accountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    },
    account: config.account(PlatformAccount.RES).accountId,
    region: config.account(PlatformAccount.RES).region,
    json: JSON.parse(fs.readFileSync(path.join(assembly.directory, f), 'utf-8')),
  }));

/**
 * The key policy that KMS evaluates for calls on a key the resource only refers to (Lambda environment,
 * Studio volumes, event bus, ECR repository, ...): every key of the platform delegates to its account's
 * IAM policies (asserted below), which is all such a call needs from the key policy.
 */
function delegatingKeyPolicy(account: string): PolicyDocumentJson {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] };
}

/** Resolves what the resolver can make up; an intrinsic it cannot becomes `<unresolved>` (the entries only test presence and ARNs). */
function resolveLoosely(policies: TemplatePolicies, value: unknown): any {
  if (Array.isArray(value)) return value.map((v) => resolveLoosely(policies, v));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    try {
      return policies.resolve(value);
    } catch {
      return '<unresolved>';
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveLoosely(policies, v)]));
}

/** Actions on service-linked roles: their ARNs live under `role/aws-service-role/`. */
const SERVICE_LINKED_ROLE_ACTIONS = ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:GetServiceLinkedRoleDeletionStatus'];

/** What a set of templates needs from whoever deploys them. */
interface Needs {
  readonly needs: Map<string, Need>;
  readonly unknownActions: Set<string>;
  readonly noSchema: string[];
  readonly unneeded: Set<UnneededCall>;
}

async function needsOf(templates: Template[]): Promise<Needs> {
  const needs = new Map<string, Need>();
  const unneeded = new Set<UnneededCall>();
  const unknownActions = new Set<string>();
  const noSchema: string[] = [];
  const add = (need: Omit<Need, 'neededBy'>, by: string) => {
    const key = JSON.stringify([need.account, need.action, need.resources, need.context]);
    const existing = needs.get(key);
    if (existing) existing.neededBy.push(by);
    else needs.set(key, { ...need, neededBy: [by] });
  };
  for (const t of templates) {
    const policies = new TemplatePolicies(t.json, { account: t.account, region: t.region, references: t.references });
    const nameOf = (id: string) => {
      const target = t.json.Resources[id];
      return physicalName(t.stackName, id, target.Type, resolveLoosely(policies, target.Properties ?? {}));
    };
    for (const [logicalId, resource] of Object.entries<any>(t.json.Resources ?? {})) {
      const where = `${t.stackName}/${logicalId} ${resource.Type}`;
      if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') {
        // CloudFormation invokes the provider function with the execution role on create, update and delete
        const token = resource.Properties.ServiceToken;
        const fnId = token?.['Fn::GetAtt']?.[0];
        const fn = fnId ? nameOf(fnId) : String(policies.resolve(token)).split(':').pop()!;
        const arns = await resourceArnsFor('lambda:InvokeFunction', t.account, t.region, fn);
        for (const op of OPERATIONS) add({ account: t.account, region: t.region, action: 'lambda:InvokeFunction', resources: arns, context: {} }, `${where} ${op}`);
        continue;
      }
      const entry = HANDLER_PERMISSIONS.types[resource.Type];
      if (!entry || !entry.create || (entry.missingInRegions ?? []).includes(t.region)) {
        noSchema.push(`${where} (${t.region})`);
        continue;
      }

      const boundary = resource.Type === 'AWS::IAM::Role' && resource.Properties?.PermissionsBoundary !== undefined
        ? String(policies.resolve(resource.Properties.PermissionsBoundary)) : undefined;
      const properties = resolveLoosely(policies, resource.Properties ?? {});
      // a bucket policy acts on its bucket, a managed policy's role actions on the roles it is attached to
      const bucketRef = resource.Type === 'AWS::S3::BucketPolicy' ? resource.Properties?.Bucket?.Ref : undefined;
      const name = bucketRef ? nameOf(bucketRef) : physicalName(t.stackName, logicalId, resource.Type, properties);
      const rolesNamedBy = (raw: unknown, resolved: unknown): string[] => {
        const ids = [...JSON.stringify(raw).matchAll(/\{"(?:Ref|Fn::GetAtt)":(?:"|\[")([A-Za-z0-9]+)/g)].map((m) => m[1])
          .filter((id) => t.json.Resources[id]?.Type === 'AWS::IAM::Role');
        const arns = [...JSON.stringify(resolved).matchAll(/arn:aws:iam::\d{12}:role\/([\w+=,.@/-]+)/g)].map((m) => m[1]);
        return [...new Set([...ids.map(nameOf), ...arns.filter((n) => !ids.some((id) => n.includes(id)))])];
      };
      // the roles a managed policy acts on: those it names, else those that name it in ManagedPolicyArns (whose
      // handler attaches it, and from which the policy's handler detaches it on delete)
      const namedRoles: string[] = [].concat(resource.Properties?.Roles ?? []).map((r: any) => r?.Ref).filter((r: unknown) => typeof r === 'string');
      const roleRefs = namedRoles.length > 0 || resource.Type !== 'AWS::IAM::ManagedPolicy' ? namedRoles
        : Object.entries<any>(t.json.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role'
          && [].concat(r.Properties?.ManagedPolicyArns ?? []).some((a: any) => a?.Ref === logicalId)).map(([id]) => id);
      // the boundary of the role a role action acts on: IAM evaluates iam:PermissionsBoundary against it
      const boundaryOf = (roleId: string | undefined) => {
        const b = roleId === undefined ? undefined : t.json.Resources[roleId]?.Properties?.PermissionsBoundary;
        return b === undefined ? undefined : String(policies.resolve(b));
      };
      const targetBoundary = resource.Type === 'AWS::IAM::Role' ? boundary
        : resource.Type === 'AWS::IAM::ManagedPolicy' ? boundaryOf(roleRefs[0]) : undefined;
      // CloudFormation never deletes a retained resource
      const operations = OPERATIONS.filter((op) => op !== 'delete' || !['Retain', 'RetainExceptOnCreate'].includes(resource.DeletionPolicy));
      for (const op of operations) {
        for (const action of entry[op] ?? []) {
          if (!(await actionExists(action))) {
            unknownActions.add(action);
            continue;
          }
          const skip = unneededEntry(resource.Type, action, properties);
          if (skip) {
            unneeded.add(skip);
            continue;
          }
          const context: Record<string, string | string[]> = {};
          // KMS evaluates the key policy too (its :root statement delegates to the account's IAM policies)
          const resourcePolicy = !action.startsWith('kms:') ? undefined
            : resource.Type === 'AWS::KMS::Key' ? policies.resolve(resource.Properties.KeyPolicy) : delegatingKeyPolicy(t.account);
          if (action === 'iam:PassRole') {
            // the handler passes the roles the resource names; a resource that names none passes none
            for (const role of rolesNamedBy(resource.Properties ?? {}, properties)) {
              add({ account: t.account, region: t.region, action, resources: [`arn:aws:iam::${t.account}:role/${role}`], context: {} }, `${where} ${op}`);
            }
            continue;
          }
          // a scalable target creates its namespace's service-linked role (iam:AWSServiceName tells which),
          // and WAF logging its own
          const slrService = resource.Type === 'AWS::ApplicationAutoScaling::ScalableTarget' && typeof properties.ServiceNamespace === 'string'
            ? `${properties.ServiceNamespace}.application-autoscaling.amazonaws.com`
            : resource.Type === 'AWS::WAFv2::LoggingConfiguration' ? 'wafv2.amazonaws.com' : undefined;
          if (slrService && action === 'iam:CreateServiceLinkedRole') context['iam:AWSServiceName'] = slrService;
          const arns = SERVICE_LINKED_ROLE_ACTIONS.includes(action)
            ? [`arn:aws:iam::${t.account}:role/aws-service-role/${resource.Type === 'AWS::IAM::ServiceLinkedRole' ? name.split('/').slice(1).join('/') : `${slrService ?? 'service.amazonaws.com'}/AWSServiceRoleForService`}`]
            : resource.Type === 'AWS::IAM::ManagedPolicy' && /Role/.test(action) && roleRefs.length > 0
              ? [`arn:aws:iam::${t.account}:role/${nameOf(roleRefs[0])}`]
              : await resourceArnsFor(action, t.account, t.region, name, resource.Type);
          if (targetBoundary && /Role/.test(action) && await supportsConditionKey(action, 'iam:PermissionsBoundary')) {
            context['iam:PermissionsBoundary'] = targetBoundary;
          }
          // the KMS::Key handler always sends KeySpec and KeyUsage, with the schema's defaults where the template sets none
          if (action === 'kms:CreateKey') {
            context['kms:KeySpec'] = properties.KeySpec ?? 'SYMMETRIC_DEFAULT';
            context['kms:KeyUsage'] = properties.KeyUsage ?? 'ENCRYPT_DECRYPT';
          }
          let requestArns = arns;
          if (resource.Type === 'AWS::KMS::Key' && action.startsWith('kms:')) {
            // the handler creates the key with the template's tags, never the stack's aws:cloudformation:* system
            // tags (generateTagsForCreate: "KMS does not support system tags"); KMS checks the kms:TagResource that
            // CreateKey's Tags need before the key exists, on no key ARN, with the request's tags only
            const tags = keyTagsOf(properties);
            const atCreation = action === 'kms:CreateKey' || (action === 'kms:TagResource' && op === 'create');
            if (action === 'kms:CreateKey' || action === 'kms:TagResource') {
              for (const [k, v] of Object.entries(tags)) context[`aws:RequestTag/${k}`] = v;
              if (Object.keys(tags).length > 0) context['aws:TagKeys'] = Object.keys(tags);
            }
            if (!atCreation) for (const [k, v] of Object.entries(tags)) context[`aws:ResourceTag/${k}`] = v;
            if (action === 'kms:TagResource' && op === 'create') requestArns = ['*'];
          }
          add({ account: t.account, region: t.region, action, resources: requestArns, context, resourcePolicy }, `${where} ${op}`);
        }
      }
    }
  }
  return { needs, unknownActions, noSchema, unneeded };
}

/** The tags of a KMS key's template properties (resolved), as a map. */
function keyTagsOf(properties: Record<string, any>): Record<string, string> {
  return Object.fromEntries(((properties.Tags ?? []) as Array<{ Key: string; Value: string }>).map((tag) => [tag.Key, String(tag.Value)]));
}

/** The decision on the first resource ARN the simulator can classify; the ARN and the denying Sids with it. */
async function decide(
  need: Need, identityPolicies: PolicyDocumentJson[], principal: string, permissionBoundaryPolicies?: PolicyDocumentJson[],
): Promise<{ decision: string; resource: string }> {
  const errors: string[] = [];
  for (const resource of need.resources) {
    try {
      const result = await simulateWithDetails({
        identityPolicies,
        permissionBoundaryPolicies,
        principal,
        action: need.action,
        resource,
        resourcePolicy: resource.startsWith('arn:aws:kms:') ? need.resourcePolicy : undefined,
        context: { ...need.context, 'aws:RequestedRegion': requestedRegion(need.action, need.region) },
      });
      const sids = result.explicitDenials.map((d) => d.sid).filter((s) => s);
      // the denying Sids explain a denial; for a request on no ARN (KMS's tag check of CreateKey) the simulator also
      // lists Denies on key ARNs that it did not apply
      return { decision: sids.length > 0 && result.decision !== 'Allowed' ? `${result.decision} (${sids.join(', ')})` : result.decision, resource };
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { decision: `not evaluated: ${errors.join('; ')}`, resource: need.resources.join(' | ') };
}

const accounts = PlatformBootstrap.forConfig(config);

describe('the CloudFormation execution policy of each account allows what the handlers of its resources call', () => {
  let stackNeeds: Needs;
  let productNeeds: Needs;
  const denied: Record<string, string[]> = {};
  const rows: Array<Record<string, string | number>> = [];

  beforeAll(async () => {
    // the product templates are provisioned by the launch role, not the execution role: see below
    // every template for the fixture and list checks below; the bootstrap role only for the stacks it deploys
    stackNeeds = await needsOf(stackTemplates);
    productNeeds = await needsOf(productTemplates);
    const bootstrapNeeds = await needsOf(stackTemplates.filter((t) => !isScoped(t)));
    for (const b of accounts) {
      const mine = [...bootstrapNeeds.needs.values()].filter((n) => n.account === b.accountId);
      const principal = `arn:aws:iam::${b.accountId}:role/cdk-${config.qualifier}-cfn-exec-role-${b.accountId}-${b.region}`;
      let allowed = 0;
      denied[b.account] = [];
      for (const need of mine) {
        const { decision, resource } = await decide(need, [b.executionPolicyDocument], principal);
        if (decision === 'Allowed') allowed++;
        else denied[b.account].push(`${need.action} on ${resource}: ${decision}, needed by ${need.neededBy[0]}${need.neededBy.length > 1 ? ` and ${need.neededBy.length - 1} more` : ''}`);
      }
      const types = new Set(stackTemplates.filter((t) => t.account === b.accountId)
        .flatMap((t) => Object.values<any>(t.json.Resources).map((r) => r.Type)));
      rows.push({ 'account': b.account, 'resource types': types.size, 'handler calls': mine.length, allowed, 'denied': denied[b.account].length });
    }
    if (process.env.DEPLOY_RULES_DUMP) fs.writeFileSync(process.env.DEPLOY_RULES_DUMP, JSON.stringify(denied, null, 1));
    console.log(`CloudFormation handler calls per account (${HANDLER_PERMISSIONS.source})\n${table(rows)}`);
  });

  test('every resource type of the reference app has a registry schema in the fixture, in its region', () => {
    expect(stackNeeds.noSchema).toEqual([]);
    expect(Object.keys(HANDLER_PERMISSIONS.types).length).toBeGreaterThan(50);
  });

  test.each(accounts.map((b) => [b.account]))('%s: no handler call is denied', (account) => {
    expect(denied[account]).toEqual([]);
  });

  test('every entry of UNNEEDED_HANDLER_CALLS is used by the stacks or the product templates (none is stale)', () => {
    const used = (e: UnneededCall) => stackNeeds.unneeded.has(e) || productNeeds.unneeded.has(e);
    expect(UNNEEDED_HANDLER_CALLS.filter((e) => !used(e)).map((e) => `${e.type} ${e.actions.join(',')}`)).toEqual([]);
  });

  test('every KMS key of the reference app delegates to its account (the key policy assumed for calls on keys the resources refer to)', () => {
    const keys = stackTemplates.flatMap((t) => Object.values<any>(t.json.Resources).filter((r) => r.Type === 'AWS::KMS::Key').map((r) => ({ t, r })));
    expect(keys.length).toBeGreaterThan(5);
    for (const { t, r } of keys) {
      const policy = new TemplatePolicies(t.json, { account: t.account, region: t.region }).resolve(r.Properties.KeyPolicy);
      expect(policy.Statement).toContainEqual(expect.objectContaining({
        Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.account}:root` }, Action: 'kms:*', Resource: '*',
      }));
    }
  });

  test('the handler actions unknown to the Service Authorization Reference are exactly the reviewed ones', () => {
    console.log(`handler actions unknown to IAM, not evaluated: ${[...stackNeeds.unknownActions].sort().join(', ') || 'none'}`);
    expect([...stackNeeds.unknownActions].sort()).toEqual(ACTIONS_UNKNOWN_TO_IAM);
  });
});

/** A stack that deploys with a use case's own execution role (a use case listed in `useCases`), not the bootstrap one. */
function isScoped(t: Template): boolean {
  return t.execRoleArn !== undefined && !t.execRoleArn.includes(`:role/cdk-${config.qualifier}-cfn-exec-role-`);
}

describe('the execution role of each listed use case allows what the handlers of its stacks\' resources call', () => {
  const scoped = [...new Set(stackTemplates.filter(isScoped).map((t) => t.execRoleArn!))].sort();
  const denied: Record<string, string[]> = {};
  const rows: Array<Record<string, string | number>> = [];

  beforeAll(async () => {
    for (const roleArn of scoped) {
      const [account, roleName] = [roleArn.split(':')[4], roleArn.split(':role/')[1]];
      const templates = stackTemplates.filter((t) => t.execRoleArn === roleArn);
      // the role and its policies are in the use case's onboarding stack of that account
      const home = stackTemplates.find((t) => t.account === account
        && Object.values<any>(t.json.Resources).some((r) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === roleName))!;
      const roleId = Object.entries<any>(home.json.Resources).find(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === roleName)![0];
      // the SageMaker guardrail denies depend on each request's security settings (VPC, keys, isolation),
      // for which the handler-permission model has no values; the guardrail tests hold the templates to them
      const guardrailArn = `arn:aws:iam::${account}:policy/${config.prefix}-SageMakerGuardrails`;
      const identity = new TemplatePolicies(home.json, { account, region: home.region })
        .identityPolicies(roleId, emptyManagedPolicies(guardrailArn));
      const needs = await needsOf(templates);
      denied[roleName] = [];
      let allowed = 0;
      for (const need of needs.needs.values()) {
        const { decision, resource } = await decide(need, identity, roleArn);
        if (decision === 'Allowed') allowed++;
        else denied[roleName].push(`${need.action} on ${resource}: ${decision}, needed by ${need.neededBy[0]}`);
      }
      rows.push({ 'execution role': roleName, 'stacks': templates.map((t) => t.stackName).join(' '), 'handler calls': needs.needs.size, allowed, 'denied': denied[roleName].length });
    }
    console.log(`CloudFormation handler calls per use-case execution role (${HANDLER_PERMISSIONS.source})\n${table(rows)}`);
  });

  test('the reference use case deploys its training and serving stacks with its own execution roles', () => {
    expect(scoped.map((a) => a.split(':role/')[1]).sort()).toEqual(['dev', 'exp', 'int', 'prod'].map((a) => `vwml-weld-gun-pm-${a}-cfn-exec`));
  });

  test.each(scoped.map((a) => [a.split(':role/')[1]]))('%s: no handler call is denied', (roleName) => {
    expect(denied[roleName]).toEqual([]);
  });
});

describe('in a landing zone (existing Config recorder and role, Security Hub and GitHub provider)', () => {
  test('each account\'s narrower execution policy still allows every handler call of its platform stack', async () => {
    const props = config.toJson();
    props.landingZone = { createConfigRecorder: false, enableSecurityHub: false };
    props.github = { organization: 'vw-mlops', oidcProviderArn: 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com' };
    const landingZone = PlatformConfig.fromObject(props);
    const lzApp = new App();
    new MlopsPlatform(lzApp, 'Platform', { config: landingZone });
    const templates = lzApp.synth().stacks
      .map((s) => ({ stackName: s.stackName, account: s.environment.account, region: s.environment.region, json: s.template }));
    const types = new Set(templates.flatMap((t) => Object.values<any>(t.json.Resources).map((r) => r.Type)));
    expect([...types].filter((t) => /Config::ConfigurationRecorder|Config::DeliveryChannel|SecurityHub|OIDCProvider|ServiceLinkedRole/.test(t))).toEqual([]);
    const { needs } = await needsOf(templates);
    const deniedCalls: string[] = [];
    for (const b of PlatformBootstrap.forConfig(landingZone)) {
      expect(JSON.stringify(b.executionPolicyDocument)).not.toMatch(/securityhub|OpenIDConnect/);
      const principal = `arn:aws:iam::${b.accountId}:role/cdk-${landingZone.qualifier}-cfn-exec-role-${b.accountId}-${b.region}`;
      for (const need of [...needs.values()].filter((n) => n.account === b.accountId)) {
        const { decision, resource } = await decide(need, [b.executionPolicyDocument], principal);
        if (decision !== 'Allowed') deniedCalls.push(`${b.account}: ${need.action} on ${resource}: ${decision}`);
      }
    }
    expect(deniedCalls).toEqual([]);
  });
});

describe('the Service Catalog launch role allows what the handlers of the product resources call', () => {
  const res = config.account(PlatformAccount.RES);
  const resTemplate = stackTemplates.find((t) => t.stackName === `${config.prefix}-platform-res`)!;
  const launchRoleId = Object.entries<any>(resTemplate.json.Resources)
    .find(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === `${config.prefix}-catalog-launch`)![0];
  let denied: string[] = [];

  beforeAll(async () => {
    const launchRole = new TemplatePolicies(resTemplate.json, { account: res.accountId, region: res.region }).rolePolicies(launchRoleId);
    // its own boundary (issue 12, point 7): every handler call must fit in it as well
    expect(launchRole.permissionBoundaryPolicies).toHaveLength(1);
    const { needs, noSchema } = await needsOf(productTemplates);
    expect(noSchema).toEqual([]);
    let allowed = 0;
    for (const need of needs.values()) {
      const { decision, resource } = await decide(need, launchRole.identityPolicies, `arn:aws:iam::${res.accountId}:role/${config.prefix}-catalog-launch`, launchRole.permissionBoundaryPolicies);
      if (decision === 'Allowed') allowed++;
      else denied.push(`${need.action} on ${resource}: ${decision}, needed by ${need.neededBy.map((b) => b.replace(/^\S+\//, '')).join('; ')}`);
    }
    denied = denied.sort();
    console.log(`Service Catalog products (${productTemplates.length} templates): ${needs.size} handler calls, ${allowed} allowed, ${denied.length} denied to the launch role:\n${denied.join('\n')}`);
  });

  test('two product templates', () => {
    expect(productTemplates).toHaveLength(2);
  });

  test('the launch role can launch, update and terminate both products: no handler call is denied', () => {
    expect(denied).toEqual([]);
  });
});

function table(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(width[i])).join(' | ');
  return [line(cols), width.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}
