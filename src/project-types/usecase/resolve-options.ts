import { MlopsUseCaseProjectOptions } from './usecase-options';
import { UseCaseSample } from './usecase-sample';
import { PlatformAccount } from '../../blueprint/config/platform-config';
import { stageMonitoring } from '../../blueprint/usecase/monitoring-cadence';
import { ServingMode } from '../../blueprint/usecase/serving-mode';
import { MAX_USE_CASE_NAME_LENGTH, UseCaseNames } from '../../blueprint/usecase/usecase-names';
import { UseCaseSourceProps, UseCaseStageSettings } from '../../blueprint/usecase/usecase-props';

/** The least aws-cdk-lib version this library supports (its peer range). @internal */
export const MIN_CDK_VERSION = '2.257.0';
/** The least Python of the ML code. */
const MIN_PYTHON_MINOR = 11;
const CONNECTION_ARN = /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]+$/;
const REPOSITORY_PART = /^[A-Za-z0-9._-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
const SCHEDULE = /^(cron|rate)\(.+\)$/;

/** The use case's options, checked, with their defaults. @internal */
export interface ResolvedUseCaseOptions {
  readonly useCaseName: string;
  readonly platformConfigFile: string;
  readonly dev: UseCaseStageSettings;
  readonly int: UseCaseStageSettings;
  readonly prod: UseCaseStageSettings;
  readonly source?: UseCaseSourceProps;
  readonly githubDeployRoleArn?: string;
  readonly mlPythonVersion: string;
  readonly sample: UseCaseSample;
  readonly cdkVersion: string;
}

/**
 * The use-case name that a project name gives: the part after an npm scope, lowercase, every run of
 * other characters one hyphen, starting with a letter, cut to 20 characters.
 * @internal
 */
export function useCaseNameFromProjectName(projectName: string): string {
  return projectName
    .replace(/^@[^/]*\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, MAX_USE_CASE_NAME_LENGTH)
    .replace(/-+$/, '');
}

/** Compares two `x.y.z` versions (pre-release suffixes ignored). */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).slice(0, 3).map((x) => Number.parseInt(x, 10));
  const pb = b.split(/[.+-]/).slice(0, 3).map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < 3; i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}

/**
 * Checks the options of an `MlopsUseCaseProject` and fills in the defaults. Throws one Error that
 * lists every problem, one per line, each naming the option and what to write instead.
 * @param options the project's options
 * @param creating whether `projen new` is creating the project (a `cdkVersion` below the minimum is then raised)
 * @internal
 */
