/**
 * Issue 18: each account's VPC gets the interface endpoints its flows use, and none where the landing
 * zone shares its endpoints (`accounts.<name>.network.sharedEndpoints`).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ComplianceCheck, MlopsPlatform, PlatformAccount, PlatformConfig, PlatformConfigProps } from '../../../src';
import { SHARED_ENDPOINTS_METADATA } from '../../../src/blueprint/platform/platform-account-stack';
import { estimate } from '../../../src/runtime/cost/estimate';
import { defaultPriceTable, regionPrices } from '../../../src/runtime/cost/prices';

function platformWith(change: (props: any) => void = () => undefined): MlopsPlatform {
  const props = PlatformConfig.sample().toJson();
  change(props);
  return new MlopsPlatform(new App(), 'Platform', { config: PlatformConfig.fromObject(props as PlatformConfigProps) });
}

/** The interface endpoint services of a stack (`sagemaker.api`, ...), sorted, and whether it has the S3 gateway endpoint. */
function endpointsOf(stack: Stack): { interfaces: string[]; s3Gateway: boolean } {
  const endpoints = Object.values<any>(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint'));
  const name = (r: any) => JSON.stringify(r.Properties.ServiceName).replace(/^.*com\.amazonaws\.[a-z0-9-]+\.|"$/g, '');
  return {
    interfaces: endpoints.filter((r) => r.Properties.VpcEndpointType === 'Interface').map(name).sort(),
    s3Gateway: endpoints.some((r) => r.Properties.VpcEndpointType !== 'Interface' && name(r) === 's3'),
  };
}

const sample = platformWith();

test.each([
  [PlatformAccount.EXP, ['athena', 'codeartifact.api', 'codeartifact.repositories', 'ecr.api', 'ecr.dkr', 'glue', 'logs', 'monitoring', 'sagemaker.api', 'sts']],
  [PlatformAccount.RES, ['cloudformation', 'codeartifact.api', 'codeartifact.repositories', 'ecr.api', 'ecr.dkr', 'kms', 'logs', 'sagemaker.api', 'sagemaker.runtime', 'ssm', 'sts']],
  [PlatformAccount.DEV, ['ecr.api', 'ecr.dkr', 'logs', 'monitoring', 'sagemaker.runtime']],
  [PlatformAccount.INT, ['ecr.api', 'ecr.dkr', 'logs', 'monitoring', 'sagemaker.runtime']],
  [PlatformAccount.PROD, ['ecr.api', 'ecr.dkr', 'logs', 'monitoring', 'sagemaker.runtime']],
])('%s gets the interface endpoints its flows use, and the S3 gateway endpoint', (account, services) => {
  expect(endpointsOf(sample.stack(account))).toEqual({ interfaces: services, s3Gateway: true });
});

describe('sharedEndpoints: the landing zone shares its interface endpoints with the VPC', () => {
  const shared = platformWith((p) => {
    p.accounts.dev.network.sharedEndpoints = true;
    p.accounts.exp.network.sharedEndpoints = true;
  });

  test('no interface endpoint in DEV and EXP (the data endpoints of EXP included), the S3 gateway endpoint stays; the others unchanged', () => {
    expect(endpointsOf(shared.stack(PlatformAccount.DEV))).toEqual({ interfaces: [], s3Gateway: true });
    expect(endpointsOf(shared.stack(PlatformAccount.EXP))).toEqual({ interfaces: [], s3Gateway: true });
    for (const account of [PlatformAccount.RES, PlatformAccount.INT, PlatformAccount.PROD]) {
      expect(endpointsOf(shared.stack(account))).toEqual(endpointsOf(sample.stack(account)));
    }
  });

  test('the endpoint security group stays and carries the marker the flow suite reads; without the switch there is none', () => {
    const groups = (stack: Stack) => Object.values<any>(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup'))
      .filter((g) => g.Properties.GroupDescription.startsWith('VPC interface endpoints'));
    const markers = groups(shared.stack(PlatformAccount.DEV)).map((g) => Object.keys(g.Metadata ?? {}));
    expect(markers).toEqual([expect.arrayContaining([SHARED_ENDPOINTS_METADATA])]);
    expect(groups(sample.stack(PlatformAccount.DEV)).map((g) => g.Metadata?.[SHARED_ENDPOINTS_METADATA])).toEqual([undefined]);
  });

  test('the platform stays compliant (cdk-nag packs)', () => {
    expect(ComplianceCheck.run(shared.node.scope as App).errors).toEqual([]);
  });

  test('the cost estimate drops the endpoints of those accounts', () => {
    const prices = regionPrices(defaultPriceTable(), 'eu-central-1', '');
    const platformCost = (p: MlopsPlatform) => estimate(
      p.stacks.map((s) => ({ name: s.stackName, region: s.region, tags: {}, template: Template.fromStack(s).toJSON() })), prices, 730,
    ).stacks.reduce((sum, s) => sum + (s.items['AWS::EC2::VPCEndpoint (interface, per AZ)'] ?? 0), 0);
    const perAzMonth = 730 * prices.interfaceEndpointPerAzHour;
    // DEV: 5 endpoints in 2 zones; EXP: 10 in 2 zones
    expect(platformCost(sample) - platformCost(shared)).toBeCloseTo((5 + 10) * 2 * perAzMonth, 2);
  });

  test('a value that is not a boolean names the field and the fix', () => {
    const props = PlatformConfig.sample().toJson() as any;
    props.accounts.prod.network.sharedEndpoints = 'yes';
    expect(PlatformConfig.validate(props)).toEqual([
      'accounts.prod.network.sharedEndpoints: "yes" is not true or false; write true to use the landing zone\'s shared interface endpoints instead of creating them, or remove it to create them',
    ]);
  });
});

describe('endpointAzs: in how many zones the interface endpoints get a network interface', () => {
  test('PROD with endpointAzs 2 of its 3 zones: the endpoints in the first two zones, the subnets in all three', () => {
    const two = platformWith((p) => {
      p.accounts.prod.network.endpointAzs = 2;
    });
    const t = Template.fromStack(two.stack(PlatformAccount.PROD));
    const interfaces = Object.values<any>(t.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
    expect(interfaces.map((r) => r.Properties.SubnetIds.length)).toEqual([2, 2, 2, 2, 2]);
    const zoneOf = Object.fromEntries(Object.entries<any>(t.findResources('AWS::EC2::Subnet')).map(([id, r]) => [id, r.Properties.AvailabilityZone]));
    expect(Object.keys(zoneOf)).toHaveLength(3);
    expect(new Set(interfaces.flatMap((r) => r.Properties.SubnetIds.map((x: any) => zoneOf[x.Ref])))).toEqual(new Set(['eu-central-1a', 'eu-central-1b']));
    const all = Object.values<any>(Template.fromStack(sample.stack(PlatformAccount.PROD)).findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
    expect(all.map((r) => r.Properties.SubnetIds.length)).toEqual([3, 3, 3, 3, 3]);
  });

  test.each([
    [0, 'write a whole number from 1 to 3'],
    [4, 'write a whole number from 1 to 3'],
    [1.5, 'write a whole number from 1 to 3'],
    ['2', 'write a whole number from 1 to 3'],
  ])('endpointAzs %p names the field and the fix', (value, fix) => {
    const props = PlatformConfig.sample().toJson() as any;
    props.accounts.prod.network.endpointAzs = value;
    expect(PlatformConfig.validate(props)).toEqual([
      `accounts.prod.network.endpointAzs: ${JSON.stringify(value)} is not a number of zones of this VPC; ${fix}, or remove it to place the interface endpoints in every zone`,
    ]);
  });

  test('of an imported VPC: up to its distinct zones', () => {
    const props = PlatformConfig.sample().toJson() as any;
    props.accounts.dev.network = {
      cidr: '10.30.0.0/16',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
      availabilityZones: ['eu-central-1a', 'eu-central-1b'],
      endpointAzs: 3,
    };
    expect(PlatformConfig.validate(props)).toEqual([expect.stringMatching(/^accounts\.dev\.network\.endpointAzs: 3 is not a number of zones of this VPC; write a whole number from 1 to 2,/)]);
    props.accounts.dev.network.endpointAzs = 1;
    expect(PlatformConfig.validate(props)).toEqual([]);
  });
});
