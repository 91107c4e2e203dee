import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { isolatedSubnetPrefix, validateCommon } from './isolated-network-validation';
import { NetworkEndpoint } from './network-endpoint';
import { skipCheckovChecks } from '../core/checkov';
import { parseIpv4Cidr } from '../core/cidr';
import { EncryptedLogGroup } from '../core/encrypted-log-group';
import { createWorkloadSecurityGroup } from '../core/workload-security-group';

/**
 * Props of an `IsolatedNetwork`.
 *
 * The network is either **created** (give `cidr`, and optionally `maxAzs` or `availabilityZones`) or
 * an existing VPC is **imported** (give `vpcId`, `cidr`, `subnetIds`, `availabilityZones`, and
 * `routeTableIds` unless the VPC already has an S3 gateway endpoint). Props of the other mode are
 * refused at synth time.
 */
export interface IsolatedNetworkProps {
  /**
   * The IPv4 CIDR block of the VPC, e.g. `10.20.0.0/16` (a prefix from /16 to /28).
   *
   * Create mode: the block of the new VPC. It is split evenly into one isolated subnet per
   * availability zone: each subnet's prefix is the VPC prefix plus ceil(log2(number of AZs)) bits,
   * so a /16 over 2 AZs gives two /17s, over 3 AZs three /18s (the fourth /18 stays free).
   *
   * Import mode: the (primary) block of the existing VPC; the endpoint security group admits HTTPS
   * from it and workload security groups may send HTTPS to it. Workloads in subnets of a secondary
   * CIDR block are not admitted.
   */
  readonly cidr: string;

  /**
   * Create mode: how many availability zones the VPC spans (at least 2). Not allowed together with
   * `availabilityZones` or with `vpcId`.
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * The availability zone names, e.g. `['eu-central-1a', 'eu-central-1b']`.
   *
   * Create mode: optional, the zones of the new VPC (at least 2); use it instead of `maxAzs` to pin
   * the zones without a context lookup.
   * Import mode: required, the zones of `subnetIds`, in the same order (subnet i is in zone
   * i modulo the number of zones).
   * @default - create mode: the first `maxAzs` zones of the stack's region; import mode: required
   */
  readonly availabilityZones?: string[];

  /**
   * Import mode: the id of the existing VPC, e.g. `vpc-0123456789abcdef0`. Setting it switches the
   * construct to import mode: no VPC, subnet or route is created, only the endpoints (and, unless
   * `flowLogs` is false, the flow log). The VPC must have DNS support and DNS hostnames enabled, which
   * the endpoints' private DNS names need.
   * @default - a new VPC is created
   */
  readonly vpcId?: string;

  /**
   * Import mode: the subnets where SageMaker jobs, Studio and endpoints run and where the interface
   * endpoints are placed (at most one endpoint network interface per zone). A multiple of the number
   * of `availabilityZones`, ordered like them.
   * @default - create mode only: the created isolated subnets; required in import mode
   */
  readonly subnetIds?: string[];

  /**
   * Import mode: the route table of each subnet in `subnetIds` (same order and length); the S3
   * gateway endpoint is added to them. Not needed when `existingEndpoints` lists `NetworkEndpoint.S3`.
   * @default - create mode only: the created subnets' route tables
   */
  readonly routeTableIds?: string[];

  /**
   * Import mode: endpoints the VPC already has, so that only the missing ones are created. An interface
   * endpoint with private DNS cannot be created twice in one VPC, and a route table takes only one S3
   * gateway endpoint, so list every endpoint that exists.
   * @default - none: every endpoint is created
   */
  readonly existingEndpoints?: NetworkEndpoint[];

  /**
   * The interface endpoints to create, instead of `NetworkEndpoint.CORE_INTERFACE_ENDPOINTS`: list the
   * services the workloads of this VPC call (an endpoint costs per hour and zone whether used or not).
   * An empty list creates no interface endpoint, for a VPC whose workloads reach AWS services through
   * endpoints shared by the landing zone (private hosted zones associated with this VPC); the S3
   * gateway endpoint is created either way (unless `existingEndpoints` lists it). Gateway endpoints
   * are refused here; `studioEndpoints` still adds the Studio ones; not together with `additionalEndpoints`.
   * @default NetworkEndpoint.CORE_INTERFACE_ENDPOINTS: every service SageMaker jobs, Studio apps and
   *   endpoints of the platform may call
   */
  readonly interfaceEndpoints?: NetworkEndpoint[];

