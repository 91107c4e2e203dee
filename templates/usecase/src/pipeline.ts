import {
  PipelineDefinition,
  PlatformAccount,
  PlatformConfig,
  PredictiveMaintenancePipeline,
  UseCaseNames,
} from '@vw/mlops-blueprint';
import { SETTINGS } from './usecase-settings';

/**
 * Where the pipeline runs: the values that differ between SageMaker in EXP (placeholders that the
 * training stack fills in) and a run on this machine (stand-ins the local runner ignores).
 */
export interface PipelineTarget {
  /** The SageMaker pipeline's name. */
  readonly pipelineName: string;
  /** The region of EXP: it picks the framework images. */
  readonly region: string;
  /** The model package group that receives the model versions. */
  readonly modelPackageGroupName: string;
  /** The prefix of the jobs' names, `<prefix>-<use case>--` (`UseCaseNames.jobNamePrefix`). */
  readonly jobNamePrefix: string;
  /** The execution role of the jobs. */
  readonly roleArn: string;
  /** The bucket of code, data and artifacts. */
  readonly bucketName: string;
  /** The KMS key of the job volumes and outputs. */
  readonly kmsKeyArn: string;
  /** The subnets of the jobs. */
  readonly subnetIds: string[];
  /** The security groups of the jobs. */
  readonly securityGroupIds: string[];
  /** The image of every job and of the model: the use case's own, built from ml/Dockerfile. */
  readonly imageUri: string;
}

/**
 * The use case's model-build pipeline: preprocess, train, evaluate, the F1 quality gate and the
 * registration, for the scripts in ml/src. Change it here: src/main.ts deploys it to EXP (the
 * training stack) and `npx projen pipeline:local` runs the very same definition on this machine.
 */
export function pipelineDefinition(target: PipelineTarget): PipelineDefinition {
  return PredictiveMaintenancePipeline.definition({
    ...target,
    // the quality gate on binary_classification_metrics.f1.value of ml/src/evaluate.py
    f1Threshold: 0.7,
    // hyperparameters of ml/src/train.py, as SageMaker passes them (strings)
    hyperparameters: { max_iter: '300', learning_rate: '0.05' },
  });
}

/**
 * The pipeline with local stand-ins for the role, bucket, key and network, which the local run
 * ignores (`npx projen pipeline:local` renders it to JSON and runs it with `mlops-blueprint pipeline local`).
 */
export function localPipelineDefinition(): PipelineDefinition {
  const platform = PlatformConfig.fromFile(SETTINGS.platformConfigFile);
  const names = new UseCaseNames(platform, SETTINGS.useCaseName);
  return pipelineDefinition({
    pipelineName: names.pipelineName,
    region: platform.account(PlatformAccount.EXP).region,
    modelPackageGroupName: names.modelPackageGroupName,
    jobNamePrefix: names.jobNamePrefix,
    roleArn: 'arn:aws:iam::000000000000:role/local',
    bucketName: 'local',
    kmsKeyArn: 'arn:aws:kms:eu-central-1:000000000000:key/local',
    subnetIds: ['subnet-local'],
    securityGroupIds: ['sg-local'],
    // the use case's image by a stand-in digest: locally, each step runs on this machine's Python with
    // the contract of ml/Dockerfile (same Python minor, exactly ml/requirements.txt), which the run checks
    imageUri: `${names.imageRepositoryUri}@sha256:${'0'.repeat(64)}`,
  });
}
