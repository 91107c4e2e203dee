import { CfnResource, DefaultStackSynthesizer, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ComplianceBaseline } from '../../constructs/compliance';
import { PLATFORM_TAG_VALUE, USE_CASE_TAG_KEY } from '../../constructs/core/tenancy-tag';
import { IsolatedNetwork } from '../../constructs/network';
import { PersonaEnvironment, PersonaRoles, PlatformKey, SageMakerGuardrails } from '../../constructs/security';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { KeyPurpose, PlatformNames } from '../naming';
import { accountInterfaceEndpoints } from './account-endpoints';
import { allowServicesOfImportingStacks } from './imported-key-services';
import { personaTrust } from './people-trust';

/**
 * Props of a `PlatformAccountStack`.
 */
export interface PlatformAccountStackProps extends StackProps {
  /** The validated platform configuration. */
  readonly config: PlatformConfig;
  /** Which of the six accounts this stack is deployed to. */
  readonly account: PlatformAccount;
}

/**
 * What roles in accounts with a network need beyond the guardrails' default boundary: the custom
 * resource that empties the default security group of a created VPC, Lambda functions in the VPC
 * (the inference API), X-Ray tracing (Lambda, Step Functions), Step Functions (batch inference) and the
 * dead-letter queues of schedules.
 */
const NETWORK_ACCOUNT_BOUNDARY_ACTIONS = [
  'ec2:AuthorizeSecurityGroup*', 'ec2:RevokeSecurityGroup*', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
  'xray:Put*', 'xray:GetSampling*', 'states:*', 'sqs:SendMessage',
];

/** The parameters the platform publishes in each account for the use-case stacks of that account. */
export enum PlatformParameter {
  /** the VPC id */
  VPC_ID = 'vpc-id',
  /** the isolated subnet ids, comma-separated */
  SUBNET_IDS = 'subnet-ids',
  /** the VPC's IPv4 CIDR */
  VPC_CIDR = 'vpc-cidr',
  /** the ARN of the ML key (model artifacts, data capture, SageMaker volumes) */
  ML_KEY_ARN = 'ml-key-arn',
  /** the ARN of the platform key (buckets, logs, queues) */
  PLATFORM_KEY_ARN = 'platform-key-arn',
  /** EXP: the id of the Studio domain (the use cases' onboarding stacks create their Studio user profiles in it) */
  STUDIO_DOMAIN_ID = 'studio-domain-id',
  /** EXP, with `dataShare`: the name of the bucket of the data scientists' Athena query results */
  ATHENA_RESULTS_BUCKET = 'athena-results-bucket',
}

/**
 * The platform stack of one account. Every account gets: the platform key, the SageMaker guardrails
 * (whose permissions boundary is set on every role of the stack), the compliance baseline (AWS Config
 * and Security Hub). Accounts with a network get the isolated network and the ML key; EXP, DEV, INT
 * and PROD get the persona roles of their environment. Subclasses add what is specific to an account.
 */
export class PlatformAccountStack extends Stack {
  /** The platform configuration. */
  public readonly config: PlatformConfig;
  /** The names computed from it. */
  public readonly names: PlatformNames;
  /** The account this stack is deployed to. */
  public readonly platformAccount: PlatformAccount;
  /** The key for the platform's own data at rest (buckets, logs, queues, the event bus). */
  public readonly platformKey: PlatformKey;
  /** The SageMaker guardrails: guardrail policy and permissions boundary. */
  public readonly guardrails: SageMakerGuardrails;
  /** AWS Config and Security Hub. */
  public readonly complianceBaseline: ComplianceBaseline;
  /** The isolated network, in accounts with a network. */
  public readonly network?: IsolatedNetwork;
  /**
   * The ML key, in accounts with a network. Besides the account (and EXP's consumers), its policy lets
   * CloudWatch Logs use it for this account's log groups, CloudWatch alarms and EventBridge rules of
   * this account publish to topics and queues encrypted with it, and the log delivery of this account
   * decrypt (state machines encrypted with it that log): the use-case stacks import it.
   */
  public readonly mlKey?: PlatformKey;
  /** The persona roles, in EXP, DEV, INT and PROD. */
  public readonly personas?: PersonaRoles;

