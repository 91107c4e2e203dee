import { CfnParameter } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { createRetrainingStart } from './retraining-loop';
import { SERVING_STAGES, UseCaseNames } from './usecase-names';
import { UseCaseStack } from './usecase-stack';
import { createWorkloadSecurityGroup } from '../../constructs/core/workload-security-group';
import { ModelRegistry } from '../../constructs/registry';
import { PlatformKey } from '../../constructs/security';
import { createStudioDataPolicy } from '../../constructs/studio/data-access';
import {
  ModelBuildPipeline,
  PipelineDefinitionSource,
  PipelinePlaceholder,
  PredictiveMaintenancePipeline,
  ModelImage,
  SageMakerFrameworkImage,
} from '../../constructs/training';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { scopedStackSynthesizer } from '../onboarding/scoped-deploy-roles';
import { sharedDataReach } from '../onboarding/usecase-studio';

/**
 * Props of a `TrainingStack`.
 */
export interface TrainingStackProps {
  /** The validated platform configuration. */
  readonly platform: PlatformConfig;
  /** The use-case name. */
  readonly useCaseName: string;
  /**
   * The model-build pipeline definition.
   * @default - the predictive-maintenance sample pipeline (`PredictiveMaintenancePipeline`)
   */
  readonly pipelineDefinition?: PipelineDefinitionSource;
  /**
   * The image that fills in `PipelinePlaceholder.IMAGE_URI`.
   * @default - the use case's own image by the digest of the `ImageDigest` parameter
   */
  readonly image?: ModelImage;
  /**
   * The stages whose drift alarm starts retraining (`UseCaseStageSettings.retraining`; `MlopsUseCase`
   * passes them).
   * @default - none: no retraining rule
   */
  readonly retrainingStages?: PlatformAccount[];
}

/**
 * The training stack of a use case in EXP: the use case's artifact key, the model-build pipeline (the
 * predictive-maintenance sample pipeline: preprocess, train, evaluate, quality gate, register), and the
 * model registry whose approval events go to the RES model event bus. The deployment roles of RES, DEV,
 * INT and PROD (fixed names: the Resolve role, the endpoint and batch model roles) may read the registry,
 * the artifacts and the key; the CloudFormation execution roles and batch workflow roles of DEV, INT and
 * PROD may create models from the registered versions.
 */
