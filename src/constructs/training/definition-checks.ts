import { Token } from 'aws-cdk-lib';
import { PipelinePlaceholder } from './pipeline-definition-source';

/**
 * An exemption of some steps from one security rule of `ModelBuildPipeline`: the steps are named,
 * and the reason says why the rule cannot apply to them. Exemptions are recorded in the construct's
 * metadata and reported as info annotations; they are never implied.
 */
export interface SecurityExemption {
  /**
   * The names of the exempted steps (steps inside a condition step's branches included). Each must
   * be a step of the definition of a type the rule applies to, and must actually lack the setting.
   * For a definition from S3, which cannot be read at synth time, the names are recorded unchecked.
   */
  readonly stepNames: string[];

  /**
   * Why the rule does not apply to these steps, in at least 30 characters, e.g. `'ml.g5 instances
   * encrypt their local NVMe storage in hardware; SageMaker refuses a VolumeKmsKeyId for them'`.
   */
  readonly reason: string;
}

/**
 * Exemptions from the security rules `ModelBuildPipeline` checks on every job step of a definition
 * (from a `PipelineDefinition` or a JSON file). Each exemption also relaxes the matching condition of
 * the execution role's policy for the job types of the exempted steps (IAM cannot tell steps apart).
 */
export interface PipelineSecurityExemptions {
  /**
   * Steps that run outside the VPC (no subnets and security groups).
   * @default - no exemption: every Processing, Training, Tuning and Model step runs in the VPC
   */
  readonly withoutVpc?: SecurityExemption;

  /**
   * Steps whose ML storage volume is not encrypted with the pipeline's key (instance types with
   * local NVMe storage, for which SageMaker refuses a `VolumeKmsKeyId`).
   * @default - no exemption: every Processing, Training, Tuning and Transform step sets the volume key
   */
  readonly withoutVolumeEncryption?: SecurityExemption;

  /**
   * Steps whose output is not encrypted with the pipeline's key by the job (the artifact bucket's
   * default encryption still applies).
   * @default - no exemption: every Processing step with outputs and every Training, Tuning and Transform step sets the output key
   */
  readonly withoutOutputEncryption?: SecurityExemption;

  /**
   * Steps whose containers may reach the network (a job that downloads packages, say).
   * @default - no exemption: every Processing, Training, Tuning and Model step enables network isolation
   */
  readonly withoutNetworkIsolation?: SecurityExemption;

  /**
   * Steps whose instances talk to each other unencrypted (single-instance jobs gain nothing from
   * the encryption, but it costs nothing either).
   * @default - no exemption: every Processing, Training and Tuning step encrypts inter-container traffic
   */
  readonly withoutInterContainerEncryption?: SecurityExemption;
}

/** The security rules of job steps. @internal */
export enum SecurityRule {
  VPC = 'withoutVpc',
  VOLUME_KMS = 'withoutVolumeEncryption',
  OUTPUT_KMS = 'withoutOutputEncryption',
  NETWORK_ISOLATION = 'withoutNetworkIsolation',
  INTER_CONTAINER = 'withoutInterContainerEncryption',
}

/** The job types of a pipeline and the SageMaker API that creates each. @internal */
export enum JobType {
  PROCESSING = 'Processing',
  TRAINING = 'Training',
  TUNING = 'Tuning',
  TRANSFORM = 'Transform',
  MODEL = 'Model',
}

/** Which rules apply to which job type. @internal */
export const RULES_BY_JOB_TYPE: Record<JobType, SecurityRule[]> = {
  [JobType.PROCESSING]: Object.values(SecurityRule),
  [JobType.TRAINING]: Object.values(SecurityRule),
  [JobType.TUNING]: Object.values(SecurityRule),
  [JobType.TRANSFORM]: [SecurityRule.VOLUME_KMS, SecurityRule.OUTPUT_KMS],
  [JobType.MODEL]: [SecurityRule.VPC, SecurityRule.NETWORK_ISOLATION],
};

