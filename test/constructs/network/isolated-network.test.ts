import { App, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ComplianceCheck, IsolatedNetwork, IsolatedNetworkProps, NetworkEndpoint } from '../../../src';
import { testStack } from '../../helpers/stacks';

const REGION = 'eu-central-1';
const CORE_SERVICES = [
  'sagemaker.api',
  'sagemaker.runtime',
  'sts',
  'logs',
  'monitoring',
  'ecr.api',
  'ecr.dkr',
  'kms',
  'ssm',
  'codeartifact.api',
  'codeartifact.repositories',
  'events',
  'states',
].map((s) => `com.amazonaws.${REGION}.${s}`);
const S3_SERVICE = `com.amazonaws.${REGION}.s3`;
const PL = 'pl-6ea54007';

function created(props: Partial<IsolatedNetworkProps> = {}) {
  const { app, stack } = testStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const network = new IsolatedNetwork(stack, 'Network', { cidr: '10.20.0.0/16', flowLogKey: key, s3PrefixListId: PL, ...props });
  // synthesizes on first use only, so that tests may still add constructs before it
  return {
    app,
    stack,
    key,
    network,
    get t() {
      return Template.fromStack(stack);
    },
  };
}

const IMPORT_BASE = {
  cidr: '10.30.0.0/16',
  vpcId: 'vpc-0123456789abcdef0',
  availabilityZones: ['eu-central-1a', 'eu-central-1b'],
  subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
  routeTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0bbbbbbbbbbbbbbb2'],
  s3PrefixListId: PL,
};

function imported(props: Partial<IsolatedNetworkProps> = {}) {
  const { app, stack } = testStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const network = new IsolatedNetwork(stack, 'Network', { ...IMPORT_BASE, flowLogKey: key, ...props });
  return {
    app,
    stack,
    key,
    network,
    get t() {
      return Template.fromStack(stack);
    },
  };
}

function endpointsByService(t: Template): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [logicalId, r] of Object.entries(t.findResources('AWS::EC2::VPCEndpoint'))) {
    out[(r as any).Properties.ServiceName] = { logicalId, ...(r as any) };
  }
  return out;
}

