import { checkObject, isObject, join, Obj, stringField } from './fields';
import { didYouMean, Problems, show } from './problems';
import { AWS_REGIONS } from './regions';
import { validateSections } from './validation-sections';
import { validateUseCases } from './validation-usecases';
import { Ipv4Block, overlaps, parseIpv4Cidr } from '../../constructs/core/cidr';

/** The keys of `accounts`, in the order of the flow of a model. @internal */
export const PLATFORM_ACCOUNT_NAMES = ['data', 'exp', 'res', 'dev', 'int', 'prod'] as const;
/** @internal */
export type PlatformAccountName = (typeof PLATFORM_ACCOUNT_NAMES)[number];

/** Accounts that must have a network: jobs, Studio and endpoints run in a VPC there. */
const NETWORK_REQUIRED: readonly PlatformAccountName[] = ['exp', 'dev', 'int', 'prod'];
/** Stage accounts that must not share an account with each other or with EXP and RES. */
const STAGES: readonly PlatformAccountName[] = ['dev', 'int', 'prod'];

/** The longest prefix: `<prefix>-<use case (20)>-<stage (4)>-<suffix>` must stay within SageMaker's 63. */
export const MAX_PREFIX_LENGTH = 12;
const PREFIX_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const QUALIFIER_PATTERN = /^[a-z0-9]{1,10}$/;
const ACCOUNT_PATTERN = /^\d{12}$/;
const ORG_PATTERN = /^o-[a-z0-9]{10,32}$/;
const VPC_PATTERN = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_PATTERN = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** The smallest subnet we create: a /26 (59 usable addresses) per availability zone. */
const SMALLEST_SUBNET_PREFIX = 26;

/** Validates a whole platform configuration, reporting every problem. @internal */
export function validatePlatformConfig(input: unknown, problems: Problems): void {
  const rootKeys = [
    'prefix', 'qualifier', 'organizationId', 'allowSharedAccounts', 'accounts', 'tags',
    'allowedInstanceTypes', 'people', 'studio', 'dataShare', 'imageRepositories', 'catalogPrincipalArns', 'github',
    'landingZone', 'useCases',
  ];
  if (!checkObject(input, '', rootKeys, problems)) return;

  const prefix = stringField(input, '', 'prefix', true, 'vwml', problems);
  if (prefix !== undefined) validatePrefix(prefix, 'prefix', problems);

  const qualifier = stringField(input, '', 'qualifier', false, 'vwml', problems);
  if (qualifier !== undefined && !QUALIFIER_PATTERN.test(qualifier)) {
    problems.add(
      'qualifier',
      `${show(qualifier)} is not a CDK bootstrap qualifier; use 1 to 10 lowercase letters and digits, for example ${JSON.stringify(
        (qualifier.toLowerCase().replace(/[^a-z0-9]/g, '') || 'vwml').slice(0, 10),
      )}`,
    );
  }

  const org = stringField(input, '', 'organizationId', false, 'o-a1b2c3d4e5', problems);
  if (org !== undefined && !ORG_PATTERN.test(org)) {
    problems.add('organizationId', `${show(org)} is not an AWS Organizations id; it looks like "o-" followed by 10 to 32 lowercase letters or digits, for example "o-a1b2c3d4e5"`);
  }

  const shared = input.allowSharedAccounts;
  if (shared !== undefined && typeof shared !== 'boolean') {
    problems.add('allowSharedAccounts', `must be true or false, not ${show(shared)}`);
  }

  validateAccounts(input.accounts, shared === true, problems);
  validateTags(input.tags, 'tags', problems);
  validateSections(input, problems);
  validateUseCases(input, problems);
}