  /**
   * @param scope the parent construct (the `MlopsPlatform`)
   * @param id the construct id
   * @param props the configuration and the account
   */
  constructor(scope: Construct, id: string, props: PlatformAccountStackProps) {
    const names = new PlatformNames(props.config);
    const { accountId, region } = props.config.account(props.account);
    super(scope, id, {
      ...props,
      stackName: props.stackName ?? names.platformStackName(props.account),
      env: { account: accountId, region },
      synthesizer: props.synthesizer ?? new DefaultStackSynthesizer({ qualifier: props.config.qualifier }),
      terminationProtection: props.terminationProtection ?? true,
      description: props.description ?? `${props.config.prefix} MLOps platform: ${props.account.toUpperCase()} account (@vw/mlops-blueprint)`,
    });
    this.config = props.config;
    this.names = names;
    this.platformAccount = props.account;
    const network = props.config.account(props.account).network;
    // the zones are known from the configuration: no availability-zone lookup, so synth needs no AWS credentials
    this.node.setContext(`availability-zones:account=${accountId}:region=${region}`, zonesOf(props.config, props.account));

    for (const [key, value] of Object.entries(props.config.tags)) Tags.of(this).add(key, value);
    Tags.of(this).add('mlops:account', props.account);
    // every resource belongs to the platform or to exactly one use case: the scoped deploy roles of the
    // use cases deny every change to a resource whose mlops:use-case is not their own
    Tags.of(this).add(USE_CASE_TAG_KEY, PLATFORM_TAG_VALUE);

    this.platformKey = new PlatformKey(this, 'PlatformKey', {
      aliasName: names.keyAlias(KeyPurpose.PLATFORM).replace(/^alias\//, ''),
      description: `${props.config.prefix} platform data at rest in ${props.account.toUpperCase()} (buckets, logs, queues, events)`,
    });

    this.guardrails = new SageMakerGuardrails(this, 'Guardrails', {
      allowedInstanceTypes: props.config.allowedInstanceTypes,
      managedPolicyNamePrefix: `${props.config.prefix}-`,
      additionalBoundaryActions: network ? NETWORK_ACCOUNT_BOUNDARY_ACTIONS : undefined,
    });
    // every role this stack creates carries the boundary (the CloudFormation execution policy insists on it)
    iam.PermissionsBoundary.of(this).apply(this.guardrails.permissionsBoundary);

    // a landing zone (Control Tower) may own the recorder, its service-linked role and Security Hub already
    const landingZone = props.config.landingZone;
    this.complianceBaseline = new ComplianceBaseline(this, 'Compliance', {
      encryptionKey: this.platformKey.key,
      enableConfigRecorder: landingZone.createConfigRecorder ?? true,
      createServiceLinkedRole: landingZone.createConfigServiceLinkedRole ?? landingZone.createConfigRecorder ?? true,
      enableSecurityHub: landingZone.enableSecurityHub ?? true,
    });

    if (network) {
      this.mlKey = new PlatformKey(this, 'MlKey', {
        aliasName: names.keyAlias(KeyPurpose.ML).replace(/^alias\//, ''),
        description: `${props.config.prefix} ML data in ${props.account.toUpperCase()}: model artifacts, data capture, SageMaker volumes`,
        // no consumer account: each use case's model artifacts are under its own artifact key (its training
        // stack), which names the consumer roles; a grant to whole accounts here would let every role of RES,
        // DEV, INT and PROD decrypt what this key protects (Studio volumes and the account's ML data)
      });
      // The use-case stacks of this account import the ML key (SSM) and cannot change its policy: the
      // services their log groups, alarm topics and dead-letter queues need are allowed here, for this
      // account only (log groups of this account and region; alarms, rules and log delivery of this account).
      allowServicesOfImportingStacks(this.mlKey.key);
      this.network = new IsolatedNetwork(this, 'Network', {
        cidr: network.cidr,
        ...(network.vpcId
          ? { vpcId: network.vpcId, subnetIds: network.subnetIds, availabilityZones: network.availabilityZones }
          : { availabilityZones: zonesOf(props.config, props.account) }),
        flowLogKey: this.platformKey.key,
        endpointAzCount: network.endpointAzs,
        // only the services this account's flows call from the VPC (see accountInterfaceEndpoints), or
        // none where the landing zone shares its endpoints with the VPC
        interfaceEndpoints: network.sharedEndpoints ? [] : accountInterfaceEndpoints(props.account),
      });
      if (network.sharedEndpoints) markSharedEndpoints(this.network);
      this.publish(PlatformParameter.VPC_ID, this.network.vpc.vpcId);
      this.publish(PlatformParameter.SUBNET_IDS, this.network.subnetIds.join(','));
      this.publish(PlatformParameter.VPC_CIDR, this.network.vpcCidr);
      this.publish(PlatformParameter.ML_KEY_ARN, this.mlKey.keyArn);
    }
    this.publish(PlatformParameter.PLATFORM_KEY_ARN, this.platformKey.keyArn);

    const environment = personaEnvironment(props.account);
    if (environment !== undefined) {
      this.personas = new PersonaRoles(this, 'Personas', {
        environment,
        trust: personaTrust(props.config, props.account),
        guardrails: this.guardrails,
        roleNamePrefix: `${props.config.prefix}-`,
        // the use cases' model package groups are <prefix>-<use case>, their endpoints <prefix>-<use case>-<stage>
        useCaseNamePrefix: `${props.config.prefix}-`,
        endpointNameSuffix: environment === PersonaEnvironment.EXPERIMENTATION ? undefined : `-${props.account}`,
      });
    }
  }

  /**
   * Publishes a value for the use-case stacks of this account as an SSM parameter
   * (`/<prefix>/platform/<name>`): same-account, resolved at deploy time, no CloudFormation exports.
   * @param name the parameter
   * @param value its value
   */
  protected publish(name: PlatformParameter | string, value: string): ssm.StringParameter {
    return new ssm.StringParameter(this, `Parameter-${name}`, {
      parameterName: this.names.parameterName(name),
      stringValue: value,
      description: `${this.config.prefix} platform: ${name} of the ${this.platformAccount.toUpperCase()} account, for use-case stacks`,
    });
  }
}

/**
 * The accounts that may decrypt with the ML key of an account: EXP shares model artifacts with RES, DEV,
 * INT and PROD; the stage accounts keep their ML data to themselves.
 */
/** The availability zones of an account's network: configured, or the first `maxAzs` of the region. @internal */
export function zonesOf(config: PlatformConfig, account: PlatformAccount): string[] {
  const { region, network } = config.account(account);
  if (network?.availabilityZones) return network.availabilityZones;
  return 'abcdef'.slice(0, network?.maxAzs ?? 2).split('').map((letter) => `${region}${letter}`);
}

function personaEnvironment(account: PlatformAccount): PersonaEnvironment | undefined {
  switch (account) {
    case PlatformAccount.EXP:
      return PersonaEnvironment.EXPERIMENTATION;
    case PlatformAccount.DEV:
      return PersonaEnvironment.DEV;
    case PlatformAccount.INT:
      return PersonaEnvironment.INT;
    case PlatformAccount.PROD:
      return PersonaEnvironment.PROD;
    default:
      return undefined;
  }
}

/** The metadata key on the endpoint security group of a VPC that uses the landing zone's shared interface endpoints. @internal */
export const SHARED_ENDPOINTS_METADATA = 'mlops-blueprint:shared-interface-endpoints';

/**
 * Records in the template that the VPC reaches AWS services through the landing zone's shared interface
 * endpoints (CloudFormation metadata on the endpoint security group, which both created and imported
 * networks have): tools that check the network paths (the flow suite) read it. The group itself stays,
 * attached to nothing, for interface endpoints added to this VPC later.
 */
function markSharedEndpoints(network: IsolatedNetwork): void {
  const group = network.endpointSecurityGroup.node.defaultChild as CfnResource;
  group.addMetadata(SHARED_ENDPOINTS_METADATA, 'the landing zone\'s interface endpoints (private hosted zones associated with this VPC); none created here');
}
