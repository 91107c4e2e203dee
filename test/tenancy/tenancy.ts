/**
 * The tenancy measurement: one app with the platform and three onboarded use cases (`weld-gun-pm`,
 * `paint-defect` and `weld-gun`, a prefix of the first, to catch `<prefix>-<uc>-*` overlaps), each with
 * every extension (the bench app). For every role of use case A (found by its `mlops:use-case` tag, so
 * roles added later are picked up), every action class is evaluated by the flow engine (identity policy,
 * boundary, resource policy, key policy) against A's own resources and against those of every other use
 * case B. A same-tenant request is one the role is allowed on A's resource; its cross-tenant twins are the
 * same request on B's resources, which must be denied.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildBenchApp } from '../../bench/bench-app';
import { PlatformAccount, PlatformConfig } from '../../src';
import { JOB_NAME_DELIMITER } from '../../src/constructs/core/tenancy-tag';
import { sourceHash, readFlowStacks, FlowStack } from '../flows/engine/assembly';
import { evaluateRequest } from '../flows/engine/evaluate';
import { buildFlowModel, FlowModel, generatedRoleName, RoleModel } from '../flows/engine/model';
import { ACCOUNTS, AccountName, REGION } from '../flows/engine/types';
import { ensureRuntimeBundle, HANDLER_BUNDLE, REPO_ROOT } from '../helpers/runtime-bundle';

/** The use cases of the tenancy app (`weld-gun` is a prefix of `weld-gun-pm`). */
export const TENANTS = ['weld-gun-pm', 'paint-defect', 'weld-gun'];

/** Where the tenancy assembly is cached (reused while the sources are unchanged). */
export const TENANCY_ASSEMBLY_DIR = path.join(REPO_ROOT, '.tmp', 'tenancy-cdk.out');

const USE_CASE_TAG = 'mlops:use-case';
const TAG = `aws:PrincipalTag/${USE_CASE_TAG}`;
/** Services whose actions on the measured resources evaluate `aws:ResourceTag`. */
const TAGGED_SERVICES = ['sagemaker', 'cloudformation'];
/** Resources of those services whose tags the measurement does not assume: model versions (untagged), pipeline executions. */
const UNTAGGED_KINDS = ['model-package', 'pipeline-execution'];

