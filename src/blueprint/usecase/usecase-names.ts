import { BUILD_PIPELINE_SUFFIX, JOB_NAME_DELIMITER } from '../../constructs/core/tenancy-tag';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { Problems } from '../config/problems';
import { PlatformNames } from '../naming';

/** 2 to 20 lowercase letters, digits and single hyphens, starting with a letter. */
const USE_CASE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** The longest use-case name: `<prefix (12)>-<use case (20)>-<stage (4)>-smoke-test` fits IAM's 64. */
export const MAX_USE_CASE_NAME_LENGTH = 20;

/** The serving stages of a use case. */
export const SERVING_STAGES = [PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD] as const;

/**
 * Every name of one use case, computed from the platform configuration and the use-case name: the
 * accounts wire to each other through these names (no CloudFormation exports).
 */
export class UseCaseNames {
  /**
   * Checks a use-case name; returns the problems (empty when valid), each `useCaseName: ...`.
   * @param name the use-case name
   */
  public static validate(name: string): string[] {
    const problems = new Problems();
    if (typeof name !== 'string' || name.length < 2 || name.length > MAX_USE_CASE_NAME_LENGTH) {
      problems.add('useCaseName', `${JSON.stringify(name)} must have 2 to ${MAX_USE_CASE_NAME_LENGTH} characters (it is part of endpoint, role and bucket names); for example "weld-gun-pm"`);
    } else if (!USE_CASE_NAME.test(name)) {
      const suggestion = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+|-+$/g, '').slice(0, MAX_USE_CASE_NAME_LENGTH) || 'weld-gun-pm';
      problems.add('useCaseName', `${JSON.stringify(name)} may only contain lowercase letters, digits and single hyphens, starting with a letter; for example ${JSON.stringify(suggestion)}`);
    }
    return problems.list;
  }

  /** The platform's names. */
  public readonly platform: PlatformNames;
  /** The use-case name. */
  public readonly useCase: string;

  /**
   * @param config the platform configuration
   * @param useCaseName the use-case name (validated)
   */
  constructor(config: PlatformConfig, useCaseName: string) {
    const problems = UseCaseNames.validate(useCaseName);
    if (problems.length > 0) throw new Error(`Invalid use case (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.join('\n')}`);
    this.platform = new PlatformNames(config);
    this.useCase = useCaseName;
  }

  /** `<prefix>-<use case>`: the base of every name. */
  public get base(): string {
    return `${this.platform.prefix}-${this.useCase}`;
  }

  /** The training stack in EXP. */
  public get trainingStackName(): string {
    return `${this.base}-training`;
  }

  /** The deployment stack in RES. */
  public get deploymentStackName(): string {
    return `${this.base}-deployment`;
  }

  /** The model deployment pipeline in RES (CodePipeline), in the deployment stack. */
  public get deploymentPipelineName(): string {
    return `${this.base}-deploy`;
  }

  /**
   * The serving stack of a stage.
   * @param stage DEV, INT or PROD
   */
  public servingStackName(stage: PlatformAccount): string {
    return `${this.base}-serving-${stage}`;
  }

  /**
   * The construct id of the serving stack of a stage under its `MlopsUseCase` (`ServingDev`, ...): with
   * the use case's construct path in front, the hierarchical id `cdk deploy` selects the stack by.
   * @param stage DEV, INT or PROD
   */
  public servingStackId(stage: PlatformAccount): string {
    return `Serving${stage[0].toUpperCase()}${stage.slice(1)}`;
  }

  /** The S3 source bucket of the deployment pipeline in RES (fixed, so that CI can compute it). */
  public get deploymentSourceBucketName(): string {
    return `${this.base}-source-${this.platform.config.account(PlatformAccount.RES).accountId}`;
  }

  /** The role in RES that may write the deployment pipeline's S3 source object (the GitHub deploy role of EXP assumes it). */
  public get deploymentSourceWriterRoleName(): string {
    return `${this.base}-source-writer`;
  }

  /** The model package group in EXP. */
  public get modelPackageGroupName(): string {
    return this.base;
  }

  /** The SageMaker pipeline in EXP. */
  public get pipelineName(): string {
    return `${this.base}${BUILD_PIPELINE_SUFFIX}`;
  }

  /**
   * The prefix of the names of the pipeline's jobs in EXP, `<prefix>-<use case>--`: their log streams
   * start with it, so people and roles of this use case can be given its job logs only (use-case
   * names have single hyphens, so no other use case's prefix starts with this one).
   */
  public get jobNamePrefix(): string {
    return `${this.base}${JOB_NAME_DELIMITER}`;
  }

  /** The execution role of the SageMaker pipeline and its jobs in EXP (fixed: the image repository names it). */
  public get pipelineRoleName(): string {
    return `${this.base}-pipeline`;
  }

  /** The use case's image repository in the central registry of RES, e.g. `vwml/usecase/weld-gun-pm`. */
  public get imageRepositoryName(): string {
    return this.platform.repositoryName(`usecase/${this.useCase}`);
  }

  /** The URI of the use case's image repository (without tag or digest). */
  public get imageRepositoryUri(): string {
    return this.platform.repositoryUri(`usecase/${this.useCase}`);
  }

  /** The ARN of the use case's image repository. */
  public get imageRepositoryArn(): string {
    const res = this.platform.config.account(PlatformAccount.RES);
    return `arn:${this.platform.partition(PlatformAccount.RES)}:ecr:${res.region}:${res.accountId}:repository/${this.imageRepositoryName}`;
  }

  /** The image build pipeline of the use case in RES (CodePipeline). */
  public get imageBuildPipelineName(): string {
    return `${this.base}-image`;
  }

  /** The object of the deployment source bucket the image build starts from: the zip of the repository's `ml/`. */
  public get imageSourceObjectKey(): string {
    return 'ml.zip';
  }

  /**
   * The endpoint of a stage.
   * @param stage DEV, INT or PROD
   */
  public endpointName(stage: PlatformAccount): string {
    return `${this.base}-${stage}`;
  }

  /**
   * The execution role of the endpoint of a stage.
   * @param stage DEV, INT or PROD
   */
  public endpointRoleName(stage: PlatformAccount): string {
    return `${this.base}-${stage}-endpoint`;
  }

  /**
   * The execution role of the batch inference models and transform jobs of a stage (reads the model
   * artifacts in EXP).
   * @param stage DEV, INT or PROD
   */
  public batchModelRoleName(stage: PlatformAccount): string {
    return `${this.base}-${stage}-batch-model`;
  }

  /**
   * The role of the batch inference state machine of a stage (creates the model from the model
   * package in EXP).
   * @param stage DEV, INT or PROD
   */
  public batchWorkflowRoleName(stage: PlatformAccount): string {
    return `${this.base}-${stage}-batch-workflow`;
  }

  /**
   * The bucket of a stage's ground-truth labels (model-quality monitoring), in the stage account.
   * @param stage DEV, INT or PROD
   */
  public groundTruthBucketName(stage: PlatformAccount): string {
    return `${this.base}-${stage}-labels-${this.platform.config.account(stage).accountId}`;
  }

  /**
   * The role the labelling process of a stage assumes to write ground-truth labels.
   * @param stage DEV, INT or PROD
   */
  public groundTruthWriterRoleName(stage: PlatformAccount): string {
    return `${this.base}-${stage}-labels-writer`;
  }

  /**
   * The role the smoke test of the deployment pipeline assumes in a stage account.
   * @param stage DEV, INT or PROD
   */
  public smokeTestRoleName(stage: PlatformAccount): string {
    return `${this.base}-${stage}-smoke-test`;
  }

  /**
   * The role of the deployment pipeline's SmokeTest project for a stage, in RES (the one role that the
   * stage's smoke-test role trusts).
   * @param stage DEV, INT or PROD
   */
  public smokeTestCallerRoleName(stage: PlatformAccount): string {
    return `${this.base}-${stage}-smoke-run`;
  }

  /**
   * The role of the deployment pipeline's Deploy project for a stage, in RES (the one role that the use
   * case's scoped deploy and publishing roles of that stage trust).
   * @param stage DEV, INT or PROD
   */
  public deployCallerRoleName(stage: PlatformAccount): string {
    return `${this.base}-${stage}-deploy-run`;
  }

  /**
   * The composite drift alarm of a stage's model monitor (its state changes start retraining).
   * @param stage DEV, INT or PROD
   */
  public driftAlarmName(stage: PlatformAccount): string {
    return `${this.base}-${stage}-drift`;
  }

  /**
   * The ARN of the composite drift alarm of a stage.
   * @param stage DEV, INT or PROD
   */
  public driftAlarmArn(stage: PlatformAccount): string {
    const account = this.platform.config.account(stage);
    return `arn:${this.platform.partition(stage)}:cloudwatch:${account.region}:${account.accountId}:alarm:${this.driftAlarmName(stage)}`;
  }

  /** The role with which the retraining rule in RES forwards the use case's drift alarms to EXP's retraining bus. */
  public get retrainingForwardRoleName(): string {
    return `${this.base}-retrain-forward`;
  }

  /** The role with which the retraining rules in EXP start the use case's model-build pipeline. */
  public get retrainingStartRoleName(): string {
    return `${this.base}-retrain-start`;
  }

  /** The ARN of the use case's model-build pipeline in EXP. */
  public get pipelineArn(): string {
    const exp = this.platform.config.account(PlatformAccount.EXP);
    return `arn:${this.platform.partition(PlatformAccount.EXP)}:sagemaker:${exp.region}:${exp.accountId}:pipeline/${this.pipelineName.toLowerCase()}`;
  }

  /** The role of the deployment pipeline's Resolve step in RES (reads the registry in EXP). */
  public get resolveRoleName(): string {
    return `${this.base}-resolve`;
  }

  /** The artifact bucket of the model-build pipeline in EXP (fixed, so the stages can read models). */
  public get artifactBucketName(): string {
    return `${this.base}-artifacts-${this.platform.config.account(PlatformAccount.EXP).accountId}`;
  }

  /** The alias of the use case's artifact key in EXP. */
  public get artifactKeyAlias(): string {
    return `alias/${this.platform.prefix}/${this.useCase}/artifacts`;
  }

  /**
   * The onboarding stack of the use case in an account (created by the platform app from `useCases`).
   * @param account the account
   */
  public onboardingStackName(account: PlatformAccount): string {
    return `${this.base}-onboarding-${account}`;
  }

  /**
   * The role the use case's Deploy build in RES assumes in a stage account to run `cdk deploy` (the
   * `deployRoleArn` of its serving stacks' synthesizer).
   * @param stage DEV, INT or PROD
   */
  public stageDeployRoleName(stage: PlatformAccount): string {
    return `${this.base}-${stage}-deploy`;
  }

  /**
   * The CloudFormation execution role of the use case's serving stacks in a stage account: it may only
   * create and change the use case's own stacks and resources.
   * @param stage DEV, INT or PROD
   */
  public cfnExecRoleName(stage: PlatformAccount): string {
    return `${this.base}-${stage}-cfn-exec`;
  }

  /**
   * The role that uploads the use case's file assets (templates) to its own prefix of the CDK bootstrap
   * bucket of a stage account.
   * @param stage DEV, INT or PROD
   */
  public assetPublishingRoleName(stage: PlatformAccount): string {
    return `${this.base}-${stage}-publish`;
  }

  /** The role the GitHub Actions of the use case's repository assume in EXP (exact branch). */
  public get githubRoleName(): string {
    return `${this.base}-github`;
  }

  /** The role in RES that may approve the INT and PROD promotions of the use case's deployment pipeline. */
  public get approverRoleName(): string {
    return `${this.base}-approver`;
  }

  /** The alias of the use case's data key in a serving account (captures, batch outputs, monitoring). */
  public get dataKeyAlias(): string {
    return `alias/${this.platform.prefix}/${this.useCase}/data`;
  }

  /**
   * The SSM parameter (in each serving account) that holds the ARN of the use case's data key: its
   * onboarding stack writes it, its serving stack reads it at deploy time.
   */
  public get dataKeyParameterName(): string {
    return this.parameterName('data-key-arn');
  }

  /**
   * The name of an SSM parameter of the use case, `/<prefix>/usecase/<use case>/<name>` (a separate path
   * per use case: `weld-gun/*` does not reach `weld-gun-pm/*`).
   * @param name the parameter's own name
   */
  public parameterName(name: string): string {
    return `/${this.platform.prefix}/usecase/${this.useCase}/${name}`;
  }

  /**
   * A role ARN in an account of the platform.
   * @param account the account
   * @param roleName the role name
   */
  public roleArn(account: PlatformAccount, roleName: string): string {
    return `arn:${this.platform.partition(account)}:iam::${this.platform.config.account(account).accountId}:role/${roleName}`;
  }
}
