import { Token } from 'aws-cdk-lib';
import type { IsolatedNetworkProps } from './isolated-network';
import { NetworkEndpoint } from './network-endpoint';
import { parseIpv4Cidr } from '../core/cidr';

/** The prefix of each isolated subnet: the VPC prefix plus enough bits for one subnet per zone. */
export function isolatedSubnetPrefix(vpcPrefix: number, azCount: number): number {
  return vpcPrefix + Math.ceil(Math.log2(azCount));
}

const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
const ROUTE_TABLE_ID = /^rtb-[0-9a-f]{8}([0-9a-f]{9})?$/;
const PREFIX_LIST_ID = /^pl-[0-9a-f]{8}([0-9a-f]{9})?$/;
const AZ_NAME = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;

/** Checks the props of both modes, then those of the mode; `fail` throws. */
export function validateCommon(props: IsolatedNetworkProps, imported: boolean, region: string, fail: (message: string) => never): void {
  // cidr (both modes)
  if (props.cidr === undefined || props.cidr === null) {
    fail('props.cidr is missing; give the VPC CIDR block, e.g. "10.20.0.0/16"');
  }
  let vpcPrefix: number | undefined;
  if (!Token.isUnresolved(props.cidr)) {
    const parsed = parseIpv4Cidr(props.cidr);
    if (typeof parsed === 'string') fail(`props.cidr: ${parsed}`);
    const prefix = (parsed as { prefix: number }).prefix;
    if (prefix < 16 || prefix > 28) {
      fail(`props.cidr ${JSON.stringify(props.cidr)}: a VPC CIDR block has a prefix from /16 to /28; write e.g. "10.20.0.0/16"`);
    }
    vpcPrefix = prefix;
  } else if (!imported) {
    fail('props.cidr is a token; a created VPC needs a literal CIDR block such as "10.20.0.0/16" to plan its subnets');
  }

  // availability zones (both modes)
  const azs = props.availabilityZones;
  if (azs !== undefined) {
    if (azs.length !== new Set(azs).size) fail(`props.availabilityZones lists a zone twice (${azs.join(', ')}); list each zone once`);
    for (const az of azs) {
      if (Token.isUnresolved(az)) continue;
      if (!AZ_NAME.test(az)) fail(`props.availabilityZones: ${JSON.stringify(az)} is not an availability zone name; write e.g. "eu-central-1a"`);
      if (!Token.isUnresolved(region) && !az.startsWith(region)) {
        fail(`props.availabilityZones: ${JSON.stringify(az)} is not a zone of the stack's region ${region}; use zones such as "${region}a"`);
      }
    }
  }

  if (props.flowLogs !== false && props.flowLogKey === undefined) {
    fail('props.flowLogKey is missing; give the customer-managed KMS key that encrypts the flow-log group (e.g. a PlatformKey\'s key)');
  }
  if (props.s3PrefixListId !== undefined && !Token.isUnresolved(props.s3PrefixListId) && !PREFIX_LIST_ID.test(props.s3PrefixListId)) {
    fail(`props.s3PrefixListId ${JSON.stringify(props.s3PrefixListId)} is not a prefix list id; write e.g. "pl-6ea54007" (aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.<region>.s3)`);
  }

  if (imported) {
    validateImport(props, fail);
  } else {
    validateCreate(props, vpcPrefix!, fail);
  }
}