export function resolveUseCaseOptions(options: MlopsUseCaseProjectOptions, creating: boolean): ResolvedUseCaseOptions {
  const problems: string[] = [];
  const add = (option: string, message: string) => problems.push(`${option}: ${message}`);

  // use-case name
  let useCaseName = options.useCaseName;
  if (useCaseName === undefined) {
    useCaseName = useCaseNameFromProjectName(options.name);
    if (UseCaseNames.validate(useCaseName).length > 0) {
      add('useCaseName', `cannot be derived from the project name ${JSON.stringify(options.name)}; set useCaseName, for example "weld-gun-pm"`);
    }
  } else {
    problems.push(...UseCaseNames.validate(useCaseName));
  }

  // the platform configuration file
  const platformConfigFile = options.platformConfigFile ?? 'platform.json';
  if (platformConfigFile.length === 0 || platformConfigFile.startsWith('/') || platformConfigFile.split(/[\\/]/).includes('..') || !/\.(json|ya?ml)$/i.test(platformConfigFile)) {
    add('platformConfigFile', `${JSON.stringify(platformConfigFile)} must be a .json, .yaml or .yml file inside the repository, relative to its root, without '..'; for example "platform.json"`);
  }

  // stage settings
  const stages: Array<[string, UseCaseStageSettings | undefined]> = [
    ['devSettings', options.devSettings],
    ['intSettings', options.intSettings],
    ['prodSettings', options.prodSettings],
  ];
  for (const [option, settings] of stages) checkStage(option, settings ?? {}, add);

  // the deployment source
  const source = options.deploymentSource;
  if (source) checkSource(source, add);

  // the GitHub deploy role
  if (options.githubDeployRoleArn !== undefined && !ROLE_ARN.test(options.githubDeployRoleArn)) {
    add('githubDeployRoleArn', `${JSON.stringify(options.githubDeployRoleArn)} is not an IAM role ARN; write e.g. "arn:aws:iam::222222222222:role/vwml-weld-gun-pm-github", or leave it out for the platform's role in EXP`);
  }

  // the Python of the ML code
  const mlPythonVersion = options.mlPythonVersion ?? `3.${MIN_PYTHON_MINOR}`;
  const python = /^3\.(\d+)$/.exec(mlPythonVersion);
  if (!python || Number(python[1]) < MIN_PYTHON_MINOR) {
    add('mlPythonVersion', `${JSON.stringify(mlPythonVersion)} must be a Python version 3.${MIN_PYTHON_MINOR} or later, written major.minor, e.g. "3.${MIN_PYTHON_MINOR}"`);
  }

  // the ML sample (a string from JavaScript or the command line may be anything)
  const sample = options.sample ?? UseCaseSample.SKLEARN;
  const samples = Object.values(UseCaseSample) as string[];
  if (!samples.includes(sample)) {
    const choices = samples.map((s) => `UseCaseSample.${s.toUpperCase()} ("${s}")`).join(' or ');
    add('sample', `${JSON.stringify(sample)} is not an ML sample; write ${choices}, or leave it out for scikit-learn`);
  }

  // aws-cdk-lib must satisfy the library's peer range
  let cdkVersion = options.cdkVersion;
  if (!/^\d+\.\d+\.\d+/.test(cdkVersion) || compareVersions(cdkVersion, MIN_CDK_VERSION) < 0) {
    if (creating && /^\d+\.\d+\.\d+/.test(cdkVersion)) {
      // `projen new` passes projen's own default, which is older than what this library needs
      cdkVersion = MIN_CDK_VERSION;
    } else {
      add('cdkVersion', `${JSON.stringify(cdkVersion)} is older than ${MIN_CDK_VERSION}, the least aws-cdk-lib version @vw/mlops-blueprint supports; write cdkVersion: '${MIN_CDK_VERSION}' (or later)`);
    }
  }

  if (problems.length > 0) {
    throw new Error(`Invalid MlopsUseCaseProject options (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.join('\n')}`);
  }
  return {
    useCaseName,
    platformConfigFile,
    dev: options.devSettings ?? {},
    int: options.intSettings ?? {},
    prod: options.prodSettings ?? {},
    source,
    githubDeployRoleArn: options.githubDeployRoleArn,
    mlPythonVersion,
    sample,
    cdkVersion,
  };
}