/** Synthesizes the tenancy app into `.tmp/tenancy-cdk.out` unless the cached one is of the current sources. */
export function tenancyStacks(): FlowStack[] {
  ensureRuntimeBundle(HANDLER_BUNDLE);
  const hash = createHash('sha256').update(sourceHash()).update(fs.readFileSync(path.join(REPO_ROOT, 'bench', 'bench-app.ts'))).update(TENANTS.join(',')).digest('hex');
  const hashFile = path.join(TENANCY_ASSEMBLY_DIR, '.tenancy-source-hash');
  if (!fs.existsSync(hashFile) || fs.readFileSync(hashFile, 'utf8') !== hash) {
    const tmp = `${TENANCY_ASSEMBLY_DIR}.${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    buildBenchApp({ outdir: tmp, useCaseNames: TENANTS }).synth();
    fs.writeFileSync(path.join(tmp, '.tenancy-source-hash'), hash);
    fs.rmSync(TENANCY_ASSEMBLY_DIR, { recursive: true, force: true });
    fs.renameSync(tmp, TENANCY_ASSEMBLY_DIR);
  }
  return readFlowStacks(TENANCY_ASSEMBLY_DIR);
}

/** One resource of a use case an action class is tried on. */
interface TenantResource {
  readonly kind: string;
  readonly arn: string;
}

/** An action class: actions tried on one kind of resource. */
interface ActionClass {
  readonly name: string;
  readonly kind: string;
  readonly actions: string[];
}

/** The action classes. */
export const ACTION_CLASSES: ActionClass[] = [
  { name: 's3 read object', kind: 'object', actions: ['s3:GetObject'] },
  { name: 's3 write object', kind: 'object', actions: ['s3:PutObject', 's3:DeleteObject'] },
  { name: 'kms use key', kind: 'key', actions: ['kms:Decrypt', 'kms:GenerateDataKey'] },
  { name: 'model package read', kind: 'model-package', actions: ['sagemaker:DescribeModelPackage'] },
  { name: 'model package approve', kind: 'model-package', actions: ['sagemaker:UpdateModelPackage'] },
  { name: 'model package create', kind: 'model-package', actions: ['sagemaker:CreateModelPackage'] },
  { name: 'pipeline start', kind: 'pipeline', actions: ['sagemaker:StartPipelineExecution'] },
  { name: 'pipeline change', kind: 'pipeline', actions: ['sagemaker:UpdatePipeline', 'sagemaker:DeletePipeline'] },
  // an execution's ARN names its pipeline; whether SageMaker tags it is not relied on (no aws:ResourceTag)
  { name: 'pipeline execution', kind: 'pipeline-execution', actions: ['sagemaker:DescribePipelineExecution', 'sagemaker:StopPipelineExecution', 'sagemaker:RetryPipelineExecution'] },
  { name: 'endpoint invoke', kind: 'endpoint', actions: ['sagemaker:InvokeEndpoint'] },
  { name: 'endpoint change', kind: 'endpoint', actions: ['sagemaker:UpdateEndpoint', 'sagemaker:DeleteEndpoint'] },
  { name: 'stack change', kind: 'stack', actions: ['cloudformation:UpdateStack', 'cloudformation:DeleteStack'] },
  { name: 'logs read', kind: 'log-group', actions: ['logs:GetLogEvents'] },
  // EXP's job log groups are shared by every use case's jobs; a stream's name starts with its job's
  { name: 'job logs read', kind: 'job-log-stream', actions: ['logs:GetLogEvents'] },
  { name: 'deployment approve', kind: 'approval-action', actions: ['codepipeline:PutApprovalResult'] },
  { name: 'deployment pipeline read', kind: 'deployment-pipeline', actions: ['codepipeline:GetPipelineState', 'codepipeline:ListActionExecutions'] },
  { name: 'deployment pipeline change', kind: 'deployment-pipeline', actions: ['codepipeline:UpdatePipeline'] },
];

/** The role of each use case that approves its INT and PROD deployments (measured like every role of the use case). */
export const APPROVER_ROLE = (useCase: string) => `${PlatformConfig.sample().prefix}-${useCase}-approver`;

const ACCOUNT_OF: Record<string, AccountName> = Object.fromEntries(Object.entries(ACCOUNTS).map(([k, v]) => [v, k as AccountName]));

/** The use case that owns a name: the longest tenant `u` with `-u-` in it or at its end. */
export function ownerOf(name: string): string | undefined {
  return [...TENANTS].sort((a, b) => b.length - a.length).find((u) => name.includes(`-${u}-`) || name.endsWith(`-${u}`) || name.includes(`-${u}/`));
}

/** The resources of a use case, by kind: named by the conventions, buckets and keys found in the templates. */
export function resourcesOf(model: FlowModel, useCase: string): TenantResource[] {
  const config = PlatformConfig.sample();
  const base = `${config.prefix}-${useCase}`;
  const out: TenantResource[] = [];
  for (const [bucket] of model.bucketAccounts) if (ownerOf(bucket) === useCase) out.push({ kind: 'object', arn: `arn:aws:s3:::${bucket}/${useCase}/data.csv` });
  // a use case's keys: alias/<prefix>/<use case>/... (artifacts in EXP, data in DEV/INT/PROD), or its tag
  const aliasOwner = (alias: string) => [...TENANTS].sort((a, b) => b.length - a.length).find((u) => alias.startsWith(`alias/${config.prefix}/${u}/`));
  for (const [key, aliases] of model.keyAliases) if (aliases.some((a) => aliasOwner(a) === useCase)) out.push({ kind: 'key', arn: key });
  for (const [arn, tags] of model.resourceTags) if (arn.startsWith('arn:aws:kms:') && tags['aws:ResourceTag/mlops:use-case'] === useCase && !out.some((r) => r.arn === arn)) out.push({ kind: 'key', arn });
  for (const a of [PlatformAccount.EXP, PlatformAccount.RES, PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD]) {
    const id = config.account(a).accountId;
    const sm = `arn:aws:sagemaker:${REGION}:${id}`;
    out.push({ kind: 'model-package', arn: `${sm}:model-package/${base}/7` });
    out.push({ kind: 'pipeline', arn: `${sm}:pipeline/${base}-build` });
    out.push({ kind: 'pipeline-execution', arn: `${sm}:pipeline/${base}-build/execution/a1b2c3d4e5f6` });
    out.push({ kind: 'endpoint', arn: `${sm}:endpoint/${base}-${a}` });
    out.push({ kind: 'stack', arn: `arn:aws:cloudformation:${REGION}:${id}:stack/${base}-serving-${a}/1` });
    out.push({ kind: 'log-group', arn: `arn:aws:logs:${REGION}:${id}:log-group:/aws/sagemaker/Endpoints/${base}-${a}:log-stream:x` });
  }
  const exp = config.account(PlatformAccount.EXP).accountId;
  for (const [group, step] of [['TrainingJobs', 'train'], ['ProcessingJobs', 'prep'], ['TransformJobs', 'batch']]) {
    out.push({ kind: 'job-log-stream', arn: `arn:aws:logs:${REGION}:${exp}:log-group:/aws/sagemaker/${group}:log-stream:${base}${JOB_NAME_DELIMITER}${step}-a1b2c3d4e5f6/algo-1-1765000000` });
  }
  // the deployment pipeline in RES and its approval actions (before INT and PROD)
  const pipeline = `arn:aws:codepipeline:${REGION}:${config.account(PlatformAccount.RES).accountId}:${base}-deploy`;
  out.push({ kind: 'deployment-pipeline', arn: pipeline });
  for (const stage of ['ApproveInt', 'ApproveProd']) out.push({ kind: 'approval-action', arn: `${pipeline}/${stage}/Approve` });
  return out;
}

/** The roles of a use case: those tagged `mlops:use-case=<useCase>`. */
export function rolesOf(model: FlowModel, useCase: string): RoleModel[] {
  return [...model.roles.values()].filter((r) => r.tags[TAG] === useCase);
}

/**
 * The persona roles that act for one use case at a time, through the session tag `mlops:use-case` a person
 * brings from Identity Center: data scientists, leads and MLOps engineers of every account. Auditors are
 * the platform's (they review every use case, change nothing and read no data).
 */
export function sessionTaggedRoles(model: FlowModel): RoleModel[] {
  const personas = ['DataScientist', 'LeadDataScientist', 'MlopsEngineer'];
  return [...model.roles.values()].filter((r) => personas.includes(String(r.tags['aws:PrincipalTag/mlops:persona'])));
}

/** One evaluated request. */
export interface TenancyResult {
  readonly useCase: string;
  readonly role: string;
  readonly actionClass: string;
  readonly action: string;
  readonly resource: string;
  /** The use case owning the resource. */
  readonly owner: string;
  readonly allowed: boolean;
}

/** The measurement. */
export interface TenancyReport {
  readonly results: TenancyResult[];
  readonly sameTenantAllowed: TenancyResult[];
  readonly crossTenantDenied: TenancyResult[];
  readonly crossTenantAllowed: TenancyResult[];
  /** Cross-tenant allowed, as `role-kind | action class` classes (the use-case name in the role replaced by `<uc>`). */
  readonly gapClasses: string[];
  /**
   * Roles left out: unnamed roles whose fake name (`<stack name>-<logical id>`, cut to 64 characters) is
   * the same in several stacks of one account, so the flow model could not tell them apart.
   */
  readonly ambiguousRoles: string[];
}

/** Unnamed roles whose logical id occurs in more than one stack of the same account. */
function ambiguousRoleArns(model: FlowModel): Set<string> {
  const seen = new Map<string, Set<string>>();
  for (const s of model.stacks) {
    for (const [id, r] of Object.entries<any>(s.template.Resources ?? {})) {
      if (r.Type !== 'AWS::IAM::Role' || r.Properties?.RoleName !== undefined) continue;
      // the flow model names an unnamed role as CloudFormation does, after its stack and logical id
      const arn = `arn:aws:iam::${s.account}:role/${generatedRoleName(s.stackName, id)}`;
      seen.set(arn, new Set([...(seen.get(arn) ?? []), s.name]));
    }
  }
  return new Set([...seen.entries()].filter(([, stacks]) => stacks.size > 1).map(([arn]) => arn));
}

/** The role's name with its use case replaced by `<uc>`. */
export function roleKind(role: string, useCase: string): string {
  return role.split(useCase).join('<uc>');
}

/** Evaluates every action class of every role of every tenant against every tenant's resources. */
export async function measureTenancy(model: FlowModel): Promise<TenancyReport> {
  const results: TenancyResult[] = [];
  const resources = new Map(TENANTS.map((u) => [u, resourcesOf(model, u)]));
  const ambiguous = ambiguousRoleArns(model);
  const personas = sessionTaggedRoles(model);
  if (personas.length === 0) throw new Error('tenancy: no persona roles (tag mlops:persona) in the app');
  for (const useCase of TENANTS) {
    // a use case's own roles, and every persona role with the use case as its session tag
    const measured = [
      ...rolesOf(model, useCase).map((role) => ({ role, session: undefined })),
      ...personas.map((role) => ({ role, session: useCase })),
    ];
    const approver = `arn:aws:iam::${ACCOUNTS.RES}:role/${APPROVER_ROLE(useCase)}`;
    if (!measured.some((m) => m.role.arn === approver)) throw new Error(`tenancy: the approver role ${approver} of ${useCase} is not among its roles (tag mlops:use-case)`);
    for (const { role, session } of measured.filter((m) => !ambiguous.has(m.role.arn))) {
      const caller = role.arn.split(':role/')[1];
      const label = session ? `${caller} (session ${session})` : caller;
      const account = ACCOUNT_OF[role.account];
      if (!account) continue;
      for (const cls of ACTION_CLASSES) {
        for (const owner of TENANTS) {
          for (const res of resources.get(owner)!.filter((r) => r.kind === cls.kind)) {
            for (const action of cls.actions) {
              const r = await evaluateRequest(model, {
                step: `${cls.name}`,
                caller,
                account,
                action,
                resource: res.arn,
                reason: 'tenancy',
                doc: 'issue 12',
                // the use-case stacks tag every resource with its use case; SageMaker and CloudFormation
                // evaluate that tag (aws:ResourceTag) on these actions, S3 objects and log streams do not
                context: {
                  ...(TAGGED_SERVICES.some((svc) => action.startsWith(`${svc}:`)) && !UNTAGGED_KINDS.includes(cls.kind) ? { [`aws:ResourceTag/${USE_CASE_TAG}`]: owner } : {}),
                  ...(session ? { [TAG]: session } : {}),
                },
              });
              results.push({ useCase, role: label, actionClass: cls.name, action, resource: res.arn, owner, allowed: r.allowed });
            }
          }
        }
      }
    }
  }
  const sameTenantAllowed = results.filter((r) => r.owner === r.useCase && r.allowed);
  const cross = results.filter((r) => r.owner !== r.useCase);
  const crossTenantAllowed = cross.filter((r) => r.allowed);
  const gapClasses = [...new Set(crossTenantAllowed.map((r) => `${roleKind(r.role, r.useCase)} | ${r.actionClass}`))].sort();
  const crossTenantDenied = cross.filter((r) => !r.allowed);
  return { results, sameTenantAllowed, crossTenantDenied, crossTenantAllowed, gapClasses, ambiguousRoles: [...ambiguous].sort() };
}

/** Builds the model of the tenancy app. */
export function tenancyModel(stacks = tenancyStacks()): FlowModel {
  return buildFlowModel(stacks);
}