  /**
   * In how many availability zones the interface endpoints get a network interface: the first
   * `endpointAzCount` zones of the VPC (1 up to the number of zones). An interface endpoint is billed per
   * zone and hour, so fewer zones cost less; workloads in the other zones then reach the endpoints across
   * zones (cross-zone data transfer), and while a zone with endpoints is down, the calls that resolve to
   * its addresses fail until DNS stops returning them: with one zone, no AWS API is reachable from the VPC
   * while that zone is down.
   * @default - every zone of the VPC
   */
  readonly endpointAzCount?: number;

  /**
   * Interface endpoints beyond the core ones, for the flows of this account that need them (e.g.
   * `NetworkEndpoint.CLOUDFORMATION` where builds in the VPC deploy stacks). Gateway endpoints and the
   * core or Studio endpoints are refused here: they are always created (or controlled by `studioEndpoints`).
   * @default - none
   */
  readonly additionalEndpoints?: NetworkEndpoint[];

  /**
   * Also create the SageMaker Studio (`aws.sagemaker.<region>.studio`) and notebook
   * (`aws.sagemaker.<region>.notebook`) interface endpoints. They are only used when people reach
   * Studio or notebook instances through this VPC (a corporate network connected by VPN or Direct
   * Connect, with presigned URLs restricted to the endpoint); Studio apps inside the VPC need only the
   * SageMaker API and runtime endpoints. Leave it off in accounts without Studio.
   * @default false
   */
  readonly studioEndpoints?: boolean;

  /**
   * Whether to create a VPC flow log (all traffic) to a KMS-encrypted log group. A created VPC always
   * has one: `false` is only accepted in import mode, for a VPC whose owner already logs its traffic.
   * @default true
   */
  readonly flowLogs?: boolean;

  /**
   * The customer-managed key of the flow-log group. When it is a `kms.Key` of this app, its policy is
   * extended to let CloudWatch Logs of this account and region use it; an imported key's policy must
   * already allow that.
   * @default - none; required unless `flowLogs` is false
   */
  readonly flowLogKey?: kms.IKey;

  /**
   * How long flow-log events are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * The id of the AWS-managed S3 prefix list of this region (`com.amazonaws.<region>.s3`), used by
   * `createWorkloadSecurityGroup` to limit the HTTPS egress rule for S3 to S3's addresses.
   * @default - HTTPS egress to any IPv4 address: the isolated subnets have no internet gateway and no
   *   NAT, so their only routes are the VPC itself and the S3 gateway endpoint (no context lookup, so the
   *   app synthesizes without AWS credentials)
   */
  readonly s3PrefixListId?: string;
}

/**
 * The VPC where SageMaker jobs, Studio and endpoints run: isolated subnets only (no internet gateway,
 * no NAT, no public subnet), VPC flow logs to a KMS-encrypted log group, and VPC endpoints for every
 * AWS service the platform's workloads call.
 *
 * - Interface endpoints (private DNS on, in the isolated subnets, one per zone): by default SageMaker
 *   API and Runtime, STS, CloudWatch Logs and Monitoring, ECR API and Docker, KMS, SSM, CodeArtifact API
 *   and repositories, EventBridge, Step Functions; optionally SageMaker Studio and notebook, and any
 *   `additionalEndpoints` (CloudFormation where builds deploy stacks). `interfaceEndpoints` replaces the
 *   default set with the services this VPC's workloads call (each costs per hour and zone).
 *   The CodeArtifact repositories endpoint is created after the API endpoint: both serve private DNS
 *   names under `codeartifact.<region>.amazonaws.com`, and creating both at once fails with a
 *   conflicting-DNS-domain error.
 * - An S3 gateway endpoint on the isolated subnets' route tables.
 * - One endpoint security group: ingress TCP 443 from the VPC CIDR only, no egress (interface
 *   endpoints only answer connections; security groups are stateful).
 * - A created VPC also has its default security group stripped of all rules (CDK's
 *   `restrictDefaultSecurityGroup` custom resource).
 *
 * Either creates the VPC from `cidr` or imports one from `vpcId` (see `IsolatedNetworkProps`).
 *
 * @example
 * const key = new kms.Key(this, 'NetworkKey', { enableKeyRotation: true });
 * const network = new IsolatedNetwork(this, 'Network', { cidr: '10.20.0.0/16', flowLogKey: key });
 * const jobs = network.createWorkloadSecurityGroup(this, 'TrainingJobs', 'SageMaker training jobs');
 * // use network.vpc, network.subnetIds and jobs.securityGroupId in a SageMaker VpcConfig
 */