export class TrainingStack extends UseCaseStack {
  /** The key of the model artifacts (shared with the deployment roles of the other accounts). */
  public readonly artifactKey: PlatformKey;
  /** The model-build pipeline. */
  public readonly pipeline: ModelBuildPipeline;
  /** The model registry. */
  public readonly registry: ModelRegistry;
  /**
   * The stack parameter `ImageDigest`: the digest of the use case's image that the pipeline runs, when the
   * definition uses `PipelinePlaceholder.IMAGE_URI` (the default definition does).
   */
  public readonly imageDigest?: CfnParameter;
  /**
   * The pipeline role's access to the shared data (Glue metadata of the resource link and its target, Lake
   * Formation credentials, the Athena workgroup and its results): only for a use case with `dataAccess`.
   */
  public readonly sharedDataPolicy?: iam.ManagedPolicy;
  /** The rules on the EXP retraining bus that start the pipeline, one per stage of `retrainingStages`. */
  public readonly retrainingRules: events.Rule[];
  /** The role of those rules' target, allowed `sagemaker:StartPipelineExecution` on the pipeline only. */
  public readonly retrainingStartRole?: iam.IRole;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the platform and use case
   */
  constructor(scope: Construct, id: string, props: TrainingStackProps) {
    super(scope, id, {
      platform: props.platform,
      useCaseName: props.useCaseName,
      account: PlatformAccount.EXP,
      // a use case of `useCases` deploys through its own scoped roles (its onboarding), not the bootstrap roles
      synthesizer: props.platform.useCase(props.useCaseName)
        ? scopedStackSynthesizer(new UseCaseNames(props.platform, props.useCaseName), PlatformAccount.EXP, props.platform.qualifier)
        : undefined,
      stackName: `${props.platform.prefix}-${props.useCaseName}-training`,
      purpose: 'model building and the model registry in EXP',
    });
    const names = this.names;
    const config = this.platform;
    const exp = config.account(PlatformAccount.EXP);
    const otherAccount = (arn: string) => !arn.includes(`:${exp.accountId}:`);
    // read the registry, the artifacts and the key: the Resolve step in RES, and in each stage the roles
    // that run the model (endpoint, batch transform)
    const consumerRoles = [
      names.roleArn(PlatformAccount.RES, names.resolveRoleName),
      ...SERVING_STAGES.flatMap((stage) => [
        names.roleArn(stage, names.endpointRoleName(stage)),
        names.roleArn(stage, names.batchModelRoleName(stage)),
      ]),
    ].filter(otherAccount);
    // only create models from the versions: the CloudFormation execution role of each stage (the
    // serving stack's AWS::SageMaker::Model) and the batch inference workflow (its CreateModel step)
    const registered = config.useCase(props.useCaseName) !== undefined;
    const modelCreatorRoles = SERVING_STAGES.flatMap((stage) => [
      // a listed use case deploys its serving stacks with its own CloudFormation execution role
      registered ? names.roleArn(stage, names.cfnExecRoleName(stage)) : names.platform.cfnExecutionRoleArn(stage),
      names.roleArn(stage, names.batchWorkflowRoleName(stage)),
    ]).filter(otherAccount);

    // No account-wide consumer statement: the registry below admits exactly the consumer roles (by
    // aws:PrincipalArn, through S3 or SageMaker) to decrypt the model artifacts; a statement for whole
    // consumer accounts next to it would let every role of RES and the stages decrypt (within its own
    // identity policy).
    this.artifactKey = new PlatformKey(this, 'ArtifactKey', {
      aliasName: names.artifactKeyAlias.replace(/^alias\//, ''),
      description: `${names.base}: model artifacts and pipeline data`,
    });

    const definitionSource = props.pipelineDefinition ?? PipelineDefinitionSource.fromDefinition(
      PredictiveMaintenancePipeline.definition({
        pipelineName: names.pipelineName,
        region: exp.region,
        roleArn: PipelinePlaceholder.ROLE_ARN,
        bucketName: PipelinePlaceholder.ARTIFACT_BUCKET_NAME,
        kmsKeyArn: PipelinePlaceholder.KMS_KEY_ARN,
        subnetIds: [PipelinePlaceholder.SUBNET_IDS],
        securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS],
        modelPackageGroupName: names.modelPackageGroupName,
        imageUri: PipelinePlaceholder.IMAGE_URI,
        jobNamePrefix: names.jobNamePrefix,
      }),
    );
    // The use case's own image (RES, built from its ml/Dockerfile) by digest, where the definition asks for
    // it: the digest is a stack parameter, which the use case's workflow resolves from the registry
    const definitionJson = definitionSource._definitionJson();
    if (!props.image && definitionJson !== undefined && JSON.stringify(definitionJson).includes(PipelinePlaceholder.IMAGE_URI)) {
      this.imageDigest = new CfnParameter(this, 'ImageDigest', {
        type: 'String',
        allowedPattern: '^sha256:[0-9a-f]{64}$',
        constraintDescription: 'the digest of an image of the use case\'s repository, sha256:<64 hex digits> (aws ecr describe-images)',
        description: `The digest of the use case's image in ${names.imageRepositoryUri} that the pipeline's jobs and the registered models run (sha256:...)`,
      });
    }
    const imageUri = props.image?.imageUri ?? (this.imageDigest ? `${names.imageRepositoryUri}@${this.imageDigest.valueAsString}` : undefined);
    const workload = createWorkloadSecurityGroup(this, 'JobSecurityGroup', {
      vpc: this.vpc,
      vpcCidr: exp.network!.cidr,
      description: `${names.pipelineName} jobs: HTTPS to the VPC endpoints and S3, all traffic within the group`,
    });

    this.pipeline = new ModelBuildPipeline(this, 'BuildPipeline', {
      pipelineName: names.pipelineName,
      jobNamePrefix: names.jobNamePrefix,
      definitionSource,
      executionRoleName: names.pipelineRoleName,
      imageUri,
      permissionsBoundary: this.permissionsBoundary,
      guardrailPolicy: this.guardrailPolicy,
      encryptionKey: this.artifactKey.key,
      vpc: this.vpc,
      securityGroups: [workload],
      modelPackageGroupName: names.modelPackageGroupName,
      // the use case's image, and AWS's scikit-learn framework image for definitions that name it
      imageRepositoryArns: [
        names.imageRepositoryArn,
        SageMakerFrameworkImage.sklearn(exp.region).repositoryArn,
        ...(props.image ? [props.image.repositoryArn] : []),
      ].filter((arn, i, all) => all.indexOf(arn) === i),
      artifactBucketName: names.artifactBucketName,
    });

    this.registry = new ModelRegistry(this, 'Registry', {
      modelPackageGroupName: names.modelPackageGroupName,
      description: `Model versions of the ${names.useCase} use case`,
      modelEventBusArn: names.platform.eventBusArn,
      encryptionKey: this.artifactKey.key,
      consumerRoleArns: consumerRoles.length > 0 ? consumerRoles : undefined,
      modelCreatorRoleArns: modelCreatorRoles.length > 0 ? modelCreatorRoles : undefined,
      organizationId: config.organizationId,
      artifactKey: this.artifactKey.key,
      artifactBucket: this.pipeline.artifactBucket,
      artifactPrefix: 'runs/',
      permissionsBoundary: this.permissionsBoundary,
    });
    this.pipeline.node.addDependency(this.registry.modelPackageGroup);

    // With `dataAccess`, DATA grants the use case's data cells filters to the pipeline role and its EXP
    // onboarding stack DESCRIBE on the resource link: the jobs read those rows and columns through Glue, Lake
    // Formation and the data scientists' Athena workgroup (the EXP platform stack's, by SSM parameter)
    if (config.dataShare && (config.useCase(props.useCaseName)?.dataAccess ?? []).length > 0) {
      this.sharedDataPolicy = createStudioDataPolicy(this, 'SharedDataAccess', this.pipeline.role, {
        readableBucketNamePatterns: [],
        readableBucketKeyAliases: [],
        ...sharedDataReach(this, config),
      }, `The shared data of ${names.base} for its model-build pipeline: the resource link and its table in DATA, Lake Formation credentials, the Athena workgroup`);
    }

    // Retraining: the stages' drift alarms arrive on the EXP retraining bus (from RES) and start the pipeline
    const retrainingStages = props.retrainingStages ?? [];
    if (retrainingStages.length > 0) {
      const declared = ((definitionJson?.Parameters ?? []) as Array<{ Name?: string }>).map((p) => p.Name ?? '');
      const start = createRetrainingStart(this, names, retrainingStages, this.pipeline.pipelineArn, declared);
      this.retrainingRules = start.rules;
      this.retrainingStartRole = start.role;
    } else {
      this.retrainingRules = [];
    }
  }
}