/** The step types a definition may have. */
const OTHER_STEP_TYPES = ['RegisterModel', 'Condition', 'Fail', 'Lambda'];

/** What the definition is checked against. @internal */
export interface CheckContext {
  readonly pipelineName: string;
  readonly roleArn: string;
  readonly keyArns: string[];
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly artifactBucketName: string;
  readonly inputBucketNames: string[];
  readonly repositoryArns: string[];
  readonly modelPackageGroupName: string;
  readonly exemptions: PipelineSecurityExemptions;
  /** The prefix every processing, training and transform job name must start with, if any. */
  readonly jobNamePrefix?: string;
}

/** What the definition needs from the execution role. @internal */
export interface DefinitionNeeds {
  /** Job types used, and per job type the rules an exempted step relaxes. */
  readonly jobTypes: Map<JobType, Set<SecurityRule>>;
  /** Whether a RegisterModel step exists. */
  readonly registersModels: boolean;
  /** Lambda function ARNs invoked by Lambda steps. */
  readonly lambdaFunctionArns: string[];
  /** The experiment name if the definition tracks executions in experiments ('*' when not literal). */
  readonly experimentName?: string;
  /** The declared parameter names. */
  readonly parameterNames: string[];
  /**
   * Per job type, the prefixes of the names of its jobs: the steps' literal job-name prefixes, and
   * `DEFAULT_JOB_NAME_PREFIX` for a step without one (SageMaker Pipelines names it). Absent: any name.
   */
  readonly jobNamePrefixes: Map<JobType, Set<string>>;
}

/** The prefix SageMaker Pipelines gives the jobs it names itself: `pipelines-<execution id>-<step>-<suffix>`. @internal */
export const DEFAULT_JOB_NAME_PREFIX = 'pipelines-';

/** The argument that carries a job step's name prefix (the SDK's `use_custom_job_prefix`). */
const JOB_NAME_FIELDS: Partial<Record<JobType, string>> = {
  [JobType.PROCESSING]: 'ProcessingJobName',
  [JobType.TRAINING]: 'TrainingJobName',
  [JobType.TRANSFORM]: 'TransformJobName',
};

/** The values of the placeholders. @internal */
export interface PlaceholderValues {
  readonly roleArn: string;
  readonly bucketName: string;
  readonly keyArn: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly imageUri?: string;
}

const PLACEHOLDER = /\{\{ModelBuildPipeline\.([A-Za-z]*)\}\}/g;

/**
 * Replaces the `PipelinePlaceholder`s in a definition (in place, returning the result).
 * @internal
 */
export function substitutePlaceholders(json: any, values: PlaceholderValues): any {
  const scalar: Record<string, string> = {
    [PipelinePlaceholder.ROLE_ARN]: values.roleArn,
    [PipelinePlaceholder.ARTIFACT_BUCKET_NAME]: values.bucketName,
    [PipelinePlaceholder.KMS_KEY_ARN]: values.keyArn,
    ...(values.imageUri !== undefined ? { [PipelinePlaceholder.IMAGE_URI]: values.imageUri } : {}),
  };
  const lists: Record<string, string[]> = {
    [PipelinePlaceholder.SUBNET_IDS]: values.subnetIds,
    [PipelinePlaceholder.SECURITY_GROUP_IDS]: values.securityGroupIds,
  };
  const known = [...Object.keys(scalar), ...Object.keys(lists)];
  const replaceString = (s: string): string =>
    s.replace(PLACEHOLDER, (match) => {
      if (scalar[match] !== undefined) return scalar[match];
      if (lists[match] !== undefined) {
        throw new Error(`the placeholder ${match} stands for a list of ids: write it as a whole element of a list (e.g. "Subnets": ["${match}"]), not inside ${JSON.stringify(s)}`);
      }
      if (match === PipelinePlaceholder.IMAGE_URI) {
        throw new Error(`the definition uses ${match} but the pipeline has no imageUri; give ModelBuildPipeline an imageUri (e.g. the use case's image by digest) or write the image URI into the definition`);
      }
      throw new Error(`unknown placeholder ${match}; the placeholders are ${known.join(', ')}`);
    });
  const walk = (x: any): any => {
    if (typeof x === 'string') return replaceString(x);
    if (Array.isArray(x)) return x.flatMap((e) => (typeof e === 'string' && lists[e] !== undefined ? [...lists[e]] : [walk(e)]));
    if (x && typeof x === 'object') {
      const out: Record<string, any> = {};
      for (const [k, v] of Object.entries(x)) out[k] = walk(v);
      return out;
    }
    return x;
  };
  return walk(json);
}