export class IsolatedNetwork extends Construct {
  /** The VPC (created or imported). */
  public readonly vpc: ec2.IVpc;
  /** The isolated subnets where workloads and interface endpoints run. */
  public readonly subnetSelection: ec2.SubnetSelection;
  /** The ids of the isolated subnets (tokens in create mode). */
  public readonly subnetIds: string[];
  /** The security group of the interface endpoints (HTTPS from the VPC CIDR only). */
  public readonly endpointSecurityGroup: ec2.ISecurityGroup;
  /** The IPv4 CIDR block of the VPC. */
  public readonly vpcCidr: string;
  /** Whether the VPC was imported (`vpcId`) rather than created. */
  public readonly imported: boolean;
  /** The flow-log group, when this construct created a flow log. */
  public readonly flowLogGroup?: logs.ILogGroup;
  /** The flow log, when this construct created one. */
  public readonly flowLog?: ec2.FlowLog;

  private readonly endpoints = new Map<NetworkEndpoint, ec2.IVpcEndpoint>();
  private readonly s3PrefixListIdProp?: string;

  /**
   * Creates the network, or adds endpoints (and a flow log) to an imported VPC.
   * @param scope the parent construct
   * @param id the construct id
   * @param props creation or import settings; bad combinations throw at synth time
   */
  constructor(scope: Construct, id: string, props: IsolatedNetworkProps) {
    super(scope, id);
    const fail = (message: string): never => {
      throw new Error(`IsolatedNetwork ${this.node.path}: ${message}`);
    };
    const imported = props.vpcId !== undefined;
    this.imported = imported;
    validateCommon(props, imported, Stack.of(this).region, fail);

    this.vpcCidr = props.cidr;
    this.s3PrefixListIdProp = props.s3PrefixListId;

    if (imported) {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: props.vpcId!,
        vpcCidrBlock: props.cidr,
        availabilityZones: props.availabilityZones!,
        isolatedSubnetIds: props.subnetIds!,
        isolatedSubnetRouteTableIds: props.routeTableIds,
      });
      if (props.availabilityZones!.length < 2) {
        Annotations.of(this).addWarningV2(
          '@vw/mlops-blueprint:network-single-az',
          'The imported VPC spans one availability zone: its interface endpoints and SageMaker endpoints have no zone redundancy',
        );
      }
    } else {
      const azCount = props.availabilityZones?.length ?? props.maxAzs ?? 2;
      const cidr = parseIpv4Cidr(props.cidr) as { prefix: number };
      this.vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(props.cidr),
        maxAzs: props.availabilityZones ? undefined : azCount,
        availabilityZones: props.availabilityZones,
        natGateways: 0,
        createInternetGateway: false,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        restrictDefaultSecurityGroup: true,
        subnetConfiguration: [
          { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: isolatedSubnetPrefix(cidr.prefix, azCount) },
        ],
      });
      skipCheckovChecksOfDefaultSgHandler(this);
    }

    this.subnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    this.subnetIds = this.vpc.isolatedSubnets.map((s) => s.subnetId);

    // flow logs: every created VPC; imported ones unless the caller says the VPC is already logged
    if (props.flowLogs ?? true) {
      const logGroup = new EncryptedLogGroup(this, 'FlowLogGroup', {
        encryptionKey: props.flowLogKey!,
        retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
      }).logGroup;
      this.flowLogGroup = logGroup;
      const role = this.createFlowLogRole();
      // a customer-managed policy (no inline policy) that lets the role write to this log group only
      const policy = new iam.ManagedPolicy(this, 'FlowLogPolicy', {
        description: 'VPC flow logs: write log streams of the flow-log group',
        roles: [role],
        statements: [
          new iam.PolicyStatement({
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            resources: [logGroup.logGroupArn],
          }),
        ],
      });
      this.flowLog = new ec2.FlowLog(this, 'FlowLog', {
        resourceType: ec2.FlowLogResourceType.fromVpc(this.vpc),
        trafficType: ec2.FlowLogTrafficType.ALL,
        // the policy above grants the permissions; CDK must not add an inline default policy
        destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup, role.withoutPolicyUpdates()),
      });
      this.flowLog.node.addDependency(policy);
    }

    // endpoint security group: HTTPS from the VPC only; no egress at all
    const endpointSg = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'VPC interface endpoints: HTTPS from the VPC CIDR only, no egress',
      allowAllOutbound: false,
    });
    endpointSg.addIngressRule(ec2.Peer.ipv4(props.cidr), ec2.Port.tcp(443), 'HTTPS from the VPC to the AWS service endpoints');
    this.endpointSecurityGroup = endpointSg;

    const existing = new Set(props.existingEndpoints ?? []);
    const additional = props.additionalEndpoints ?? [];
    for (const endpoint of additional) {
      const alwaysCreated = [...NetworkEndpoint.CORE_INTERFACE_ENDPOINTS, ...NetworkEndpoint.STUDIO_INTERFACE_ENDPOINTS].includes(endpoint);
      if (endpoint.isGateway || alwaysCreated) {
        throw new Error(`IsolatedNetwork: additionalEndpoints lists ${endpoint.name}, which the network always creates (or studioEndpoints controls); list only endpoints beyond the core ones, e.g. NetworkEndpoint.CLOUDFORMATION`);
      }
    }
    const chosen = props.interfaceEndpoints;
    if (chosen !== undefined) {
      if (props.additionalEndpoints !== undefined) {
        throw new Error('IsolatedNetwork: interfaceEndpoints and additionalEndpoints are both set; list every interface endpoint in interfaceEndpoints and remove additionalEndpoints');
      }
      const gateway = chosen.find((e) => e.isGateway);
      if (gateway) {
        throw new Error(`IsolatedNetwork: interfaceEndpoints lists ${gateway.name}, a gateway endpoint, which the network always creates; list interface endpoints only`);
      }
    }
    const wanted = [
      ...(chosen ?? NetworkEndpoint.CORE_INTERFACE_ENDPOINTS),
      ...(props.studioEndpoints ? NetworkEndpoint.STUDIO_INTERFACE_ENDPOINTS : []),
      ...additional,
    ].filter((e, i, all) => all.indexOf(e) === i);
    const endpointSubnets = this.endpointSubnets(props.endpointAzCount, fail);
    for (const endpoint of wanted) {
      if (existing.has(endpoint)) continue;
      const created = new ec2.InterfaceVpcEndpoint(this, endpoint._constructId, {
        vpc: this.vpc,
        service: endpoint._service!,
        privateDnsEnabled: true,
        subnets: endpointSubnets,
        securityGroups: [endpointSg],
        open: false,
      });
      this.endpoints.set(endpoint, created);
    }
    // both CodeArtifact endpoints serve names under codeartifact.<region>.amazonaws.com: create them one after the other
    const caApi = this.endpoints.get(NetworkEndpoint.CODEARTIFACT_API);
    const caRepos = this.endpoints.get(NetworkEndpoint.CODEARTIFACT_REPOSITORIES);
    if (caApi && caRepos) caRepos.node.addDependency(caApi);

    if (!existing.has(NetworkEndpoint.S3)) {
      this.endpoints.set(
        NetworkEndpoint.S3,
        new ec2.GatewayVpcEndpoint(this, 'S3', {
          vpc: this.vpc,
          // the region spelled out where the stack has one (CDK's S3 service would always write Ref AWS::Region)
          service: { name: `com.amazonaws.${Stack.of(this).region}.s3` },
          subnets: [this.subnetSelection],
        }),
      );
    }
  }

  /**
   * The endpoint this construct created for a service.
   * @param endpoint the service, e.g. `NetworkEndpoint.S3`
   * @returns the endpoint, or undefined when it was not created here (listed in `existingEndpoints`,
   *   or a Studio endpoint without `studioEndpoints`)
   */
  public findEndpoint(endpoint: NetworkEndpoint): ec2.IVpcEndpoint | undefined {
    return this.endpoints.get(endpoint);
  }

  /**
   * Creates a security group for SageMaker workloads (processing and training jobs, Studio apps,
   * endpoints) in this network: egress HTTPS to the VPC CIDR (the interface endpoints) and to the
   * S3 prefix list (the gateway endpoint), and all traffic within the group itself (distributed
   * training and inter-container traffic encryption need it). No other ingress or egress.
   *
   * @param scope where the security group is created (e.g. a use-case stack of the same account)
   * @param id the construct id of the security group in `scope`
   * @param description the security group description
   * @returns the security group
   */
  public createWorkloadSecurityGroup(scope: Construct, id: string, description?: string): ec2.SecurityGroup {
    const fail = (message: string): never => {
      throw new Error(`IsolatedNetwork ${this.node.path}: createWorkloadSecurityGroup(${JSON.stringify(id)}): ${message}`);
    };
    const here = Stack.of(this);
    const there = Stack.of(scope);
    for (const attr of ['account', 'region'] as const) {
      if (!Token.isUnresolved(here[attr]) && !Token.isUnresolved(there[attr]) && here[attr] !== there[attr]) {
        fail(`the scope is in ${attr} ${there[attr]}, the network in ${here[attr]}; create the security group in a stack of the network's account and region`);
      }
    }
    if (description !== undefined && !Token.isUnresolved(description) && !SG_DESCRIPTION.test(description)) {
      fail(
        `the description ${JSON.stringify(description)} is not a valid security group description; use at most 255 of the characters a-z A-Z 0-9 space and ._-:/()#,@[]+=&;{}!$*`,
      );
    }
    return createWorkloadSecurityGroup(scope, id, { vpc: this.vpc, vpcCidr: this.vpcCidr, description, s3PrefixListId: this.s3PrefixListIdProp });
  }

  /** The subnets of the interface endpoints: those of the first `count` zones, or all. */
  private endpointSubnets(count: number | undefined, fail: (message: string) => never): ec2.SubnetSelection {
    if (count === undefined) return this.subnetSelection;
    const zones = this.vpc.availabilityZones;
    if (!Number.isInteger(count) || count < 1 || count > zones.length) {
      fail(`props.endpointAzCount is ${count}; give a whole number from 1 to ${zones.length} (the zones of the VPC), or remove it to place the endpoints in every zone`);
    }
    if (zones.slice(0, count).some((z) => Token.isUnresolved(z))) {
      fail('props.endpointAzCount needs the zone names at synth time; give props.availabilityZones');
    }
    return { ...this.subnetSelection, availabilityZones: zones.slice(0, count) };
  }

  private createFlowLogRole(): iam.Role {
    const stack = Stack.of(this);
    // confused-deputy protection: only flow logs of this account may assume the role
    return new iam.Role(this, 'FlowLogRole', {
      description: 'VPC flow logs delivery to CloudWatch Logs',
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:vpc-flow-log/*` },
        },
      }),
    });
  }
}


const SG_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/** The construct id CDK gives the stack-wide provider of `restrictDefaultSecurityGroup` (one per stack). */
const RESTRICT_DEFAULT_SG_PROVIDER_ID = 'Custom::VpcRestrictDefaultSGCustomResourceProvider';

/**
 * Skips the checkov Lambda checks that do not apply to CDK's deploy-time handler that strips the
 * default security group's rules (`restrictDefaultSecurityGroup`): a CfnResource CDK creates once per stack.
 */
function skipCheckovChecksOfDefaultSgHandler(scope: Construct): void {
  const handler = Stack.of(scope).node.tryFindChild(RESTRICT_DEFAULT_SG_PROVIDER_ID)?.node.tryFindChild('Handler');
  if (!(handler instanceof CfnResource)) {
    throw new Error(`IsolatedNetwork: CDK's ${RESTRICT_DEFAULT_SG_PROVIDER_ID}/Handler was not found in ${Stack.of(scope).node.path}; aws-cdk-lib changed how restrictDefaultSecurityGroup is built`);
  }
  const deployTimeOnly = 'CDK\'s custom-resource handler that removes the rules of the VPC\'s default security group; CloudFormation calls it only when the VPC is created, updated or deleted';
  skipCheckovChecks(handler, {
    CKV_AWS_115: `${deployTimeOnly}, so there is no traffic to cap with reserved concurrency.`,
    CKV_AWS_116: `${deployTimeOnly} and it reports every failure to CloudFormation through the response URL, which fails the stack operation; a DLQ would hold events nobody replays.`,
    CKV_AWS_117: `${deployTimeOnly}; CDK's CustomResourceProvider cannot be placed in a VPC, and this isolated VPC has no route or endpoint to the EC2 API the handler calls.`,
  });
}
