import { Annotations, ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { EndpointInstanceType } from './endpoint-instance-type';
import { EndpointModelSource, EndpointModelSourceKind, ecrRepositoryArn, parseEcrImageUri, s3ObjectArn } from './endpoint-model-source';
import { createEndpointSecurityGroup } from './endpoint-security-group';
import { checkInteger, checkSageMakerName } from './endpoint-validation';
import { RealtimeEndpointBase } from './realtime-endpoint-base';
import { EncryptedLogGroup } from '../core/encrypted-log-group';
import { literalPartition } from '../core/iam-findings';
import {
  checkPrivateSubnets, createWorkloadPolicy, ecrPullStatements, ENDPOINT_NETWORK_INTERFACES, networkInterfaceStatements,
} from '../core/sagemaker-workload';
import { accountScopedServicePrincipal } from '../core/service-trust';
import { ReasonedStatement } from '../core/wildcard-acknowledgement';

/** The production variant of the endpoint (the instances the inference component's copies run on). */
const VARIANT_NAME = 'AllTraffic';
/** The metric SageMaker publishes when a request finds no copy of the inference component to answer it. */
export const NO_CAPACITY_METRIC_NAME = 'NoCapacityInvocationFailures';

/**
 * Props of a `ScaleToZeroEndpoint`.
 */
export interface ScaleToZeroEndpointProps {
  /** The endpoint name (1 to 63 letters, digits and hyphens). */
  readonly endpointName: string;
  /**
   * The inference component's name: the name a caller passes to `InvokeEndpoint` (`InferenceComponentName`)
   * and the resource `inference-component/<name>` that Application Auto Scaling scales.
   * @default - the endpoint name
   */
  readonly inferenceComponentName?: string;
  /** The model the inference component serves. */
  readonly modelSource: EndpointModelSource;
  /** The instance type of the instances managed instance scaling starts for the component's copies. */
  readonly instanceType: EndpointInstanceType;
  /** The VPC of the model containers (private or isolated subnets only). */
  readonly vpc: ec2.IVpc;
  /**
   * The subnets of the model containers.
   * @default - the VPC's private (isolated or with egress) subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The prefix list of S3 in the region, to which the security group this construct creates allows HTTPS
   * (the model artifact download through the S3 gateway endpoint).
   * @default - the security group allows HTTPS to the VPC CIDR only
   */
  readonly s3PrefixListId?: string;
  /** The key of the instance volumes and the log group. */
  readonly encryptionKey: kms.IKey;
  /**
   * The name of the execution role this construct creates.
   * @default - a generated name
   */
  readonly roleName?: string;
  /**
   * The permissions boundary of the execution role.
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /**
   * The bucket of the model artifacts the execution role may read.
   * @default - only the model source's own artifact (`modelDataUrl`)
   */
  readonly modelArtifactsBucket?: s3.IBucket;
  /**
   * The prefix of the model artifacts in `modelArtifactsBucket`.
   * @default - the whole bucket
   */
  readonly modelArtifactsPrefix?: string;
  /**
   * The ECR repositories the execution role may pull the inference images from.
   * @default - the repository of the model source's image, if it names one
   */
  readonly imageRepositoryArns?: string[];
  /**
   * The most instances (and copies of the inference component, one per instance) scaling starts.
   * @default 1
   */
  readonly maxInstanceCount?: number;
  /**
   * The memory a copy of the model reserves on an instance, in MiB.
   * @default 1024
   */
  readonly copyMemoryMiB?: number;
  /**
   * The CPU cores a copy of the model reserves on an instance.
   * @default 1
   */
  readonly copyCpuCores?: number;
  /**
   * The invocations per copy per minute that the target-tracking policy keeps (it scales in to 0 copies
   * when there are none).
   * @default 100
   */
  readonly targetInvocationsPerCopy?: number;
  /**
   * The time after a scale-in before the next one: how long the last copy outlives the previous scale-in.
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;
  /**
   * The retention of the endpoint log group.
   * @default - as `EncryptedLogGroup` (one year)
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A SageMaker real-time endpoint that has no instance running while nobody calls it: the model runs as an
 * inference component (`AWS::SageMaker::InferenceComponent`) on an endpoint whose production variant uses
 * managed instance scaling with `MinInstanceCount` 0. Application Auto Scaling scales the component's
 * copies (`sagemaker:inference-component:DesiredCopyCount`) between 0 and `maxInstanceCount`: a
 * target-tracking policy on the invocations per copy scales in to 0 when there are no invocations (and
 * managed instance scaling then removes the instance); a step-scaling policy on the
 * `NoCapacityInvocationFailures` alarm adds a copy when a request finds none, which starts an instance.
 * That takes minutes, during which requests fail: a caller that needs an answer (the deployment
 * pipeline's smoke test) sets the copy count to 1 itself (`UpdateInferenceComponentRuntimeConfig`) and
 * waits for the copy.
 *
 * The containers run in the VPC (the endpoint configuration's `VpcConfig`), with network isolation, the
 * instance volumes encrypted with `encryptionKey`. Not supported here: data capture and Model Monitor
 * (Model Monitor supports endpoints that host a single model only), blue/green deployment with alarm
 * rollback; use `RealtimeEndpoint` for them.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * declare const key: kms.IKey;
 * new ScaleToZeroEndpoint(this, 'DevEndpoint', {
 *   endpointName: 'churn-dev',
 *   modelSource: EndpointModelSource.fromModelPackageArn('arn:aws:sagemaker:eu-central-1:111111111111:model-package/churn/3'),
 *   instanceType: EndpointInstanceType.of('ml.m5.large'),
 *   vpc,
 *   encryptionKey: key,
 * });
 */
export class ScaleToZeroEndpoint extends RealtimeEndpointBase implements ec2.IConnectable {
  /** The endpoint name. */
  public readonly endpointName: string;
  /** The endpoint ARN. */
  public readonly endpointArn: string;
  /** The inference component's name. */
  public readonly inferenceComponentName: string;
  /** The inference component's ARN. */
  public readonly inferenceComponentArn: string;
  /** The endpoint. */
  public readonly endpoint: sagemaker.CfnEndpoint;
  /** The endpoint configuration (managed instance scaling, VPC, execution role). */
  public readonly endpointConfig: sagemaker.CfnEndpointConfig;
  /** The model. */
  public readonly model: sagemaker.CfnModel;
  /** The inference component. */
  public readonly inferenceComponent: sagemaker.CfnInferenceComponent;
  /** The execution role of the endpoint and its model. */
  public readonly role: iam.IRole;
  /** Its least-privilege policy. */
  public readonly executionPolicy: iam.ManagedPolicy;
  /** The security groups of the containers. */
  public readonly connections: ec2.Connections;
  /** The scalable target of the copy count. */
  public readonly scalableTarget: appscaling.ScalableTarget;
  /** The alarm whose breach adds a copy when a request found none. */
  public readonly noCapacityAlarm: cloudwatch.Alarm;
  /** The most instances. */
  public readonly maxInstanceCount: number;
  /** The endpoint log group. */
  public readonly logGroup: logs.ILogGroup;
  protected readonly defaultMetricVariantName = VARIANT_NAME;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the model, network, encryption and scaling settings
   */
  constructor(scope: Construct, id: string, props: ScaleToZeroEndpointProps) {
    super(scope, id);
    const stack = Stack.of(this);
    checkSageMakerName('endpointName', props.endpointName, 'churn-dev');
    this.endpointName = props.endpointName;
    this.inferenceComponentName = props.inferenceComponentName ?? props.endpointName;
    checkSageMakerName('inferenceComponentName', this.inferenceComponentName, 'churn-dev');
    this.maxInstanceCount = props.maxInstanceCount ?? 1;
    checkInteger('maxInstanceCount', this.maxInstanceCount, 1, undefined, 'the most instances scaling starts');
    const memory = props.copyMemoryMiB ?? 1024;
    checkInteger('copyMemoryMiB', memory, 128, undefined, 'the MiB of memory a copy of the model reserves');
    const cores = props.copyCpuCores ?? 1;
    if (!Token.isUnresolved(cores) && !(cores > 0)) throw new Error(`copyCpuCores is ${cores}; write the CPU cores a copy reserves, a number above 0 (e.g. 1)`);
    const target = props.targetInvocationsPerCopy ?? 100;
    if (!Token.isUnresolved(target) && !(target > 0)) throw new Error(`targetInvocationsPerCopy is ${target}; write the invocations per copy per minute the model sustains, a number above 0`);

    const subnets = props.vpc.selectSubnets(props.vpcSubnets);
    checkPrivateSubnets('vpcSubnets', props.vpc, subnets, 'the model network interfaces');
    const securityGroup = createEndpointSecurityGroup(this, 'SecurityGroup', props.vpc, props.endpointName, props.s3PrefixListId);
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
    const vpcConfig = { subnets: subnets.subnetIds, securityGroupIds: [securityGroup.securityGroupId] };

    const logGroupName = `/aws/sagemaker/Endpoints/${props.endpointName}`;
    this.logGroup = new EncryptedLogGroup(this, 'Logs', { encryptionKey: props.encryptionKey, logGroupName, retention: props.logRetention }).logGroup;

    if (props.roleName !== undefined && !Token.isUnresolved(props.roleName) && !/^[\w+=,.@-]{1,64}$/.test(props.roleName)) {
      throw new Error(`ScaleToZeroEndpoint ${this.node.path}: roleName ${JSON.stringify(props.roleName)} is not an IAM role name; use 1 to 64 of letters, digits and + = , . @ _ -`);
    }
    const role = new iam.Role(this, 'ExecutionRole', {
      roleName: props.roleName,
      assumedBy: accountScopedServicePrincipal(this, 'sagemaker.amazonaws.com'),
      permissionsBoundary: props.permissionsBoundary,
      description: `Execution role of the SageMaker endpoint ${props.endpointName} and its inference component`,
    });
    this.role = role;
    this.executionPolicy = this.createExecutionPolicy(role, props, subnets.subnetIds, [securityGroup], logGroupName);

    const source = props.modelSource;
    this.model = new sagemaker.CfnModel(this, 'Model', {
      executionRoleArn: role.roleArn,
      enableNetworkIsolation: true,
      vpcConfig,
      primaryContainer: source.kind === EndpointModelSourceKind.MODEL_PACKAGE
        ? { modelPackageName: source.modelPackageArn, environment: source.environment }
        : { image: source.imageUri, modelDataUrl: source.modelDataUrl, mode: 'SingleModel', environment: source.environment },
    });
    this.model.node.addDependency(this.executionPolicy);

    // An endpoint for inference components: the execution role and the VPC are on the configuration, the
    // variant names no model; managed instance scaling may remove every instance.
    this.endpointConfig = new sagemaker.CfnEndpointConfig(this, 'Config', {
      executionRoleArn: role.roleArn,
      enableNetworkIsolation: true,
      vpcConfig,
      kmsKeyId: props.instanceType.hasLocalStorage ? undefined : props.encryptionKey.keyArn,
      productionVariants: [{
        variantName: VARIANT_NAME,
        instanceType: props.instanceType.instanceType,
        initialInstanceCount: 1,
        managedInstanceScaling: { status: 'ENABLED', minInstanceCount: 0, maxInstanceCount: this.maxInstanceCount },
        routingConfig: { routingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
      }],
    });
    if (props.instanceType.hasLocalStorage) {
      Annotations.of(this).addWarningV2('@vw/mlops-blueprint:ScaleToZeroEndpoint.localStorage',
        `${props.instanceType.instanceType} has local NVMe storage, which SageMaker encrypts on the instance; no KmsKeyId is set`);
    }
    this.endpointConfig.node.addDependency(this.executionPolicy);

    this.endpoint = new sagemaker.CfnEndpoint(this, 'Endpoint', {
      endpointName: props.endpointName,
      endpointConfigName: this.endpointConfig.attrEndpointConfigName,
    });
    this.endpoint.node.addDependency(this.logGroup);
    this.endpointArn = stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: props.endpointName.toLowerCase() });

    // one copy at creation, so that the deployment's smoke test finds it; the policies scale in to 0 afterwards
    this.inferenceComponent = new sagemaker.CfnInferenceComponent(this, 'InferenceComponent', {
      inferenceComponentName: this.inferenceComponentName,
      endpointName: this.endpoint.attrEndpointName,
      variantName: VARIANT_NAME,
      specification: {
        modelName: this.model.attrModelName,
        computeResourceRequirements: { minMemoryRequiredInMb: memory, numberOfCpuCoresRequired: cores },
      },
      runtimeConfig: { copyCount: 1 },
    });
    this.inferenceComponentArn = stack.formatArn({ service: 'sagemaker', resource: 'inference-component', resourceName: this.inferenceComponentName.toLowerCase() });

    this.scalableTarget = new appscaling.ScalableTarget(this, 'ScalableTarget', {
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
      resourceId: `inference-component/${this.inferenceComponentName}`,
      scalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
      minCapacity: 0,
      maxCapacity: this.maxInstanceCount,
      role: iam.Role.fromRoleArn(this, 'AutoScalingRole',
        `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
        { mutable: false }),
    });
    this.scalableTarget.node.addDependency(this.inferenceComponent);
    this.scalableTarget.scaleToTrackMetric('InvocationsPerCopy', {
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_INVOCATIONS_PER_COPY,
      targetValue: target,
      scaleInCooldown: props.scaleInCooldown ?? Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
    const scaleOut = new appscaling.StepScalingAction(this, 'ScaleOutFromZero', {
      scalingTarget: this.scalableTarget,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
      cooldown: Duration.minutes(1),
    });
    scaleOut.addAdjustment({ adjustment: 1, lowerBound: 0 });
    this.noCapacityAlarm = new cloudwatch.Alarm(this, 'NoCapacityAlarm', {
      alarmDescription: `A request to ${props.endpointName} found no copy of ${this.inferenceComponentName}: add one (scale out from zero)`,
      metric: this.metricNoCapacityInvocationFailures(),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.noCapacityAlarm.addAlarmAction(new cw_actions.ApplicationScalingAction(scaleOut));
  }

  /**
   * Requests that found no copy of the inference component (`AWS/SageMaker` `NoCapacityInvocationFailures`,
   * dimension `InferenceComponentName`; maximum over one minute by default).
   * @param options statistic, period
   */
  public metricNoCapacityInvocationFailures(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName: NO_CAPACITY_METRIC_NAME,
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
      ...options,
      dimensionsMap: { ...options.dimensionsMap, InferenceComponentName: this.inferenceComponentName },
    });
  }

  /**
   * Lets a principal bring the component up and wait for it: describe the inference component and set its
   * copy count (`sagemaker:DescribeInferenceComponent`, `sagemaker:UpdateInferenceComponentRuntimeConfig`),
   * on this component only.
   * @param grantee the principal (the deployment pipeline's smoke-test role)
   */
  public grantScaleOut(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:DescribeInferenceComponent', 'sagemaker:UpdateInferenceComponentRuntimeConfig'],
      resourceArns: [this.inferenceComponentArn],
    });
  }

  private createExecutionPolicy(
    role: iam.Role,
    props: ScaleToZeroEndpointProps,
    subnetIds: string[],
    securityGroups: ec2.ISecurityGroup[],
    logGroupName: string,
  ): iam.ManagedPolicy {
    const stack = Stack.of(this);
    const partition = literalPartition(stack);
    const logGroupArn = stack.formatArn({ partition, service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const statements: ReasonedStatement[] = [
      ...networkInterfaceStatements(stack, partition, props.vpc, subnetIds, securityGroups, ENDPOINT_NETWORK_INTERFACES),
    ];
    const add = (statement: iam.PolicyStatement, wildcardReason?: string) => statements.push({ statement, wildcardReason });
    add(
      new iam.PolicyStatement({ sid: 'WriteTheEndpointLogStreams', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroupArn}:log-stream:*`] }),
      'SageMaker names a log stream per variant, component copy and instance at run time; the statement is limited to the streams of this endpoint log group.',
    );
    add(
      new iam.PolicyStatement({ sid: 'UseTheEndpointLogGroup', actions: ['logs:DescribeLogStreams'], resources: [logGroupArn, `${logGroupArn}:*`] }),
      'CloudWatch Logs authorises log-group actions on the group ARN with the :* suffix; it names only this endpoint log group.',
    );
    add(
      new iam.PolicyStatement({
        sid: 'PutSageMakerEndpointMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } },
      }),
      'cloudwatch:PutMetricData has no resource type; the cloudwatch:namespace condition limits it to the SageMaker namespaces.',
    );
    const artifacts = new Set<string>();
    if (props.modelSource.modelDataUrl) artifacts.add(s3ObjectArn(partition, props.modelSource.modelDataUrl));
    if (props.modelArtifactsBucket) {
      const prefix = props.modelArtifactsPrefix?.replace(/^\/+|\/+$/g, '');
      artifacts.add(props.modelArtifactsBucket.arnForObjects(prefix ? `${prefix}/*` : '*'));
    }
    if (artifacts.size > 0) {
      add(
        new iam.PolicyStatement({ sid: 'ReadTheModelArtifacts', actions: ['s3:GetObject'], resources: [...artifacts] }),
        'Model artifacts are objects below the given model artifact prefix, written by the model-build pipeline after this stack is deployed.',
      );
    }
    const repositories = new Set<string>(props.imageRepositoryArns ?? []);
    const ecr = props.modelSource.imageUri ? parseEcrImageUri(props.modelSource.imageUri) : undefined;
    if (ecr) repositories.add(ecrRepositoryArn(partition, ecr));
    if (repositories.size > 0) statements.push(...ecrPullStatements('PullTheInferenceImages', [...repositories]));
    const description = `Least-privilege permissions of the SageMaker endpoint ${props.endpointName} and its inference component`;
    return createWorkloadPolicy(this, 'ExecutionPolicy', description, role, statements);
  }
}
