import { CfnParameter } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { GroundTruthLocation } from './ground-truth-location';
import { stageMonitoring } from './monitoring-cadence';
import { restrictBucketsToUseCase } from './owner-only-buckets';
import { resolveRetraining } from './retraining-loop';
import { ServingMode } from './serving-mode';
import { UseCaseNames } from './usecase-names';
import { UseCaseStageSettings } from './usecase-props';
import { UseCaseStack } from './usecase-stack';
import { acknowledgeRules } from '../../constructs/core/acknowledge';
import {
  EndpointInstanceType, EndpointModelSource, IRealtimeEndpoint, RealtimeEndpoint, ScaleToZeroEndpoint,
} from '../../constructs/deployment';
import { BatchInference, InferenceApi } from '../../constructs/inference';
import { ModelMonitor, ModelQualityMetric, ModelQualityProblemType, RetrainingTarget } from '../../constructs/monitoring';
import { ModelImage, SageMakerFrameworkImage } from '../../constructs/training';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { scopedStackSynthesizer } from '../onboarding/scoped-deploy-roles';

/** The context key through which the deployment pipeline passes the pinned model package version. */
export const PINNED_MODEL_CONTEXT_KEY = 'pinnedModelPackageArn';

/** The tag the deployment pipeline's smoke-test roles in RES carry, and the smoke-test roles trust. */
export const SMOKE_TEST_TAG_KEY = 'mlops:smoke-test';

/**
 * Props of a `ServingStack`.
 */
export interface ServingStackProps {
  /** The validated platform configuration. */
  readonly platform: PlatformConfig;
  /** The use-case name. */
  readonly useCaseName: string;
  /** DEV, INT or PROD. */
  readonly stage: PlatformAccount;
  /**
   * The stage's settings.
   * @default - the stage's defaults (see `UseCaseStageSettings`)
   */
  readonly settings?: UseCaseStageSettings;
  /**
   * The pinned model package version.
   * @default - the context value `pinnedModelPackageArn`, else the CloudFormation parameter `ModelPackageArn`
   */
  readonly pinnedModelPackageArn?: string;
  /**
   * An image the model versions may name besides the use case's own (`MlopsUseCaseProps.image`).
   * @default - the use case's own image, AWS's scikit-learn framework image and the platform's images
   */
  readonly image?: ModelImage;
}

/**
 * The serving stack of a use case in DEV, INT or PROD: the endpoint of the pinned model version in the
 * stage's serving mode (`ServingMode.ALWAYS_ON`, the PROD default: blue/green with alarm rollback,
 * autoscaling, data capture; `ServingMode.SCALE_TO_ZERO`, the DEV and INT default: an inference component
 * with no instance while idle), the role the deployment pipeline's smoke test assumes, and the optional
 * extensions of the stage (batch inference; with always-on serving, the inference API and model monitoring).
 *
 * For a use case of the configuration's `useCases`, everything it stores is encrypted with the use case's
 * data key of the stage (`UseCaseStack.dataKey`), and every bucket's policy admits only principals tagged
 * `mlops:use-case=<use case>` (its roles, and people whose session carries that tag) to its objects.
 */