/** A step with where it sits, for messages. */
interface StepRef {
  readonly name: string;
  readonly type: string;
  readonly args: any;
  readonly raw: any;
}

function allSteps(steps: any[], out: StepRef[] = []): StepRef[] {
  for (const s of steps ?? []) {
    const name = typeof s?.Name === 'string' ? s.Name : '(unnamed)';
    out.push({ name, type: String(s?.Type), args: s?.Arguments ?? {}, raw: s });
    if (s?.Type === 'Condition') {
      allSteps(s?.Arguments?.IfSteps ?? [], out);
      allSteps(s?.Arguments?.ElseSteps ?? [], out);
    }
  }
  return out;
}

/** The value at a path such as `a.b[0].c`, or undefined. */
function at(obj: any, path: string): any {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com|amazonaws\.com\.cn|c2s\.ic\.gov|sc2s\.sgov\.gov)\/([a-z0-9._/-]+)(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?$/;

/** The ECR repository (account, region, name) of a literal image URI. @internal */
export function parseImageUri(uri: string): { account: string; region: string; repository: string } | undefined {
  const m = ECR_IMAGE.exec(uri);
  return m ? { account: m[1], region: m[2], repository: m[3] } : undefined;
}

/**
 * The bucket of an S3 URI value, when it can be known at synth time: a string `s3://bucket/...`, or a
 * `Std:Join` on `/` whose leading literal values spell `s3://bucket/` (or `s3:/`, `bucket`).
 */
function bucketOf(value: any): string | undefined {
  let prefix: string | undefined;
  if (typeof value === 'string') {
    prefix = value;
  } else if (value && typeof value === 'object' && value['Std:Join'] && value['Std:Join'].On === '/') {
    const literals: string[] = [];
    for (const v of value['Std:Join'].Values ?? []) {
      if (typeof v !== 'string') break;
      literals.push(v);
    }
    prefix = literals.join('/') + (literals.length < (value['Std:Join'].Values ?? []).length ? '/' : '');
  }
  if (!prefix) return undefined;
  const m = /^s3:\/\/([^/]+)\//.exec(prefix) ?? /^s3:\/\/([^/]+)$/.exec(prefix);
  return m ? m[1] : undefined;
}

/** Whether the value is a pipeline expression (`Get`, `Std:Join`, `Std:JsonGet`) rather than a literal. */
function isExpression(value: any): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks a definition against the pipeline's security rules and resources; returns the problems
 * (empty when secure) and what the definition needs from the role.
 * @internal
 */
export function checkDefinition(json: any, ctx: CheckContext): { problems: string[]; needs: DefinitionNeeds } {
  const problems: string[] = [];
  const steps = allSteps(json?.Steps ?? []);
  const jobTypes = new Map<JobType, Set<SecurityRule>>();
  const jobNamePrefixes = new Map<JobType, Set<string>>();
  const lambdaFunctionArns: string[] = [];
  let registersModels = false;

  // the exemptions: well formed, naming existing steps of a type the rule applies to
  const exempted = new Map<SecurityRule, Set<string>>();
  const stepByName = new Map(steps.map((s) => [s.name, s]));
  for (const rule of Object.values(SecurityRule)) {
    const e = (ctx.exemptions as any)[rule] as SecurityExemption | undefined;
    if (!e) continue;
    for (const name of e.stepNames) {
      const step = stepByName.get(name);
      if (!step) {
        problems.push(`securityExemptions.${rule} names step "${name}", which the definition does not have; its steps are ${JSON.stringify([...stepByName.keys()])}`);
      } else if (!(step.type in RULES_BY_JOB_TYPE) || !RULES_BY_JOB_TYPE[step.type as JobType].includes(rule)) {
        problems.push(`securityExemptions.${rule} names step "${name}", a ${step.type} step, to which the rule does not apply; remove it from the exemption`);
      }
    }
    exempted.set(rule, new Set(e.stepNames));
  }
  const isExempt = (rule: SecurityRule, step: StepRef) => exempted.get(rule)?.has(step.name) ?? false;

  for (const step of steps) {
    const where = `step "${step.name}" (${step.type})`;
    const a = step.args;
    const issue = (text: string) => problems.push(`${where}: ${text}`);

    // one security rule: the setting is present (and, when exempted, absent)
    const rule = (r: SecurityRule, present: boolean, missing: string) => {
      const exempt = isExempt(r, step);
      if (!present && !exempt) {
        issue(`${missing} (or exempt the step with securityExemptions.${r} and a reason)`);
      } else if (present && exempt) {
        issue(`is exempted by securityExemptions.${r} but has the setting; remove the step from the exemption`);
      }
      if (exempt) jobTypes.get(step.type as JobType)?.add(r);
    };
    const role = (path: string) => {
      const v = at(a, path);
      if (v === undefined) {issue(`${path} is missing; write ${PipelinePlaceholder.ROLE_ARN}`);} else if (v !== ctx.roleArn) {
        issue(`${path} ${describe(v)} is not the pipeline's execution role, the only role it may pass to SageMaker; write ${PipelinePlaceholder.ROLE_ARN}`);
      }
    };
    const kms = (r: SecurityRule, path: string, what: string) => {
      const v = at(a, path);
      rule(r, v !== undefined && v !== null && v !== '', `${path} is missing: ${what} is not encrypted with the pipeline's key; write ${PipelinePlaceholder.KMS_KEY_ARN}`);
      if (v !== undefined && v !== null && v !== '' && !ctx.keyArns.includes(v)) {
        issue(`${path} ${describe(v)} is not the pipeline's key; write ${PipelinePlaceholder.KMS_KEY_ARN} (the execution role may use no other key)`);
      }
    };
    const vpc = (path: string) => {
      const subnets = at(a, `${path}.Subnets`);
      const groups = at(a, `${path}.SecurityGroupIds`);
      const hasSubnets = Array.isArray(subnets) && subnets.length > 0;
      const hasGroups = Array.isArray(groups) && groups.length > 0;
      const missing = [!hasSubnets ? `${path}.Subnets` : undefined, !hasGroups ? `${path}.SecurityGroupIds` : undefined].filter((x) => x);
      rule(SecurityRule.VPC, missing.length === 0, `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing: the job would run outside the VPC; write ["${PipelinePlaceholder.SUBNET_IDS}"] and ["${PipelinePlaceholder.SECURITY_GROUP_IDS}"]`);
      for (const s of hasSubnets ? subnets : []) {
        if (!ctx.subnetIds.includes(s)) issue(`${path}.Subnets has ${describe(s)}, which is not a subnet of the pipeline; write ["${PipelinePlaceholder.SUBNET_IDS}"]`);
      }
      for (const g of hasGroups ? groups : []) {
        if (!ctx.securityGroupIds.includes(g)) issue(`${path}.SecurityGroupIds has ${describe(g)}, which is not a security group of the pipeline; write ["${PipelinePlaceholder.SECURITY_GROUP_IDS}"]`);
      }
    };
    const flag = (r: SecurityRule, path: string, what: string) => {
      const v = at(a, path);
      rule(r, v === true, v === undefined ? `${path} is missing: ${what}; set it to true` : `${path} is ${describe(v)}, not the literal true: ${what}; set it to true`);
    };
    const image = (path: string) => {
      const v = at(a, path);
      if (v === undefined) {
        issue(`${path} is missing; run an image of imageRepositoryArns`);
      } else if (typeof v === 'string' && !Token.isUnresolved(v)) {
        const ecr = parseImageUri(v);
        const arnSuffix = ecr ? `:ecr:${ecr.region}:${ecr.account}:repository/${ecr.repository}` : undefined;
        if (!ecr) {issue(`${path} ${describe(v)} is not an Amazon ECR image URI; use an image of imageRepositoryArns`);} else if (!ctx.repositoryArns.some((r) => r.endsWith(arnSuffix!)) && !ctx.repositoryArns.some((r) => Token.isUnresolved(r))) {
          issue(`${path} ${describe(v)} is in repository ${ecr.account}/${ecr.repository}, which is not in imageRepositoryArns; add arn:aws:ecr:${ecr.region}:${ecr.account}:repository/${ecr.repository} to imageRepositoryArns or use an image of the central registry`);
        }
      }
    };
    const output = (path: string) => {
      const b = bucketOf(at(a, path));
      if (b !== undefined && b !== ctx.artifactBucketName) {
        issue(`${path} writes to bucket ${describe(b)}; the jobs may only write to the pipeline's artifact bucket: write s3://${PipelinePlaceholder.ARTIFACT_BUCKET_NAME}/...`);
      }
    };
    const input = (path: string, value: any = at(a, path)) => {
      const b = bucketOf(value);
      if (b !== undefined && b !== ctx.artifactBucketName && !ctx.inputBucketNames.includes(b)) {
        issue(`${path} reads from bucket ${describe(b)}, which is neither the artifact bucket nor one of inputBuckets; add the bucket to inputBuckets`);
      }
    };
    const trainingJob = (prefix: string) => {
      const p = (x: string) => (prefix ? `${prefix}.${x}` : x);
      role(p('RoleArn'));
      image(p('AlgorithmSpecification.TrainingImage'));
      vpc(p('VpcConfig'));
      kms(SecurityRule.VOLUME_KMS, p('ResourceConfig.VolumeKmsKeyId'), 'the ML storage volume');
      kms(SecurityRule.OUTPUT_KMS, p('OutputDataConfig.KmsKeyId'), 'the model artifact');
      flag(SecurityRule.NETWORK_ISOLATION, p('EnableNetworkIsolation'), 'the containers could reach the network');
      flag(SecurityRule.INTER_CONTAINER, p('EnableInterContainerTrafficEncryption'), 'traffic between the instances would be unencrypted');
      output(p('OutputDataConfig.S3OutputPath'));
      (at(a, p('InputDataConfig')) ?? []).forEach((c: any, i: number) => input(p(`InputDataConfig[${i}].DataSource.S3DataSource.S3Uri`), c?.DataSource?.S3DataSource?.S3Uri));
      const checkpoint = at(a, p('CheckpointConfig.S3Uri'));
      if (checkpoint !== undefined) output(p('CheckpointConfig.S3Uri'));
    };

    const nameField = JOB_NAME_FIELDS[step.type as JobType];
    if (nameField !== undefined) {
      const names = jobNamePrefixes.get(step.type as JobType) ?? new Set<string>();
      jobNamePrefixes.set(step.type as JobType, names);
      const name = a?.[nameField];
      const required = ctx.jobNamePrefix;
      if (name === undefined || name === null) {
        if (required !== undefined) {
          issue(`${nameField} is missing: the pipeline's jobs are named "${required}<step>-<suffix>"; give the step a jobNamePrefix such as ${JSON.stringify(`${required}${step.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`)} (the SDK: base_job_name with PipelineDefinitionConfig(use_custom_job_prefix=True))`);
        }
        names.add(DEFAULT_JOB_NAME_PREFIX);
      } else if (typeof name !== 'string') {
        issue(`${nameField} ${describe(name)} must be a literal job name prefix, not a reference: the execution role may only create jobs of known names`);
      } else if (required !== undefined && !name.startsWith(required)) {
        issue(`${nameField} ${JSON.stringify(name)} does not start with the pipeline's job name prefix ${JSON.stringify(required)}; write ${JSON.stringify(`${required}${name}`)}`);
      } else {
        names.add(name);
      }
    }

    switch (step.type) {
      case JobType.PROCESSING: {
        jobTypes.set(JobType.PROCESSING, jobTypes.get(JobType.PROCESSING) ?? new Set());
        role('RoleArn');
        image('AppSpecification.ImageUri');
        vpc('NetworkConfig.VpcConfig');
        kms(SecurityRule.VOLUME_KMS, 'ProcessingResources.ClusterConfig.VolumeKmsKeyId', 'the ML storage volume');
        if (a.ProcessingOutputConfig !== undefined) {
          kms(SecurityRule.OUTPUT_KMS, 'ProcessingOutputConfig.KmsKeyId', 'the job\'s output');
        } else if (isExempt(SecurityRule.OUTPUT_KMS, step)) {
          issue(`is exempted by securityExemptions.${SecurityRule.OUTPUT_KMS} but has no outputs; remove the step from the exemption`);
        }
        flag(SecurityRule.NETWORK_ISOLATION, 'NetworkConfig.EnableNetworkIsolation', 'the container could reach the network');
        flag(SecurityRule.INTER_CONTAINER, 'NetworkConfig.EnableInterContainerTrafficEncryption', 'traffic between the instances would be unencrypted');
        (a.ProcessingOutputConfig?.Outputs ?? []).forEach((o: any, i: number) => {
          if (o?.S3Output) output(`ProcessingOutputConfig.Outputs[${i}].S3Output.S3Uri`);
          if (o?.S3Output === undefined) issue(`ProcessingOutputConfig.Outputs[${i}] is not an S3 output; ModelBuildPipeline writes outputs to the artifact bucket only`);
        });
        (a.ProcessingInputs ?? []).forEach((i: any, n: number) => {
          if (i?.S3Input) input(`ProcessingInputs[${n}].S3Input.S3Uri`, i.S3Input.S3Uri);
          else issue(`ProcessingInputs[${n}] is not an S3 input; ModelBuildPipeline reads inputs from S3 only`);
        });
        break;
      }
      case JobType.TRAINING:
        jobTypes.set(JobType.TRAINING, jobTypes.get(JobType.TRAINING) ?? new Set());
        trainingJob('');
        break;
      case JobType.TUNING: {
        jobTypes.set(JobType.TUNING, jobTypes.get(JobType.TUNING) ?? new Set());
        const definitions = a.TrainingJobDefinitions;
        if (Array.isArray(definitions) && definitions.length > 0) {
          definitions.forEach((_d: any, i: number) => trainingJob(`TrainingJobDefinitions[${i}]`));
        } else {
          trainingJob('TrainingJobDefinition');
        }
        break;
      }
      case JobType.TRANSFORM:
        jobTypes.set(JobType.TRANSFORM, jobTypes.get(JobType.TRANSFORM) ?? new Set());
        kms(SecurityRule.VOLUME_KMS, 'TransformResources.VolumeKmsKeyId', 'the ML storage volume');
        kms(SecurityRule.OUTPUT_KMS, 'TransformOutput.KmsKeyId', 'the transform output');
        output('TransformOutput.S3OutputPath');
        input('TransformInput.DataSource.S3DataSource.S3Uri');
        break;
      case JobType.MODEL: {
        jobTypes.set(JobType.MODEL, jobTypes.get(JobType.MODEL) ?? new Set());
        role('ExecutionRoleArn');
        vpc('VpcConfig');
        flag(SecurityRule.NETWORK_ISOLATION, 'EnableNetworkIsolation', 'the model\'s container could reach the network');
        const containers = a.PrimaryContainer ? [['PrimaryContainer', a.PrimaryContainer]] : (a.Containers ?? []).map((c: any, i: number) => [`Containers[${i}]`, c]);
        for (const [path, c] of containers) {
          image(`${path}.Image`);
          if (c?.ModelDataUrl !== undefined) input(`${path}.ModelDataUrl`, c.ModelDataUrl);
        }
        break;
      }
      case 'RegisterModel': {
        registersModels = true;
        const group = a.ModelPackageGroupName;
        if (group !== ctx.modelPackageGroupName) {
          issue(`ModelPackageGroupName ${describe(group)} is not the pipeline's model package group "${ctx.modelPackageGroupName}" (modelPackageGroupName), the only group the execution role may register models in`);
        }
        const status = a.ModelApprovalStatus;
        if (status !== undefined && !isExpression(status) && status !== 'PendingManualApproval') {
          issue(`ModelApprovalStatus is ${describe(status)}; a model-build pipeline registers versions as "PendingManualApproval", and a person approves them`);
        }
        (a.InferenceSpecification?.Containers ?? []).forEach((c: any, i: number) => {
          image(`InferenceSpecification.Containers[${i}].Image`);
          if (c?.ModelDataUrl !== undefined) input(`InferenceSpecification.Containers[${i}].ModelDataUrl`, c.ModelDataUrl);
        });
        break;
      }
      case 'Lambda': {
        const arn = step.raw?.FunctionArn;
        if (typeof arn !== 'string') issue(`FunctionArn ${describe(arn)} must be a literal function ARN (the execution role is granted lambda:InvokeFunction on it)`);
        else lambdaFunctionArns.push(arn);
        break;
      }
      default:
        if (!OTHER_STEP_TYPES.includes(step.type)) {
          issue(`ModelBuildPipeline does not support ${step.type} steps (it checks and grants Processing, Training, Tuning, Transform, Model, RegisterModel, Condition, Fail and Lambda steps)`);
        }
    }
  }

  const experiment = json?.PipelineExperimentConfig;
  let experimentName: string | undefined;
  if (experiment) {
    const name = experiment.ExperimentName;
    experimentName = name && typeof name === 'object' && name.Get === 'Execution.PipelineName' ? ctx.pipelineName : typeof name === 'string' ? name : '*';
  }
  const parameterNames = (json?.Parameters ?? []).map((p: any) => String(p?.Name));
  return { problems, needs: { jobTypes, registersModels, lambdaFunctionArns, experimentName, parameterNames, jobNamePrefixes } };
}

/** A value for a message: literals as JSON, tokens and expressions named as such. */
function describe(v: any): string {
  if (typeof v === 'string') return Token.isUnresolved(v) ? '(a CDK token of another resource)' : JSON.stringify(v);
  if (isExpression(v)) return `${JSON.stringify(v)} (a pipeline expression)`;
  return JSON.stringify(v);
}

/**
 * The needs of a definition that cannot be read at synth time (from S3): every job type, model
 * registration, experiments; the exemptions relax their rules for every job type.
 * @internal
 */
export function unknownDefinitionNeeds(exemptions: PipelineSecurityExemptions, pipelineName: string): DefinitionNeeds {
  const relaxed = new Set(Object.values(SecurityRule).filter((r) => (exemptions as any)[r] !== undefined));
  const jobTypes = new Map<JobType, Set<SecurityRule>>();
  for (const t of Object.values(JobType)) jobTypes.set(t, new Set([...relaxed].filter((r) => RULES_BY_JOB_TYPE[t].includes(r))));
  return { jobTypes, registersModels: true, lambdaFunctionArns: [], experimentName: pipelineName, parameterNames: [], jobNamePrefixes: new Map() };
}