function logicalIdOf(t: Template, type: string, pathPart: RegExp): string {
  const ids = Object.keys(t.findResources(type)).filter((id) => pathPart.test(id));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('IsolatedNetwork: create mode', () => {
  test('isolated subnets only: no internet gateway, NAT, public subnet or route; two /17s from a /16 over 2 AZs', () => {
    const { t, network } = created();
    t.resourceCountIs('AWS::EC2::VPC', 1);
    t.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.20.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true });
    t.resourceCountIs('AWS::EC2::InternetGateway', 0);
    t.resourceCountIs('AWS::EC2::VPCGatewayAttachment', 0);
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.resourceCountIs('AWS::EC2::EIP', 0);
    t.resourceCountIs('AWS::EC2::Route', 0);
    const subnets = Object.values(t.findResources('AWS::EC2::Subnet')).map((s: any) => s.Properties);
    expect(subnets.map((s) => s.CidrBlock).sort()).toEqual(['10.20.0.0/17', '10.20.128.0/17']);
    expect(subnets.every((s) => s.MapPublicIpOnLaunch === false)).toBe(true);
    expect(subnets.every((s) => s.Tags.some((tag: any) => tag.Key === 'aws-cdk:subnet-type' && tag.Value === 'Isolated'))).toBe(true);
    // the default security group is stripped of its rules
    t.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    expect(network.imported).toBe(false);
    expect(network.vpcCidr).toBe('10.20.0.0/16');
    expect(network.subnetIds).toHaveLength(2);
    expect(network.vpc.publicSubnets).toHaveLength(0);
    expect(network.vpc.privateSubnets).toHaveLength(0);
    expect(network.vpc.selectSubnets(network.subnetSelection).subnetIds).toEqual(network.subnetIds);
  });

  test('three named zones give three /18s, and maxAzs 4 over a /24 gives /26s', () => {
    const three = created({ availabilityZones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'] });
    const subnets = Object.values(three.t.findResources('AWS::EC2::Subnet')).map((s: any) => [s.Properties.AvailabilityZone, s.Properties.CidrBlock]);
    expect(subnets.sort()).toEqual([
      ['eu-central-1a', '10.20.0.0/18'],
      ['eu-central-1b', '10.20.64.0/18'],
      ['eu-central-1c', '10.20.128.0/18'],
    ]);

    const app = new App({ context: { [`availability-zones:account=222222222222:region=${REGION}`]: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c', 'eu-central-1d'] } });
    const stack = new Stack(app, 'Four', { env: { account: '222222222222', region: REGION } });
    new IsolatedNetwork(stack, 'Network', { cidr: '10.40.0.0/24', maxAzs: 4, flowLogKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
    const four = Object.values(Template.fromStack(stack).findResources('AWS::EC2::Subnet')).map((s: any) => s.Properties.CidrBlock);
    expect(four.sort()).toEqual(['10.40.0.0/26', '10.40.0.128/26', '10.40.0.192/26', '10.40.0.64/26']);
  });

  test('every interface endpoint with private DNS in the isolated subnets behind the endpoint security group; S3 gateway on their route tables', () => {
    const { t, network } = created();
    const endpoints = endpointsByService(t);
    expect(Object.keys(endpoints).sort()).toEqual([...CORE_SERVICES, S3_SERVICE].sort());
    const sgId = logicalIdOf(t, 'AWS::EC2::SecurityGroup', /^NetworkEndpointSecurityGroup/);
    const subnetRefs = Object.keys(t.findResources('AWS::EC2::Subnet')).map((id) => ({ Ref: id }));
    for (const service of CORE_SERVICES) {
      expect(endpoints[service].Properties).toEqual({
        ServiceName: service,
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        VpcId: { Ref: logicalIdOf(t, 'AWS::EC2::VPC', /^NetworkVpc/) },
        SubnetIds: subnetRefs,
        SecurityGroupIds: [{ 'Fn::GetAtt': [sgId, 'GroupId'] }],
      });
    }
    const routeTableRefs = Object.keys(t.findResources('AWS::EC2::RouteTable')).map((id) => ({ Ref: id }));
    expect(endpoints[S3_SERVICE].Properties).toEqual({
      ServiceName: S3_SERVICE,
      VpcEndpointType: 'Gateway',
      VpcId: { Ref: logicalIdOf(t, 'AWS::EC2::VPC', /^NetworkVpc/) },
      RouteTableIds: routeTableRefs,
    });
    expect(routeTableRefs).toHaveLength(2);
    expect(network.findEndpoint(NetworkEndpoint.S3)).toBeInstanceOf(ec2.GatewayVpcEndpoint);
    expect(network.findEndpoint(NetworkEndpoint.SAGEMAKER_API)).toBeInstanceOf(ec2.InterfaceVpcEndpoint);
    expect(network.findEndpoint(NetworkEndpoint.SAGEMAKER_STUDIO)).toBeUndefined();
  });

  test('the CodeArtifact repositories endpoint is created after the CodeArtifact API endpoint', () => {
    const { t } = created();
    const endpoints = endpointsByService(t);
    const api = endpoints[`com.amazonaws.${REGION}.codeartifact.api`];
    const repos = endpoints[`com.amazonaws.${REGION}.codeartifact.repositories`];
    expect(repos.DependsOn).toEqual([api.logicalId]);
    expect(api.DependsOn).toBeUndefined();
    expect(repos.Properties.PrivateDnsEnabled).toBe(true);
    expect(api.Properties.PrivateDnsEnabled).toBe(true);
  });

  test('studioEndpoints adds the SageMaker Studio and notebook endpoints', () => {
    const { t, network } = created({ studioEndpoints: true });
    const services = Object.keys(endpointsByService(t));
    expect(services).toEqual(expect.arrayContaining([`aws.sagemaker.${REGION}.studio`, `aws.sagemaker.${REGION}.notebook`]));
    expect(services).toHaveLength(CORE_SERVICES.length + 3);
    expect(network.findEndpoint(NetworkEndpoint.SAGEMAKER_NOTEBOOK)).toBeDefined();
  });

  test('additionalEndpoints adds an endpoint beyond the core ones (CloudFormation, for builds that deploy stacks); core or gateway ones are refused', () => {
    const { t, network } = created({ additionalEndpoints: [NetworkEndpoint.CLOUDFORMATION, NetworkEndpoint.CLOUDFORMATION] });
    const services = endpointsByService(t);
    expect(Object.keys(services)).toHaveLength(CORE_SERVICES.length + 2);
    expect(services[`com.amazonaws.${REGION}.cloudformation`].Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    expect(network.findEndpoint(NetworkEndpoint.CLOUDFORMATION)).toBeDefined();
    expect(Object.keys(endpointsByService(created().t))).not.toContain(`com.amazonaws.${REGION}.cloudformation`);
    expect(() => created({ additionalEndpoints: [NetworkEndpoint.STS] })).toThrow(/additionalEndpoints lists sts, which the network always creates/);
    expect(() => created({ additionalEndpoints: [NetworkEndpoint.S3] })).toThrow(/additionalEndpoints lists s3/);
  });

  test('interfaceEndpoints replaces the core set with the listed services; an empty list keeps only the S3 gateway endpoint', () => {
    const listed = [NetworkEndpoint.ECR_API, NetworkEndpoint.ECR_DOCKER, NetworkEndpoint.CLOUDWATCH_LOGS, NetworkEndpoint.ECR_API];
    const { t, network } = created({ interfaceEndpoints: listed });
    expect(Object.keys(endpointsByService(t)).sort()).toEqual([S3_SERVICE, ...['ecr.api', 'ecr.dkr', 'logs'].map((s) => `com.amazonaws.${REGION}.${s}`)].sort());
    expect(network.findEndpoint(NetworkEndpoint.KMS)).toBeUndefined();
    const none = created({ interfaceEndpoints: [] });
    expect(Object.keys(endpointsByService(none.t))).toEqual([S3_SERVICE]);
    // the endpoint security group stays: workload groups and imported endpoints may still use it
    none.t.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    const studio = created({ interfaceEndpoints: [NetworkEndpoint.SAGEMAKER_API], studioEndpoints: true });
    expect(Object.keys(endpointsByService(studio.t))).toHaveLength(4);
    expect(() => created({ interfaceEndpoints: [NetworkEndpoint.S3] })).toThrow(/interfaceEndpoints lists s3, a gateway endpoint/);
    expect(() => created({ interfaceEndpoints: [NetworkEndpoint.STS], additionalEndpoints: [NetworkEndpoint.CLOUDFORMATION] })).toThrow(
      /interfaceEndpoints and additionalEndpoints are both set; list every interface endpoint in interfaceEndpoints/,
    );
  });

  test('endpointAzCount places the interface endpoints in the first zones only; the S3 gateway endpoint serves every route table', () => {
    const zones = ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'];
    const subnetCounts = (t: Template) => Object.values<any>(t.findResources('AWS::EC2::VPCEndpoint'))
      .map((r) => (r.Properties.VpcEndpointType === 'Interface' ? r.Properties.SubnetIds.length : -r.Properties.RouteTableIds.length));
    const two = created({ availabilityZones: zones, endpointAzCount: 2, interfaceEndpoints: [NetworkEndpoint.STS, NetworkEndpoint.KMS] });
    expect(subnetCounts(two.t).sort()).toEqual([-3, 2, 2]);
    const t = two.t;
    const subnetOfZone = (zone: string) => Object.entries<any>(t.findResources('AWS::EC2::Subnet')).find(([, r]) => r.Properties.AvailabilityZone === zone)![0];
    expect(endpointsByService(t)[`com.amazonaws.${REGION}.sts`].Properties.SubnetIds).toEqual([{ Ref: subnetOfZone('eu-central-1a') }, { Ref: subnetOfZone('eu-central-1b') }]);
    expect(subnetCounts(created({ availabilityZones: zones, interfaceEndpoints: [NetworkEndpoint.STS] }).t).sort()).toEqual([-3, 3]);
    expect(() => created({ availabilityZones: zones, endpointAzCount: 4 })).toThrow(/props\.endpointAzCount is 4; give a whole number from 1 to 3 \(the zones of the VPC\)/);
    expect(() => created({ endpointAzCount: 0 })).toThrow(/props\.endpointAzCount is 0; give a whole number from 1 to 2/);
  });

  test('endpoint security group: ingress exactly TCP 443 from the VPC CIDR, no egress', () => {
    const { t, network } = created();
    const sgId = logicalIdOf(t, 'AWS::EC2::SecurityGroup', /^NetworkEndpointSecurityGroup/);
    const sg = t.findResources('AWS::EC2::SecurityGroup')[sgId].Properties;
    expect(sg.SecurityGroupIngress).toEqual([
      { CidrIp: '10.20.0.0/16', Description: 'HTTPS from the VPC to the AWS service endpoints', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    // CDK's placeholder for "no egress": a rule that matches no traffic
    expect(sg.SecurityGroupEgress).toEqual([{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 }]);
    const extraRules = [
      ...Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')),
      ...Object.values(t.findResources('AWS::EC2::SecurityGroupEgress')),
    ].filter((r: any) => JSON.stringify(r.Properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [sgId, 'GroupId'] }));
    expect(extraRules).toEqual([]);
    expect(network.endpointSecurityGroup.securityGroupId).toBeDefined();
  });

  test('flow log of all traffic to a KMS-encrypted log group, through a role that only flow logs of this account can assume', () => {
    const { t, key, network } = created({ flowLogRetention: logs.RetentionDays.TWO_YEARS });
    const keyId = logicalIdOf(t, 'AWS::KMS::Key', /^Key/);
    const groupId = logicalIdOf(t, 'AWS::Logs::LogGroup', /^NetworkFlowLogGroup/);
    const roleId = logicalIdOf(t, 'AWS::IAM::Role', /^NetworkFlowLogRole/);
    t.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, RetentionInDays: 731 } });
    t.resourceCountIs('AWS::EC2::FlowLog', 1);
    t.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      ResourceId: { Ref: logicalIdOf(t, 'AWS::EC2::VPC', /^NetworkVpc/) },
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: groupId },
      DeliverLogsPermissionArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '222222222222' },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-central-1:222222222222:vpc-flow-log/*']] } },
            },
          },
        ],
      },
    });
    // no inline policy; a managed policy scoped to the one log group
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: { 'Fn::GetAtt': [groupId, 'Arn'] },
          },
        ],
      },
    });
    // the flow log waits for its permissions
    t.hasResource('AWS::EC2::FlowLog', { DependsOn: [Match.stringLikeRegexp('^NetworkFlowLogPolicy')] });
    // the created key lets CloudWatch Logs use it
    const keyPolicy = (Object.values(t.findResources('AWS::KMS::Key'))[0] as any).Properties.KeyPolicy.Statement;
    expect(keyPolicy.map((s: any) => s.Sid)).toContain('AllowCloudWatchLogsOfThisAccount');
    expect(network.flowLogGroup).toBeDefined();
    expect(network.flowLog).toBeDefined();
    expect(key).toBeDefined();
  });

  test('workload security group: HTTPS to the VPC CIDR and the S3 prefix list, all traffic within itself, nothing else', () => {
    const { app, stack, network } = created();
    // also from another stack of the same account and region, e.g. a use-case stack
    const useCase = new Stack(app, 'UseCase', { env: { account: '222222222222', region: REGION } });
    network.createWorkloadSecurityGroup(useCase, 'TrainingJobs', 'SageMaker training jobs of use case A');
    const t = Template.fromStack(useCase);
    const sgs = t.findResources('AWS::EC2::SecurityGroup');
    expect(Object.keys(sgs)).toHaveLength(1);
    const [sgId, sg] = Object.entries(sgs)[0] as [string, any];
    expect(sg.Properties.GroupDescription).toBe('SageMaker training jobs of use case A');
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(sg.Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '10.20.0.0/16', Description: 'HTTPS to the VPC interface endpoints', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    const self = { 'Fn::GetAtt': [sgId, 'GroupId'] };
    const egress = Object.values(t.findResources('AWS::EC2::SecurityGroupEgress')).map((r: any) => r.Properties);
    expect(egress).toEqual(
      expect.arrayContaining([
        { GroupId: self, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, DestinationPrefixListId: PL, Description: 'HTTPS to S3 through the gateway endpoint' },
        { GroupId: self, IpProtocol: '-1', DestinationSecurityGroupId: self, Description: 'All traffic between the instances and containers of one workload' },
      ]),
    );
    expect(egress).toHaveLength(2);
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties);
    expect(ingress).toEqual([{ GroupId: self, IpProtocol: '-1', SourceSecurityGroupId: self, Description: 'All traffic between the instances and containers of one workload' }]);
    // the VPC comes from the network stack
    expect(JSON.stringify(sg.Properties.VpcId)).toContain('Fn::ImportValue');
    expect(stack).toBeDefined();
    ComplianceCheck.assertCompliant(app);
  });

  test('without s3PrefixListId: HTTPS egress to any IPv4 address, and no context lookup (synthesizes offline)', () => {
    const { app, stack } = testStack();
    // the zones of the account are known (as the blueprint knows them from the platform config)
    stack.node.setContext('availability-zones:account=222222222222:region=eu-central-1', ['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
    const network = new IsolatedNetwork(stack, 'Network', {
      cidr: '10.20.0.0/16',
      availabilityZones: ['eu-central-1a', 'eu-central-1b'],
      flowLogKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    });
    network.createWorkloadSecurityGroup(stack, 'A');
    // explicit zones and no prefix list: nothing to look up
    expect(app.synth().manifest.missing ?? []).toEqual([]);
    const egress = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupEgress')).map((r: any) => r.Properties);
    expect(egress.filter((e) => e.DestinationPrefixListId !== undefined)).toEqual([]);
    const inline = Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^SageMaker workloads') } });
    expect(Object.values(inline).map((r: any) => r.Properties.SecurityGroupEgress)).toEqual([
      [
        { CidrIp: '10.20.0.0/16', Description: 'HTTPS to the VPC interface endpoints', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
        { CidrIp: '0.0.0.0/0', Description: 'HTTPS to S3 through the gateway endpoint (the only route out of the isolated subnets)', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
      ],
    ]);
    // the subnets have no route to the internet, whatever the security group allows
    Template.fromStack(stack).resourceCountIs('AWS::EC2::InternetGateway', 0);
    Template.fromStack(stack).resourceCountIs('AWS::EC2::NatGateway', 0);

    // an environment-agnostic stack works the same way
    const agnosticApp = new App();
    const agnostic = new Stack(agnosticApp, 'Agnostic');
    const net = new IsolatedNetwork(agnostic, 'Network', { cidr: '10.20.0.0/16', flowLogKey: new kms.Key(agnostic, 'Key', { enableKeyRotation: true }) });
    expect(() => net.createWorkloadSecurityGroup(agnostic, 'Jobs')).not.toThrow();
  });

  test('workload security groups: a stack of another account or region, or a bad description, is refused', () => {
    const { app, network } = created();
    const otherAccount = new Stack(app, 'OtherAccount', { env: { account: '333333333333', region: REGION } });
    expect(() => network.createWorkloadSecurityGroup(otherAccount, 'Jobs')).toThrow(
      /createWorkloadSecurityGroup\("Jobs"\): the scope is in account 333333333333, the network in 222222222222; create the security group in a stack of the network's account and region/,
    );
    const otherRegion = new Stack(app, 'OtherRegion', { env: { account: '222222222222', region: 'eu-west-1' } });
    expect(() => network.createWorkloadSecurityGroup(otherRegion, 'Jobs')).toThrow(/the scope is in region eu-west-1, the network in eu-central-1/);
    expect(() => network.createWorkloadSecurityGroup(network, 'Jobs', 'Jobs <of> use case "A"')).toThrow(
      /the description "Jobs <of> use case \\"A\\"" is not a valid security group description; use at most 255 of the characters/,
    );
    expect(() => network.createWorkloadSecurityGroup(network, 'Long', 'x'.repeat(256))).toThrow(/is not a valid security group description/);
  });

  test('the endpoint lists cannot be changed by callers', () => {
    expect(Object.isFrozen(NetworkEndpoint.CORE_INTERFACE_ENDPOINTS)).toBe(true);
    expect(Object.isFrozen(NetworkEndpoint.STUDIO_INTERFACE_ENDPOINTS)).toBe(true);
    expect(NetworkEndpoint.CORE_INTERFACE_ENDPOINTS.map((e) => e.name)).toEqual(CORE_SERVICES.map((s) => s.replace(`com.amazonaws.${REGION}.`, '')));
    expect(NetworkEndpoint.S3.isGateway).toBe(true);
    expect(NetworkEndpoint.KMS.isGateway).toBe(false);
    expect(`${NetworkEndpoint.ECR_DOCKER}`).toBe('ecr.dkr');
  });

  test('passes AwsSolutions, NIST 800-53 r5 and HIPAA with acknowledgements only for the self-referencing workload rule', () => {
    const { app, network, stack } = created({ studioEndpoints: true });
    network.createWorkloadSecurityGroup(stack, 'Jobs');
    const report = ComplianceCheck.assertCompliant(app);
    expect(report.findings).toEqual([]);
    expect([...new Set(report.acknowledgements.map((a) => a.ruleId))].sort()).toEqual([
      'HIPAA.Security-EC2RestrictedCommonPorts',
      'NIST.800.53.R5-EC2RestrictedCommonPorts',
    ]);
    expect(report.acknowledgements.every((a) => /^Test\/Jobs\/from /.test(a.constructPath))).toBe(true);
  });
});

describe('IsolatedNetwork: import mode', () => {
  test('adds the endpoints and a flow log to the imported VPC and subnets, creates no network', () => {
    const { t, network, app } = imported();
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::EC2::InternetGateway', 'AWS::EC2::NatGateway', 'Custom::VpcRestrictDefaultSG']) {
      t.resourceCountIs(type, 0);
    }
    const endpoints = endpointsByService(t);
    expect(Object.keys(endpoints).sort()).toEqual([...CORE_SERVICES, S3_SERVICE].sort());
    for (const service of CORE_SERVICES) {
      expect(endpoints[service].Properties).toMatchObject({
        VpcId: IMPORT_BASE.vpcId,
        SubnetIds: IMPORT_BASE.subnetIds,
        PrivateDnsEnabled: true,
      });
    }
    expect(endpoints[S3_SERVICE].Properties).toMatchObject({ VpcId: IMPORT_BASE.vpcId, RouteTableIds: IMPORT_BASE.routeTableIds, VpcEndpointType: 'Gateway' });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: IMPORT_BASE.vpcId,
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.30.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })],
    });
    t.hasResourceProperties('AWS::EC2::FlowLog', { ResourceId: IMPORT_BASE.vpcId, ResourceType: 'VPC', TrafficType: 'ALL' });
    expect(network.imported).toBe(true);
    expect(network.subnetIds).toEqual(IMPORT_BASE.subnetIds);
    expect(network.vpc.vpcId).toBe(IMPORT_BASE.vpcId);
    ComplianceCheck.assertCompliant(app);
  });

  test('skips the endpoints listed in existingEndpoints (S3 then needs no route tables)', () => {
    const { t, network } = imported({
      routeTableIds: undefined,
      existingEndpoints: [NetworkEndpoint.SAGEMAKER_API, NetworkEndpoint.STS, NetworkEndpoint.CODEARTIFACT_API, NetworkEndpoint.S3],
    });
    const services = Object.keys(endpointsByService(t)).sort();
    const skipped = ['sagemaker.api', 'sts', 'codeartifact.api'].map((s) => `com.amazonaws.${REGION}.${s}`);
    expect(services).toEqual(CORE_SERVICES.filter((s) => !skipped.includes(s)).sort());
    expect(services).not.toContain(S3_SERVICE);
    // the repositories endpoint has nothing to wait for when the API endpoint already exists
    expect(endpointsByService(t)[`com.amazonaws.${REGION}.codeartifact.repositories`].DependsOn).toBeUndefined();
    expect(network.findEndpoint(NetworkEndpoint.S3)).toBeUndefined();
    expect(network.findEndpoint(NetworkEndpoint.SAGEMAKER_API)).toBeUndefined();
    expect(network.findEndpoint(NetworkEndpoint.KMS)).toBeDefined();
  });

  test('two subnets per zone: one endpoint network interface per zone', () => {
    const { t } = imported({
      subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2', 'subnet-0ccccccccccccccc3', 'subnet-0ddddddddddddddd4'],
      routeTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0bbbbbbbbbbbbbbb2', 'rtb-0ccccccccccccccc3', 'rtb-0ddddddddddddddd4'],
    });
    const endpoints = endpointsByService(t);
    expect(endpoints[`com.amazonaws.${REGION}.kms`].Properties.SubnetIds).toEqual(['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2']);
    expect(endpoints[S3_SERVICE].Properties.RouteTableIds).toHaveLength(4);
  });

  test('flowLogs: false leaves an already-logged VPC alone and needs no key', () => {
    const { app, stack } = testStack();
    const network = new IsolatedNetwork(stack, 'Network', { ...IMPORT_BASE, flowLogs: false });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::FlowLog', 0);
    t.resourceCountIs('AWS::Logs::LogGroup', 0);
    t.resourceCountIs('AWS::IAM::Role', 0);
    expect(network.flowLog).toBeUndefined();
    expect(network.flowLogGroup).toBeUndefined();
    ComplianceCheck.assertCompliant(app);
  });

  test('a one-zone VPC is accepted with a warning', () => {
    const { stack } = imported({ availabilityZones: ['eu-central-1a'], subnetIds: ['subnet-0aaaaaaaaaaaaaaa1'], routeTableIds: ['rtb-0aaaaaaaaaaaaaaa1'] });
    Annotations.fromStack(stack).hasWarning('/Test/Network', Match.stringLikeRegexp('one availability zone'));
  });

  test('a VPC id from a token is accepted', () => {
    const { t } = imported({ vpcId: Token.asString({ 'Fn::ImportValue': 'SharedVpcId' }) });
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcId: { 'Fn::ImportValue': 'SharedVpcId' } });
  });
});

describe('IsolatedNetwork: bad props fail at synth time, naming the prop and the fix', () => {
  const createCases: Array<[string, Partial<IsolatedNetworkProps>, RegExp]> = [
    ['cidr not a CIDR', { cidr: 'ten-twenty' }, /props\.cidr: "ten-twenty" is not an IPv4 CIDR block; write it as a\.b\.c\.d\/n/],
    ['cidr with host bits', { cidr: '10.20.1.0/16' }, /props\.cidr: "10\.20\.1\.0\/16" has host bits set; .* write "10\.20\.0\.0\/16"/],
    ['cidr prefix too short', { cidr: '10.0.0.0/8' }, /props\.cidr "10\.0\.0\.0\/8": a VPC CIDR block has a prefix from \/16 to \/28/],
    ['cidr too small for the zones', { cidr: '10.20.0.0/28' }, /props\.cidr 10\.20\.0\.0\/28 is too small for 2 availability zones: each subnet would be a \/29/],
    ['cidr token', { cidr: Token.asString({ Ref: 'Cidr' }) }, /props\.cidr is a token; a created VPC needs a literal CIDR block/],
    ['maxAzs 1', { maxAzs: 1 }, /props\.maxAzs is 1; an isolated network spans at least 2 availability zones/],
    ['maxAzs fractional', { maxAzs: 2.5 }, /props\.maxAzs is 2\.5; .* set a whole number >= 2/],
    ['maxAzs and availabilityZones', { maxAzs: 2, availabilityZones: ['eu-central-1a', 'eu-central-1b'] }, /props\.maxAzs and props\.availabilityZones are both set/],
    ['one named zone', { availabilityZones: ['eu-central-1a'] }, /props\.availabilityZones lists 1 zone\(s\); an isolated network spans at least 2/],
    ['zone of another region', { availabilityZones: ['us-east-1a', 'us-east-1b'] }, /"us-east-1a" is not a zone of the stack's region eu-central-1; use zones such as "eu-central-1a"/],
    ['zone id instead of name', { availabilityZones: ['euc1-az1', 'euc1-az2'] }, /props\.availabilityZones: "euc1-az1" is not an availability zone name; write e\.g\. "eu-central-1a"/],
    ['zone twice', { availabilityZones: ['eu-central-1a', 'eu-central-1a'] }, /props\.availabilityZones lists a zone twice/],
    ['subnetIds without vpcId', { subnetIds: ['subnet-0aaaaaaaaaaaaaaa1'] }, /props\.subnetIds only applies to an imported VPC .*; set props\.vpcId .* or remove props\.subnetIds/],
    ['routeTableIds without vpcId', { routeTableIds: ['rtb-0aaaaaaaaaaaaaaa1'] }, /props\.routeTableIds only applies to an imported VPC/],
    ['existingEndpoints without vpcId', { existingEndpoints: [NetworkEndpoint.S3] }, /props\.existingEndpoints only applies to an imported VPC \(a new VPC has no endpoints yet\)/],
    ['flowLogs false on a created VPC', { flowLogs: false }, /props\.flowLogs is false, but a created VPC always has flow logs; remove props\.flowLogs/],
    ['no flow-log key', { flowLogKey: undefined }, /props\.flowLogKey is missing; give the customer-managed KMS key/],
    ['bad prefix list id', { s3PrefixListId: 'com.amazonaws.eu-central-1.s3' }, /props\.s3PrefixListId "com\.amazonaws\.eu-central-1\.s3" is not a prefix list id; write e\.g\. "pl-6ea54007"/],
  ];
  test.each(createCases)('create: %s', (_name, props, message) => {
    expect(() => created(props)).toThrow(message);
  });

  const importCases: Array<[string, Partial<IsolatedNetworkProps>, RegExp]> = [
    ['maxAzs', { maxAzs: 2 }, /props\.maxAzs only applies to a created VPC; .* remove props\.maxAzs/],
    ['bad vpc id', { vpcId: 'my-vpc' }, /props\.vpcId "my-vpc" is not a VPC id; write e\.g\. "vpc-0123456789abcdef0"/],
    ['no zones', { availabilityZones: undefined }, /props\.availabilityZones is missing; an imported VPC needs the zone names of props\.subnetIds/],
    ['no subnets', { subnetIds: undefined }, /props\.subnetIds is missing; an imported VPC needs the ids of the isolated subnets/],
    ['bad subnet id', { subnetIds: ['subnet-1', 'subnet-0bbbbbbbbbbbbbbb2'] }, /props\.subnetIds: "subnet-1" is not a subnet id/],
    ['subnet twice', { subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa1'] }, /props\.subnetIds lists a subnet twice/],
    [
      'subnets not spread over the zones',
      { subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2', 'subnet-0ccccccccccccccc3'], routeTableIds: undefined, existingEndpoints: [NetworkEndpoint.S3] },
      /props\.subnetIds has 3 subnets for 2 availability zones; give the same number of subnets in every zone/,
    ],
    ['route tables do not match the subnets', { routeTableIds: ['rtb-0aaaaaaaaaaaaaaa1'] }, /props\.routeTableIds has 1 entries for 2 subnets/],
    ['bad route table id', { routeTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'main'] }, /props\.routeTableIds: "main" is not a route table id/],
    [
      'no route tables and no existing S3 endpoint',
      { routeTableIds: undefined },
      /props\.routeTableIds is missing; the S3 gateway endpoint is added to the route tables .* or list NetworkEndpoint\.S3 in props\.existingEndpoints/,
    ],
    ['endpoint listed twice', { existingEndpoints: [NetworkEndpoint.KMS, NetworkEndpoint.KMS] }, /props\.existingEndpoints lists an endpoint twice/],
    ['no cidr', { cidr: undefined as unknown as string }, /props\.cidr is missing; give the VPC CIDR block/],
  ];
  test.each(importCases)('import: %s', (_name, props, message) => {
    expect(() => imported(props)).toThrow(message);
  });
});