export class ServingStack extends UseCaseStack {
  /** The endpoint (either mode). */
  public readonly endpoint: IRealtimeEndpoint;
  /** The execution role of the endpoint's model. */
  public readonly endpointRole: iam.IRole;
  /** The stage's serving mode. */
  public readonly servingMode: ServingMode;
  /** The always-on endpoint (`ServingMode.ALWAYS_ON`). */
  public readonly alwaysOnEndpoint?: RealtimeEndpoint;
  /** The scale-to-zero endpoint (`ServingMode.SCALE_TO_ZERO`). */
  public readonly scaleToZeroEndpoint?: ScaleToZeroEndpoint;
  /** The role the smoke test of the deployment pipeline assumes. */
  public readonly smokeTestRole: iam.Role;
  /** The model package version the endpoint serves (a literal, or the `ModelPackageArn` parameter). */
  public readonly modelPackageArn: string;
  /** The inference API, when enabled. */
  public readonly inferenceApi?: InferenceApi;
  /** Batch inference, when enabled. */
  public readonly batchInference?: BatchInference;
  /** Model monitoring, when enabled. */
  public readonly modelMonitor?: ModelMonitor;
  /** Whether the stage's drift alarm starts retraining (`UseCaseStageSettings.retraining`). */
  public readonly retraining: boolean;
  /** The ground-truth location this stack created (with `modelQuality` and no `groundTruthS3Uri`). */
  public readonly groundTruth?: GroundTruthLocation;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the platform, use case, stage and settings
   */
  constructor(scope: Construct, id: string, props: ServingStackProps) {
    if (![PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD].includes(props.stage)) {
      throw new Error(`ServingStack: stage must be DEV, INT or PROD, not ${props.stage.toUpperCase()}`);
    }
    const prod = props.stage === PlatformAccount.PROD;
    super(scope, id, {
      platform: props.platform,
      useCaseName: props.useCaseName,
      account: props.stage,
      // a use case of `useCases` deploys through its own scoped roles (its onboarding), not the bootstrap roles
      synthesizer: props.platform.useCase(props.useCaseName)
        ? scopedStackSynthesizer(new UseCaseNames(props.platform, props.useCaseName), props.stage, props.platform.qualifier)
        : undefined,
      stackName: `${props.platform.prefix}-${props.useCaseName}-serving-${props.stage}`,
      purpose: `serving in ${props.stage.toUpperCase()}`,
    });
    const settings = props.settings ?? {};
    const names = this.names;
    // data capture, batch inputs and outputs, ground truth, reports: only the use case's own principals (a
    // use case of `useCases` deploys with its own tagged execution role; without a registry the platform's
    // untagged bootstrap role deploys the stack and must keep managing the bucket policies)
    if (props.platform.useCase(props.useCaseName)) restrictBucketsToUseCase(this, props.useCaseName);
    this.servingMode = resolveServingMode(props.stage, settings);
    this.retraining = resolveRetraining(props.stage, props.stage, settings);

    this.modelPackageArn = props.pinnedModelPackageArn
      ?? (this.node.tryGetContext(PINNED_MODEL_CONTEXT_KEY) as string | undefined)
      ?? new CfnParameter(this, 'ModelPackageArn', {
        type: 'String',
        description: 'The approved model package version to serve (the deployment pipeline pins it; there is no default)',
        allowedPattern: '^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\\d{12}:model-package/[a-zA-Z0-9-]+/\\d+$',
      }).valueAsString;

    const exp = this.platform.account(PlatformAccount.EXP);
    const artifacts = s3.Bucket.fromBucketName(this, 'ModelArtifacts', names.artifactBucketName);
    const instanceType = EndpointInstanceType.of(settings.instanceType ?? 'ml.m5.large');
    // the images a model version may reference: the use case's own image (RES, built from its
    // ml/Dockerfile), AWS's scikit-learn framework image of the region and the platform's images in RES
    const res = this.platform.account(PlatformAccount.RES);
    const imageRepositoryArns = [
      names.imageRepositoryArn,
      SageMakerFrameworkImage.sklearn(this.region).repositoryArn,
      ...this.platform.imageRepositories.map(
        (r) => `arn:${names.platform.partition(PlatformAccount.RES)}:ecr:${res.region}:${res.accountId}:repository/${names.platform.repositoryName(r)}`,
      ),
      ...(props.image ? [props.image.repositoryArn] : []),
    ].filter((arn, i, all) => all.indexOf(arn) === i);
    const endpointProps = {
      endpointName: names.endpointName(props.stage),
      modelSource: EndpointModelSource.fromModelPackageArn(this.modelPackageArn),
      instanceType,
      vpc: this.vpc,
      encryptionKey: this.dataKey,
      roleName: names.endpointRoleName(props.stage),
      permissionsBoundary: this.permissionsBoundary,
      modelArtifactsBucket: artifacts,
      modelArtifactsPrefix: 'runs/',
      imageRepositoryArns,
    };
    if (this.servingMode === ServingMode.SCALE_TO_ZERO) {
      // the inference component has the endpoint's name (the smoke test's default)
      const scaleToZero = new ScaleToZeroEndpoint(this, 'Endpoint', { ...endpointProps, maxInstanceCount: settings.maxCapacity ?? 1 });
      this.scaleToZeroEndpoint = scaleToZero;
      this.endpoint = scaleToZero;
      this.endpointRole = scaleToZero.role;
    } else {
      const alwaysOn = new RealtimeEndpoint(this, 'Endpoint', {
        ...endpointProps,
        minCapacity: settings.minCapacity ?? (prod ? 2 : 1),
        maxCapacity: settings.maxCapacity ?? (prod ? 4 : 2),
        dataCapture: { samplingPercentage: settings.dataCaptureSamplingPercentage ?? 20 },
      });
      this.alwaysOnEndpoint = alwaysOn;
      this.endpoint = alwaysOn;
      this.endpointRole = alwaysOn.role;
    }
    (this.endpointRole as iam.Role).addManagedPolicy(this.guardrailPolicy);
    // The model artifacts are encrypted with the use case's key in EXP, whose key policy admits this
    // role's account; the alias names the key (its id is not known outside EXP).
    const decrypt = new iam.ManagedPolicy(this, 'ReadModelArtifactsKey', {
      description: `Decrypt the model artifacts of ${names.base} (EXP key ${names.artifactKeyAlias})`,
      roles: [this.endpointRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'DecryptModelArtifacts',
          actions: ['kms:Decrypt', 'kms:DescribeKey'],
          resources: [`arn:${names.platform.partition(PlatformAccount.EXP)}:kms:${exp.region}:${exp.accountId}:key/*`],
          conditions: {
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': names.artifactKeyAlias },
            'StringEquals': { 'kms:ViaService': `s3.${exp.region}.amazonaws.com` },
          },
        }),
      ],
    });
    acknowledgeRules(decrypt, {
      [`AwsSolutions-IAM5[Resource::arn:${names.platform.partition(PlatformAccount.EXP)}:kms:${exp.region}:${exp.accountId}:key/*]`]:
        'The key id of the EXP artifact key is not known in this account; kms:ResourceAliases limits the statement to that one key, and kms:ViaService to S3.',
    });

    this.smokeTestRole = new iam.Role(this, 'SmokeTestRole', {
      roleName: names.smokeTestRoleName(props.stage),
      description: `Assumed by the smoke test of the ${names.base} deployment pipeline in RES`,
      // exactly the SmokeTest project role of this stage in RES, by ARN (a principal tag could be set by
      // anyone who may tag roles in RES); aws:PrincipalArn does not need the role to exist yet
      assumedBy: new iam.AccountPrincipal(this.platform.account(PlatformAccount.RES).accountId).withConditions({
        ArnEquals: { 'aws:PrincipalArn': names.roleArn(PlatformAccount.RES, names.smokeTestCallerRoleName(props.stage)) },
      }),
    });
    const smoke = new iam.ManagedPolicy(this, 'SmokeTestPolicy', {
      description: `Smoke test of ${names.endpointName(props.stage)}: describe it, its config and model, invoke it`,
      roles: [this.smokeTestRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'DescribeTheEndpoint',
          actions: ['sagemaker:DescribeEndpoint', 'sagemaker:InvokeEndpoint'],
          resources: [this.endpoint.endpointArn],
        }),
        new iam.PolicyStatement({
          sid: 'DescribeItsConfigAndModels',
          actions: ['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel'],
          resources: [
            `arn:${this.partition}:sagemaker:${this.region}:${this.account}:endpoint-config/*`,
            `arn:${this.partition}:sagemaker:${this.region}:${this.account}:model/*`,
          ],
        }),
      ],
    });
    // scale to zero: the smoke test brings a copy of this stage's inference component up and waits for it
    this.scaleToZeroEndpoint?.grantScaleOut(smoke);
    acknowledgeRules(smoke, {
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:${this.region}:${this.account}:endpoint-config/*]`]:
        'Endpoint config and model names are generated (never fixed, so that blue/green replacements work); describing them is read-only.',
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:${this.region}:${this.account}:model/*]`]:
        'Endpoint config and model names are generated (never fixed, so that blue/green replacements work); describing them is read-only.',
    });

    if (settings.inferenceApi) {
      this.inferenceApi = new InferenceApi(this, 'InferenceApi', {
        endpointName: this.endpoint.endpointName,
        encryptionKey: this.dataKey,
        vpc: this.vpc,
        permissionsBoundary: this.permissionsBoundary,
      });
      this.inferenceApi.node.addDependency(this.endpoint);
    }
    if (settings.batchInference) {
      this.batchInference = new BatchInference(this, 'BatchInference', {
        modelSource: EndpointModelSource.fromModelPackageArn(this.modelPackageArn),
        instanceType,
        encryptionKey: this.dataKey,
        vpc: this.vpc,
        schedule: settings.batchSchedule,
        permissionsBoundary: this.permissionsBoundary,
        modelArtifactsBucket: artifacts,
        modelArtifactsPrefix: 'runs/',
        imageRepositoryArns,
        jobNamePrefix: `${names.base}-${props.stage}`.slice(0, 50),
        // fixed names: the registry, the artifact bucket and the key in EXP admit exactly these roles
        modelRoleName: names.batchModelRoleName(props.stage),
        stateMachineRoleName: names.batchWorkflowRoleName(props.stage),
      });
      (this.batchInference.modelRole as iam.Role).addManagedPolicy(this.guardrailPolicy);
      decrypt.attachToRole(this.batchInference.modelRole);
    }
    if (settings.modelMonitor) {
      const monitoring = stageMonitoring(props.stage, props.stage, settings);
      let groundTruthS3Uri = settings.groundTruthS3Uri;
      if (!groundTruthS3Uri && settings.modelQuality) {
        const location = new GroundTruthLocation(this, 'GroundTruth', {
          bucketName: names.groundTruthBucketName(props.stage),
          writerRoleName: names.groundTruthWriterRoleName(props.stage),
          encryptionKey: this.dataKey,
          permissionsBoundary: this.permissionsBoundary,
        });
        location.writerRole.addManagedPolicy(this.guardrailPolicy);
        this.groundTruth = location;
        groundTruthS3Uri = location.s3Uri;
      }
      this.modelMonitor = new ModelMonitor(this, 'ModelMonitor', {
        endpointName: this.endpoint.endpointName,
        dataCaptureBucket: this.alwaysOnEndpoint!.dataCaptureBucket,
        encryptionKey: this.dataKey,
        vpc: this.vpc,
        permissionsBoundary: this.permissionsBoundary,
        instanceType: monitoring.instanceType,
        dataQuality: { schedule: monitoring.dataQuality },
        modelQuality: groundTruthS3Uri
          ? {
            problemType: ModelQualityProblemType.BINARY_CLASSIFICATION,
            groundTruthS3Uri,
            schedule: monitoring.modelQuality,
            alarms: settings.minimumF1 !== undefined ? [{ metric: ModelQualityMetric.F1, threshold: settings.minimumF1 }] : undefined,
          }
          : undefined,
        driftAlarmName: names.driftAlarmName(props.stage),
        // the alarm's state change goes to the RES model event bus, which forwards it to EXP (see MlopsUseCase)
        retrainingTarget: this.retraining ? RetrainingTarget.eventBus(names.platform.eventBusArn) : undefined,
      });
      this.modelMonitor.node.addDependency(this.endpoint);
    }
  }
}

/**
 * The stage's serving mode, after checking that the settings fit it.
 * @throws when a setting needs the other mode
 */
function resolveServingMode(stage: PlatformAccount, settings: UseCaseStageSettings): ServingMode {
  const mode = settings.servingMode ?? (stage === PlatformAccount.PROD ? ServingMode.ALWAYS_ON : ServingMode.SCALE_TO_ZERO);
  const modes = Object.values(ServingMode) as string[];
  if (!modes.includes(mode)) {
    throw new Error(`${stage}.servingMode: ${JSON.stringify(mode)} is not a serving mode; write ${modes.map((m) => JSON.stringify(m)).join(' or ')}`);
  }
  const where = `${stage}.servingMode is ${mode}`;
  if (mode === ServingMode.SCALE_TO_ZERO) {
    const refuse = (field: string, fix: string) => {
      throw new Error(`${stage}.${field}: ${where}${settings.servingMode === undefined ? ' (the default outside PROD)' : ''}, which ${fix}`);
    };
    if (settings.minCapacity !== undefined && settings.minCapacity !== 0) {
      refuse('minCapacity', `keeps no instance while idle; remove minCapacity (or write 0), or set servingMode: ServingMode.ALWAYS_ON to keep ${settings.minCapacity} running`);
    }
    if (settings.maxCapacity !== undefined && !(Number.isInteger(settings.maxCapacity) && settings.maxCapacity >= 1)) {
      refuse('maxCapacity', `needs a whole number of instances, 1 or more (${settings.maxCapacity} given)`);
    }
    if (settings.dataCaptureSamplingPercentage !== undefined) {
      refuse('dataCaptureSamplingPercentage', 'has no data capture (inference components); remove it, or set servingMode: ServingMode.ALWAYS_ON');
    }
    if (settings.modelMonitor) {
      refuse('modelMonitor', 'has no data capture for Model Monitor to read (Model Monitor supports endpoints that host a single model only); remove modelMonitor, or set servingMode: ServingMode.ALWAYS_ON');
    }
    if (settings.inferenceApi) {
      refuse('inferenceApi', 'serves through an inference component, which the inference API does not name in InvokeEndpoint; remove inferenceApi, or set servingMode: ServingMode.ALWAYS_ON');
    }
  } else if (settings.minCapacity === 0) {
    throw new Error(`${stage}.minCapacity: 0 instances needs servingMode: ServingMode.SCALE_TO_ZERO (${where}, whose endpoint keeps at least 1); write 1 or more, or set servingMode: ServingMode.SCALE_TO_ZERO`);
  }
  return mode;
}