/** Validates a resource-name prefix. @internal */
export function validatePrefix(prefix: string, path: string, problems: Problems): void {
  if (prefix.length < 2 || prefix.length > MAX_PREFIX_LENGTH) {
    problems.add(
      path,
      `${show(prefix)} is ${prefix.length} characters long; use 2 to ${MAX_PREFIX_LENGTH} so that S3 bucket and SageMaker names (63 characters at most) still fit the use-case name, for example ${JSON.stringify(suggestPrefix(prefix))}`,
    );
  }
  if (!PREFIX_PATTERN.test(prefix)) {
    problems.add(
      path,
      `${show(prefix)} may only contain lowercase letters, digits and single hyphens, start with a letter and not end with a hyphen (it is part of S3 bucket names); for example ${JSON.stringify(suggestPrefix(prefix))}`,
    );
  } else if (prefix.startsWith('xn--') || prefix.startsWith('sthree-') || prefix.startsWith('aws')) {
    problems.add(path, `${show(prefix)} starts with a prefix that S3 or SageMaker reserve ("xn--", "sthree-", "aws"); choose another, for example "vwml"`);
  }
}

function suggestPrefix(prefix: string): string {
  const cleaned = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, MAX_PREFIX_LENGTH)
    .replace(/-+$/, '');
  return cleaned.length >= 2 ? cleaned : 'vwml';
}

function validateAccounts(accounts: unknown, allowShared: boolean, problems: Problems): void {
  if (accounts === undefined) {
    problems.add('accounts', `is required; add an object with the six accounts ${PLATFORM_ACCOUNT_NAMES.join(', ')}, each { "accountId": "<12 digits>", "region": "<region>" }`);
    return;
  }
  if (!checkObject(accounts, 'accounts', PLATFORM_ACCOUNT_NAMES, problems)) return;

  const ids = new Map<PlatformAccountName, string>();
  const blocks: Array<{ path: string; text: string; block: Ipv4Block }> = [];

  for (const name of PLATFORM_ACCOUNT_NAMES) {
    const path = `accounts.${name}`;
    const account = accounts[name];
    if (account === undefined) {
      problems.add(path, `is missing; add { "accountId": "<12 digits>", "region": "<region>"${NETWORK_REQUIRED.includes(name) ? ', "network": { "cidr": "10.x.0.0/16" }' : ''} }`);
      continue;
    }
    if (!checkObject(account, path, ['accountId', 'region', 'network'], problems)) continue;

    const rawId = account.accountId;
    if (typeof rawId === 'number') {
      problems.add(`${path}.accountId`, `${show(rawId)} is a number; write the 12-digit account id as a string in quotes (a number loses leading zeros), for example "${String(rawId).padStart(12, '0')}"`);
    } else {
      const id = stringField(account, path, 'accountId', true, '123456789012', problems);
      if (id !== undefined) {
        if (ACCOUNT_PATTERN.test(id)) ids.set(name, id);
        else problems.add(`${path}.accountId`, `${show(id)} is not a 12-digit AWS account id; write exactly 12 digits, for example "123456789012"`);
      }
    }

    const region = stringField(account, path, 'region', true, 'eu-central-1', problems);
    if (region !== undefined && !AWS_REGIONS.includes(region)) {
      problems.add(`${path}.region`, `${show(region)} is not an AWS region${didYouMean(region, AWS_REGIONS) || '; write a region name such as "eu-central-1"'}`);
    }

    if (account.network === undefined) {
      if (NETWORK_REQUIRED.includes(name)) {
        problems.add(`${path}.network`, `is required for ${name.toUpperCase()} (its jobs, Studio or endpoints run in a VPC); add { "cidr": "10.x.0.0/16" } to create one, or { "cidr", "vpcId", "subnetIds", "availabilityZones" } to import one`);
      }
    } else {
      const block = validateNetwork(account.network, `${path}.network`, region, problems);
      if (block) blocks.push({ path: `${path}.network.cidr`, text: (account.network as Obj).cidr as string, block });
    }
  }

  // DEV, INT and PROD each in their own account, distinct from EXP and RES.
  if (!allowShared) {
    STAGES.forEach((stage, i) => {
      const id = ids.get(stage);
      if (!id) return;
      // each pair is reported once, on the later stage of the two
      const others = (['exp', 'res', ...STAGES.slice(0, i)] as PlatformAccountName[]).filter((o) => ids.get(o) === id);
      for (const other of others) {
        problems.add(
          `accounts.${stage}.accountId`,
          `"${id}" is also the ${other.toUpperCase()} account; DEV, INT and PROD must each have their own account, distinct from each other and from EXP and RES. Use another account id, or set "allowSharedAccounts": true for a sandbox`,
        );
      }
    });
  }

  // No two networks may overlap (they are peered or routed through shared services one day).
  for (let i = 0; i < blocks.length; i++) {
    for (let j = 0; j < i; j++) {
      if (overlaps(blocks[i].block, blocks[j].block)) {
        problems.add(blocks[i].path, `${show(blocks[i].text)} overlaps ${blocks[j].path} ${show(blocks[j].text)}; give every account its own, non-overlapping block, for example "10.${60 + i * 10}.0.0/16"`);
      }
    }
  }
}