function validateCreate(props: IsolatedNetworkProps, vpcPrefix: number, fail: (message: string) => never): void {
  const importOnly: Array<[keyof IsolatedNetworkProps, string]> = [
    ['subnetIds', 'subnets are created from props.cidr'],
    ['routeTableIds', 'route tables are created with the subnets'],
    ['existingEndpoints', 'a new VPC has no endpoints yet'],
  ];
  for (const [prop, why] of importOnly) {
    if (props[prop] !== undefined) {
      fail(`props.${prop} only applies to an imported VPC (${why}); set props.vpcId to import an existing VPC, or remove props.${prop}`);
    }
  }
  if (props.flowLogs === false) {
    fail('props.flowLogs is false, but a created VPC always has flow logs; remove props.flowLogs (it may only be false for an imported VPC that is already logged)');
  }
  if (props.maxAzs !== undefined && props.availabilityZones !== undefined) {
    fail('props.maxAzs and props.availabilityZones are both set; give either the number of zones or the zone names');
  }
  const azCount = props.availabilityZones?.length ?? props.maxAzs ?? 2;
  if (props.maxAzs !== undefined && (!Number.isInteger(props.maxAzs) || props.maxAzs < 2)) {
    fail(`props.maxAzs is ${props.maxAzs}; an isolated network spans at least 2 availability zones, set a whole number >= 2`);
  }
  if (props.availabilityZones !== undefined && props.availabilityZones.length < 2) {
    fail(`props.availabilityZones lists ${props.availabilityZones.length} zone(s); an isolated network spans at least 2 availability zones`);
  }
  const subnetPrefix = isolatedSubnetPrefix(vpcPrefix, azCount);
  if (subnetPrefix > 28) {
    fail(
      `props.cidr ${props.cidr} is too small for ${azCount} availability zones: each subnet would be a /${subnetPrefix}, and AWS subnets are at most /28; use a block of /${28 - Math.ceil(Math.log2(azCount))} or larger, or fewer zones`,
    );
  }
}

function validateImport(props: IsolatedNetworkProps, fail: (message: string) => never): void {
  if (props.maxAzs !== undefined) {
    fail('props.maxAzs only applies to a created VPC; for an imported VPC (props.vpcId) give the zones of props.subnetIds in props.availabilityZones and remove props.maxAzs');
  }
  if (!Token.isUnresolved(props.vpcId) && !VPC_ID.test(props.vpcId!)) {
    fail(`props.vpcId ${JSON.stringify(props.vpcId)} is not a VPC id; write e.g. "vpc-0123456789abcdef0"`);
  }
  const azs = props.availabilityZones;
  if (azs === undefined || azs.length === 0) {
    fail('props.availabilityZones is missing; an imported VPC needs the zone names of props.subnetIds, in the same order, e.g. ["eu-central-1a", "eu-central-1b"]');
  }
  const subnets = props.subnetIds;
  if (subnets === undefined || subnets.length === 0) {
    fail('props.subnetIds is missing; an imported VPC needs the ids of the isolated subnets where workloads and endpoints run');
  }
  if (Token.isUnresolved(subnets)) {
    fail('props.subnetIds is a token list; give a literal list of subnet ids (each id may be a token) so that the subnets can be matched to their zones');
  }
  for (const id of subnets!) {
    if (!Token.isUnresolved(id) && !SUBNET_ID.test(id)) fail(`props.subnetIds: ${JSON.stringify(id)} is not a subnet id; write e.g. "subnet-0123456789abcdef0"`);
  }
  if (new Set(subnets).size !== subnets!.length) fail('props.subnetIds lists a subnet twice; list each subnet once');
  if (subnets!.length % azs!.length !== 0) {
    fail(
      `props.subnetIds has ${subnets!.length} subnets for ${azs!.length} availability zones; give the same number of subnets in every zone, ordered like props.availabilityZones`,
    );
  }
  const existing = props.existingEndpoints ?? [];
  if (new Set(existing).size !== existing.length) fail('props.existingEndpoints lists an endpoint twice; list each endpoint once');
  const routeTables = props.routeTableIds;
  if (routeTables !== undefined) {
    if (routeTables.length !== subnets!.length) {
      fail(`props.routeTableIds has ${routeTables.length} entries for ${subnets!.length} subnets; give the route table of each subnet of props.subnetIds, in the same order`);
    }
    for (const id of routeTables) {
      if (!Token.isUnresolved(id) && !ROUTE_TABLE_ID.test(id)) fail(`props.routeTableIds: ${JSON.stringify(id)} is not a route table id; write e.g. "rtb-0123456789abcdef0"`);
    }
  } else if (!existing.includes(NetworkEndpoint.S3)) {
    fail(
      'props.routeTableIds is missing; the S3 gateway endpoint is added to the route tables of the imported subnets, so give them, or list NetworkEndpoint.S3 in props.existingEndpoints if the VPC already has an S3 gateway endpoint',
    );
  }
}

