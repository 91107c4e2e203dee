import { Annotations, DefaultStackSynthesizer, Fn, IStackSynthesizer, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { SERVING_STAGES, UseCaseNames } from './usecase-names';
import { USE_CASE_TAG_KEY } from '../../constructs/core/tenancy-tag';
import { NetworkConfig } from '../config/network-config';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { IMPORTED_KEY_SERVICE_WARNINGS } from '../platform/imported-key-services';
import { PlatformParameter, zonesOf } from '../platform/platform-account-stack';

/**
 * Props of a use-case stack.
 */
export interface UseCaseStackProps {
  /** The validated platform configuration. */
  readonly platform: PlatformConfig;
  /** The use-case name. */
  readonly useCaseName: string;
  /** The account the stack is deployed to. */
  readonly account: PlatformAccount;
  /** The stack name. */
  readonly stackName: string;
  /** What the stack holds (its description). */
  readonly purpose: string;

  /**
   * How the stack is deployed (which roles `cdk deploy` assumes in the account).
   * @default - the CDK bootstrap roles of the configured qualifier
   */
  readonly synthesizer?: IStackSynthesizer;
}

/**
 * A stack of one use case in one account of the platform: account and region from the configuration,
 * the configured bootstrap qualifier, the platform's tags plus the use case's, and the platform's
 * permissions boundary on every role. What the platform provides in the account (network, keys) is read
 * from the SSM parameters the platform stack publishes there (same account, at deploy time).
 */
export class UseCaseStack extends Stack {
  /** The platform configuration. */
  public readonly platform: PlatformConfig;
  /** The use case's names. */
  public readonly names: UseCaseNames;
  /** The account this stack is deployed to. */
  public readonly platformAccount: PlatformAccount;
  /** The platform's permissions boundary of this account (set on every role of the stack). */
  public readonly permissionsBoundary: iam.IManagedPolicy;
  /** The platform's SageMaker guardrail policy of this account. */
  public readonly guardrailPolicy: iam.IManagedPolicy;

  private importedVpc?: ec2.IVpc;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the platform, use case, account and stack name
   */
  constructor(scope: Construct, id: string, props: UseCaseStackProps) {
    const { accountId, region } = props.platform.account(props.account);
    super(scope, id, {
      stackName: props.stackName,
      env: { account: accountId, region },
      synthesizer: props.synthesizer ?? new DefaultStackSynthesizer({ qualifier: props.platform.qualifier }),
      description: `${props.platform.prefix} MLOps use case ${props.useCaseName}: ${props.purpose} (@vw/mlops-blueprint)`,
    });
    this.platform = props.platform;
    this.names = new UseCaseNames(props.platform, props.useCaseName);
    this.platformAccount = props.account;
    this.node.setContext(`availability-zones:account=${accountId}:region=${region}`, zonesOf(props.platform, props.account));
    for (const [key, value] of Object.entries(props.platform.tags)) Tags.of(this).add(key, value);
    Tags.of(this).add(USE_CASE_TAG_KEY, props.useCaseName);
    Tags.of(this).add('mlops:account', props.account);

    const platformNames = this.names.platform;
    this.permissionsBoundary = iam.ManagedPolicy.fromManagedPolicyName(this, 'PermissionsBoundary', platformNames.permissionsBoundaryName);
    this.guardrailPolicy = iam.ManagedPolicy.fromManagedPolicyName(this, 'GuardrailPolicy', platformNames.guardrailPolicyName);
    iam.PermissionsBoundary.of(this).apply(this.permissionsBoundary);
  }

  /**
   * The platform's isolated VPC of this account, imported: ids from the configuration for an imported
   * VPC, else from the platform's SSM parameters.
   */
  public get vpc(): ec2.IVpc {
    if (!this.importedVpc) {
      const network = this.networkConfig();
      const zones = zonesOf(this.platform, this.platformAccount);
      const subnetList = network.subnetIds
        ? network.subnetIds
        : zones.map((_, i) => Fn.select(i, Fn.split(',', this.parameter(PlatformParameter.SUBNET_IDS), zones.length)));
      this.importedVpc = ec2.Vpc.fromVpcAttributes(this, 'PlatformVpc', {
        vpcId: this._vpcId(),
        vpcCidrBlock: network.cidr,
        availabilityZones: zones,
        isolatedSubnetIds: subnetList,
      });
    }
    return this.importedVpc;
  }

  /**
   * The id of the platform's VPC of this account: from the configuration for an imported VPC, else from the
   * platform's SSM parameter. For importers that need the id only (no subnets, so no subnet-ids parameter).
   * @internal
   */
  public _vpcId(): string {
    return this.networkConfig().vpcId ?? this.parameter(PlatformParameter.VPC_ID);
  }

  /** The network of this account in the platform configuration; an error naming the field without one. */
  private networkConfig(): NetworkConfig {
    const network = this.platform.account(this.platformAccount).network;
    if (!network) {
      throw new Error(`${this.stackName}: the ${this.platformAccount.toUpperCase()} account has no network in the platform configuration; add accounts.${this.platformAccount}.network`);
    }
    return network;
  }

  /**
   * The platform's ML key of this account (model data, data capture, SageMaker volumes), imported. Its
   * policy, written by the platform stack, lets CloudWatch Logs, CloudWatch alarms, EventBridge and the
   * log delivery of this account use it: the warnings of constructs that cannot extend an imported key's policy for
   * those services are acknowledged in this stack.
   */
  public get mlKey(): kms.IKey {
    return this.importServiceKey('PlatformMlKey', this.parameter(PlatformParameter.ML_KEY_ARN),
      `The platform stack ${this.names.platform.platformStackName(this.platformAccount)} writes the ML key policy with this statement.`);
  }

  /**
   * The key of the use case's own data in this account: for a use case of the configuration's `useCases`
   * in a serving account (DEV, INT, PROD), its data key (`UseCaseDataKey`, alias `<prefix>/<use case>/data`,
   * ARN from the SSM parameter its onboarding stack writes), so that no other use case's role can use the
   * key of its captures, batch data, ground truth, reports, logs and volumes; otherwise the platform's ML key
   * (`mlKey`). Its policy lets CloudWatch Logs, CloudWatch alarms, EventBridge and log delivery of this
   * account use it, like the ML key's.
   */
  public get dataKey(): kms.IKey {
    const serving = (SERVING_STAGES as readonly PlatformAccount[]).includes(this.platformAccount);
    if (!serving || this.platform.useCase(this.names.useCase) === undefined) return this.mlKey;
    return this.importServiceKey('UseCaseDataKey', ssm.StringParameter.valueForStringParameter(this, this.names.dataKeyParameterName),
      `The onboarding stack ${this.names.onboardingStackName(this.platformAccount)} writes the data key policy with this statement.`);
  }

  /** A key imported by ARN whose policy (written by its owner's stack) already admits the services of this stack's resources. */
  private importServiceKey(id: string, keyArn: string, reason: string): kms.IKey {
    const existing = this.node.tryFindChild(id) as kms.IKey | undefined;
    if (existing) return existing;
    for (const warning of IMPORTED_KEY_SERVICE_WARNINGS) Annotations.of(this).acknowledgeWarning(warning, reason);
    return kms.Key.fromKeyArn(this, id, keyArn);
  }

  /**
   * The value of a parameter the platform stack publishes in this account (resolved at deploy time).
   * @param name the parameter
   */
  public parameter(name: PlatformParameter): string {
    return ssm.StringParameter.valueForStringParameter(this, this.names.platform.parameterName(name));
  }
}