function validateNetwork(network: unknown, path: string, region: string | undefined, problems: Problems): Ipv4Block | undefined {
  if (!checkObject(network, path, ['cidr', 'maxAzs', 'vpcId', 'subnetIds', 'availabilityZones', 'endpointAzs', 'sharedEndpoints'], problems)) return undefined;
  if (network.sharedEndpoints !== undefined && typeof network.sharedEndpoints !== 'boolean') {
    problems.add(
      `${path}.sharedEndpoints`,
      `${show(network.sharedEndpoints)} is not true or false; write true to use the landing zone's shared interface endpoints instead of creating them, or remove it to create them`,
    );
  }

  let maxAzs = 2;
  if (network.maxAzs !== undefined) {
    const m = network.maxAzs;
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 2 || m > 6) {
      problems.add(`${path}.maxAzs`, `${show(m)} is not a valid number of availability zones; write a whole number from 2 to 6`);
    } else {
      maxAzs = m;
    }
  }

  let block: Ipv4Block | undefined;
  const cidr = stringField(network, path, 'cidr', true, '10.10.0.0/16', problems);
  if (cidr !== undefined) {
    const parsed = parseIpv4Cidr(cidr);
    if (typeof parsed === 'string') {
      problems.add(`${path}.cidr`, parsed);
    } else if (parsed.prefix < 16) {
      problems.add(`${path}.cidr`, `${show(cidr)} is larger than a VPC can be (a /16 at most); use a /16 to /24, for example "${cidr.split('/')[0]}/16"`);
    } else {
      const subnetPrefix = parsed.prefix + Math.ceil(Math.log2(maxAzs));
      if (subnetPrefix > SMALLEST_SUBNET_PREFIX) {
        const needed = SMALLEST_SUBNET_PREFIX - Math.ceil(Math.log2(maxAzs));
        problems.add(
          `${path}.cidr`,
          `${show(cidr)} is too small for ${maxAzs} availability zones of isolated subnets (each needs at least a /${SMALLEST_SUBNET_PREFIX}); use a /${needed} or larger, for example "${cidr.split('/')[0]}/${Math.min(needed, 20)}"`,
        );
      } else {
        block = parsed;
      }
    }
  }

  const vpcId = stringField(network, path, 'vpcId', false, 'vpc-0123456789abcdef0', problems);
  if (vpcId !== undefined && !VPC_PATTERN.test(vpcId)) {
    problems.add(`${path}.vpcId`, `${show(vpcId)} is not a VPC id; it looks like "vpc-" followed by 8 or 17 hex digits, for example "vpc-0123456789abcdef0"`);
  }

  const subnets = stringList(network, path, 'subnetIds', problems);
  const azs = stringList(network, path, 'availabilityZones', problems);
  checkEndpointAzs(network.endpointAzs, vpcId === undefined ? (azs?.length ?? maxAzs) : new Set(azs ?? []).size, path, problems);
  if (vpcId === undefined) {
    if (subnets !== undefined) problems.add(`${path}.subnetIds`, 'is only used to import an existing VPC; add "vpcId", or remove "subnetIds" to create a new VPC from "cidr"');
    if (azs !== undefined) {
      // a created VPC may name its zones (otherwise the first maxAzs zones of the region, a, b, c, ...)
      if (network.maxAzs !== undefined && azs.length !== maxAzs) {
        problems.add(`${path}.availabilityZones`, `lists ${azs.length} zone(s) but maxAzs is ${maxAzs}; list ${maxAzs} zones, or remove maxAzs`);
      }
      checkZones(azs, path, region, problems);
    }
    return block;
  }

  if (subnets === undefined) {
    if (network.subnetIds === undefined) problems.add(`${path}.subnetIds`, 'is required to import a VPC; list its isolated subnets, at least two in different availability zones, for example ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]');
  } else {
    if (subnets.length < 2) problems.add(`${path}.subnetIds`, `lists ${subnets.length} subnet(s); list at least two, in different availability zones`);
    subnets.forEach((s, i) => {
      if (!SUBNET_PATTERN.test(s)) problems.add(`${path}.subnetIds[${i}]`, `${show(s)} is not a subnet id; it looks like "subnet-" followed by 8 or 17 hex digits`);
      else if (subnets.indexOf(s) !== i) problems.add(`${path}.subnetIds[${i}]`, `${show(s)} is listed twice; list each subnet once`);
    });
  }
  if (azs === undefined) {
    if (network.availabilityZones === undefined) problems.add(`${path}.availabilityZones`, `is required to import a VPC; list the availability zone of each subnet in the same order, for example ["${region ?? 'eu-central-1'}a", "${region ?? 'eu-central-1'}b"]`);
  } else {
    if (subnets !== undefined && azs.length !== subnets.length) {
      problems.add(`${path}.availabilityZones`, `lists ${azs.length} zone(s) for ${subnets.length} subnet(s); list the zone of each subnet, in the same order`);
    }
    checkZones(azs, path, region, problems);
  }
  return block;
}