function checkStage(option: string, s: UseCaseStageSettings, add: (option: string, message: string) => void): void {
  if (s.instanceType !== undefined && !INSTANCE_TYPE.test(s.instanceType)) {
    add(`${option}.instanceType`, `${JSON.stringify(s.instanceType)} is not a SageMaker instance type; write e.g. "ml.m5.large"`);
  }
  const modes = Object.values(ServingMode) as string[];
  if (s.servingMode !== undefined && !modes.includes(s.servingMode)) {
    add(`${option}.servingMode`, `${JSON.stringify(s.servingMode)} is not a serving mode; write ServingMode.ALWAYS_ON ("always-on") or ServingMode.SCALE_TO_ZERO ("scale-to-zero")`);
  }
  const mode = s.servingMode ?? (option === 'prodSettings' ? ServingMode.ALWAYS_ON : ServingMode.SCALE_TO_ZERO);
  if (mode === ServingMode.SCALE_TO_ZERO) {
    const fix = 'or set servingMode: ServingMode.ALWAYS_ON';
    if (s.minCapacity !== undefined && s.minCapacity !== 0) add(`${option}.minCapacity`, `${s.minCapacity}: the stage scales to zero (no instance while idle); remove minCapacity, ${fix}`);
    if (s.modelMonitor) add(`${option}.modelMonitor`, `the stage scales to zero, which has no data capture for Model Monitor; remove modelMonitor, ${fix}`);
    if (s.inferenceApi) add(`${option}.inferenceApi`, `the stage scales to zero (an inference component), which the inference API does not call; remove inferenceApi, ${fix}`);
    if (s.dataCaptureSamplingPercentage !== undefined) add(`${option}.dataCaptureSamplingPercentage`, `the stage scales to zero, which has no data capture; remove it, ${fix}`);
  }
  const capacity = (name: 'minCapacity' | 'maxCapacity') => {
    const value = s[name];
    if (value !== undefined && mode === ServingMode.SCALE_TO_ZERO && name === 'minCapacity') return undefined;
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      add(`${option}.${name}`, `${value} must be a whole number of instances, 1 or more`);
      return undefined;
    }
    return value;
  };
  const min = capacity('minCapacity');
  const max = capacity('maxCapacity');
  if (min !== undefined && max !== undefined && max < min) {
    add(`${option}.maxCapacity`, `${max} is below minCapacity ${min}; write a maxCapacity of ${min} or more`);
  }
  const sampling = s.dataCaptureSamplingPercentage;
  if (sampling !== undefined && !(Number.isInteger(sampling) && sampling >= 0 && sampling <= 100)) {
    add(`${option}.dataCaptureSamplingPercentage`, `${sampling} must be a whole percentage from 0 to 100, e.g. 20`);
  }
  if (s.batchSchedule !== undefined) {
    if (!s.batchInference) add(`${option}.batchSchedule`, 'is set but batchInference is not; add batchInference: true, or remove batchSchedule');
    if (!SCHEDULE.test(s.batchSchedule)) add(`${option}.batchSchedule`, `${JSON.stringify(s.batchSchedule)} is not a schedule expression; write "cron(0 3 * * ? *)" or "rate(1 day)"`);
  }
  for (const field of ['monitoringSchedule', 'monitoringInstanceType'] as const) {
    if (s[field] !== undefined && !s.modelMonitor) add(`${option}.${field}`, `is set but modelMonitor is not; add modelMonitor: true, or remove ${field}`);
  }
  if (s.monitoringSchedule !== undefined || s.monitoringInstanceType !== undefined) {
    try {
      // the stage only chooses the default schedule, which is not checked here
      stageMonitoring(option, PlatformAccount.PROD, s);
    } catch (e) {
      const [field, ...message] = (e as Error).message.split(' ');
      add(field, message.join(' '));
    }
  }
  if (s.modelQuality && !s.modelMonitor) {
    add(`${option}.modelQuality`, 'is set but modelMonitor is not; add modelMonitor: true, or remove modelQuality');
  }
  if (s.groundTruthS3Uri !== undefined) {
    if (!s.modelMonitor) add(`${option}.groundTruthS3Uri`, 'is set but modelMonitor is not; add modelMonitor: true, or remove groundTruthS3Uri');
    if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(s.groundTruthS3Uri)) {
      add(`${option}.groundTruthS3Uri`, `${JSON.stringify(s.groundTruthS3Uri)} is not an S3 URI; write s3://<bucket>/<prefix>`);
    }
  }
}

function checkSource(source: UseCaseSourceProps, add: (option: string, message: string) => void): void {
  if (source.connectionArn !== undefined) {
    if (!CONNECTION_ARN.test(source.connectionArn)) {
      add('deploymentSource.connectionArn', `${JSON.stringify(source.connectionArn)} is not a CodeConnections connection ARN; write e.g. "arn:aws:codeconnections:eu-central-1:333333333333:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789"`);
    }
    for (const part of ['owner', 'repository'] as const) {
      const value = source[part];
      if (value === undefined) add(`deploymentSource.${part}`, `is required with connectionArn: give the GitHub ${part} of this repository`);
      else if (!REPOSITORY_PART.test(value)) add(`deploymentSource.${part}`, `${JSON.stringify(value)} is not a GitHub ${part}; write it without '/' or spaces, e.g. "vw-mlops"`);
    }
    if (source.objectKey !== undefined) add('deploymentSource.objectKey', 'belongs to an S3 source, not to a GitHub connection; remove objectKey, or connectionArn');
  } else {
    for (const part of ['owner', 'repository'] as const) {
      if (source[part] !== undefined) add(`deploymentSource.${part}`, 'is set without connectionArn; add the CodeConnections connectionArn, or remove it for an S3 source');
    }
    if (source.objectKey !== undefined && (source.objectKey.length === 0 || source.objectKey.startsWith('/') || /\s/.test(source.objectKey))) {
      add('deploymentSource.objectKey', `${JSON.stringify(source.objectKey)} is not an S3 object key; write e.g. "source.zip"`);
    }
  }
  if (source.branch !== undefined && (source.branch.trim().length === 0 || /\s/.test(source.branch))) {
    add('deploymentSource.branch', `${JSON.stringify(source.branch)} is not a branch name; write e.g. "main"`);
  }
}