/** `endpointAzs`: a whole number from 1 to the number of zones of the VPC. */
function checkEndpointAzs(value: unknown, zones: number, path: string, problems: Problems): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || (zones > 0 && value > zones)) {
    problems.add(
      `${path}.endpointAzs`,
      `${show(value)} is not a number of zones of this VPC; write a whole number from 1 to ${zones || 'the number of its zones'}, or remove it to place the interface endpoints in every zone`,
    );
  }
}

function checkZones(azs: string[], path: string, region: string | undefined, problems: Problems): void {
  azs.forEach((az, i) => {
    if (region !== undefined && !new RegExp(`^${region}[a-z]$`).test(az)) {
      problems.add(`${path}.availabilityZones[${i}]`, `${show(az)} is not an availability zone of ${region}; write it as "${region}a", "${region}b", ...`);
    }
  });
  if (new Set(azs).size < 2) problems.add(`${path}.availabilityZones`, 'names fewer than two distinct zones; the subnets must span at least two availability zones');
}

function stringList(obj: Obj, path: string, key: string, problems: Problems): string[] | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    problems.add(join(path, key), `must be a list of strings, not ${show(value)}`);
    return undefined;
  }
  return value as string[];
}

/** Validates a tag map (AWS tag rules). @internal */
export function validateTags(tags: unknown, path: string, problems: Problems): void {
  if (tags === undefined) return;
  if (!isObject(tags)) {
    problems.add(path, `must be an object of tag names to values, not ${show(tags)}; for example { "cost-center": "1234" }`);
    return;
  }
  const entries = Object.entries(tags);
  if (entries.length > 50) problems.add(path, `has ${entries.length} tags; AWS allows at most 50 per resource`);
  for (const [key, value] of entries) {
    const p = `${path}.${key}`;
    if (!TAG_KEY_PATTERN.test(key)) {
      problems.add(p, 'is not a valid tag key; use 1 to 128 letters, digits, spaces and _ . : / = + - @');
    } else if (key.toLowerCase().startsWith('aws:')) {
      problems.add(p, 'tag keys starting with "aws:" are reserved by AWS; choose another key');
    }
    if (typeof value !== 'string') {
      problems.add(p, `must be a string, not ${show(value)}; write the value in quotes`);
    } else if (!TAG_VALUE_PATTERN.test(value)) {
      problems.add(p, `${show(value.length > 40 ? value.slice(0, 40) + '...' : value)} is not a valid tag value; use at most 256 letters, digits, spaces and _ . : / = + - @`);
    }
  }
}
