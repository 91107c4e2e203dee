/**
 * Deploy-time rule: the quotas that IAM, EC2, KMS, S3 and CloudFormation enforce when the stacks deploy,
 * over every template of the reference app (stacks and Service Catalog products) and the CloudFormation
 * execution policies, with the headroom printed.
 *
 * Policy sizes are measured as IAM does (characters, whitespace not counted) on the documents as they
 * deploy: references resolved with the stacks' account and region; a reference the resolver cannot make
 * up counts as 128 characters.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PlatformAccount, PlatformBootstrap, PlatformConfig } from '../../../src';
import { referenceCloudAssembly } from '../../flows/engine/assembly';
import { TemplatePolicies } from '../../helpers/iam-simulator';

const config = PlatformConfig.sample();
// the reference app's assembly that the flows, the commands run and the other deploy-time suite read too
const assembly = referenceCloudAssembly();

interface Template {
  readonly name: string;
  readonly file: string;
  readonly json: any;
  readonly policies: TemplatePolicies;
}

const templates: Template[] = [
  ...assembly.stacks.map((s) => ({
    name: s.stackName,
    file: path.join(assembly.directory, s.templateFile),
    json: s.template,
    policies: new TemplatePolicies(s.template, { account: s.environment.account, region: s.environment.region }),
  })),
  ...fs.readdirSync(assembly.directory).filter((f) => f.endsWith('.product.template.json')).map((f) => {
    const json = JSON.parse(fs.readFileSync(path.join(assembly.directory, f), 'utf-8'));
    return {
      name: `product ${f.replace(/\.product\.template\.json$/, '')}`,
      file: path.join(assembly.directory, f),
      json,
      policies: new TemplatePolicies(json, {
        account: config.account(PlatformAccount.RES).accountId,
        region: config.account(PlatformAccount.RES).region,
        references: { UseCaseName: 'a'.repeat(32), PermissionsBoundaryArn: `arn:aws:iam::333333333333:policy/${config.prefix}-PermissionsBoundary` },
      }),
    };
  }),
];

/** A value as it deploys; what the resolver cannot make up counts as 128 characters. */
function deployed(t: Template, value: unknown): any {
  if (Array.isArray(value)) return value.map((v) => deployed(t, v));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    try {
      return t.policies.resolve(value);
    } catch {
      return 'x'.repeat(128);
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deployed(t, v)]));
}

/** Characters as IAM counts them: whitespace does not count. */
const iamChars = (document: unknown) => JSON.stringify(document).replace(/\s/g, '').length;
const bytes = (document: unknown) => Buffer.byteLength(JSON.stringify(document), 'utf-8');

interface Measure {
  readonly what: string;
  readonly value: number;
}

function resources(t: Template, type: string): Array<[string, any]> {
  return Object.entries<any>(t.json.Resources ?? {}).filter(([, r]) => r.Type === type);
}

function refersTo(value: unknown, logicalId: string): boolean {
  return JSON.stringify(value ?? null).includes(`"${logicalId}"`);
}

const measures: Record<string, Measure[]> = {
  'managed policy (characters)': [],
  'inline policies per role (characters)': [],
  'trust policy (characters)': [],
  'managed policies per role': [],
  'ingress rules per security group': [],
  'egress rules per security group': [],
  'key policy (bytes)': [],
  'bucket policy (bytes)': [],
  'template (bytes)': [],
  'resources per template': [],
};

for (const t of templates) {
  const managed = resources(t, 'AWS::IAM::ManagedPolicy');
  const inline = resources(t, 'AWS::IAM::Policy');
  for (const [id, r] of managed) measures['managed policy (characters)'].push({ what: `${t.name}/${id}`, value: iamChars(deployed(t, r.Properties.PolicyDocument)) });
  for (const [id, role] of resources(t, 'AWS::IAM::Role')) {
    const p = role.Properties ?? {};
    const own = (p.Policies ?? []).map((x: any) => iamChars(deployed(t, x.PolicyDocument)));
    const attached = inline.filter(([, r]) => (r.Properties.Roles ?? []).some((x: any) => x?.Ref === id))
      .map(([, r]) => iamChars(deployed(t, r.Properties.PolicyDocument)));
    measures['inline policies per role (characters)'].push({ what: `${t.name}/${id}`, value: [...own, ...attached].reduce((a: number, b: number) => a + b, 0) });
    measures['trust policy (characters)'].push({ what: `${t.name}/${id}`, value: iamChars(deployed(t, p.AssumeRolePolicyDocument)) });
    const arns = (p.ManagedPolicyArns ?? []).length;
    const byPolicy = managed.filter(([pid, r]) => (r.Properties.Roles ?? []).some((x: any) => x?.Ref === id)
      && !(p.ManagedPolicyArns ?? []).some((a: any) => a?.Ref === pid)).length;
    measures['managed policies per role'].push({ what: `${t.name}/${id}`, value: arns + byPolicy });
  }
  for (const [id, sg] of resources(t, 'AWS::EC2::SecurityGroup')) {
    for (const [direction, inlineKey, type] of [['ingress', 'SecurityGroupIngress', 'AWS::EC2::SecurityGroupIngress'], ['egress', 'SecurityGroupEgress', 'AWS::EC2::SecurityGroupEgress']]) {
      const rules = (sg.Properties[inlineKey] ?? []).filter((r: any) => !(r.CidrIp === '255.255.255.255/32' && r.Description === 'Disallow all traffic'));
      const separate = resources(t, type).filter(([, r]) => refersTo(r.Properties.GroupId, id));
      measures[`${direction} rules per security group`].push({ what: `${t.name}/${id}`, value: rules.length + separate.length });
    }
  }
  for (const [id, key] of resources(t, 'AWS::KMS::Key')) measures['key policy (bytes)'].push({ what: `${t.name}/${id}`, value: bytes(deployed(t, key.Properties.KeyPolicy)) });
  for (const [id, bp] of resources(t, 'AWS::S3::BucketPolicy')) measures['bucket policy (bytes)'].push({ what: `${t.name}/${id}`, value: bytes(deployed(t, bp.Properties.PolicyDocument)) });
  measures['template (bytes)'].push({ what: t.name, value: fs.statSync(t.file).size });
  measures['resources per template'].push({ what: t.name, value: Object.keys(t.json.Resources ?? {}).length });
}
for (const b of PlatformBootstrap.forConfig(config)) {
  measures['managed policy (characters)'].push({ what: `${b.executionPolicyName} (${b.account})`, value: iamChars(b.executionPolicyDocument) });
}

/** The quotas (AWS documentation: IAM and AWS STS quotas; Amazon VPC quotas; KMS quotas; S3 bucket policies; CloudFormation quotas). */
const LIMITS: Record<string, number> = {
  'managed policy (characters)': 6144,
  'inline policies per role (characters)': 10240,
  'trust policy (characters)': 2048,
  'managed policies per role': 10,
  'ingress rules per security group': 60,
  'egress rules per security group': 60,
  'key policy (bytes)': 32768,
  'bucket policy (bytes)': 20480,
  'template (bytes)': 1048576,
  'resources per template': 500,
};

const largest = (name: string): Measure => measures[name].reduce((a, b) => (b.value > a.value ? b : a), { what: '-', value: 0 });

beforeAll(() => {
  const rows = Object.keys(LIMITS).map((name) => {
    const max = largest(name);
    return [name, String(measures[name].length), String(LIMITS[name]), String(max.value), `${Math.round((1 - max.value / LIMITS[name]) * 100)}%`, max.what];
  });
  const header = ['limit', 'items', 'quota', 'largest', 'headroom', 'largest item'];
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((v, i) => v.padEnd(width[i])).join(' | ');
  console.log(`Deploy-time limits over ${templates.length} templates of the reference app and the 6 execution policies\n${[line(header), width.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n')}`);
});

describe('the limits AWS enforces at deploy time', () => {
  test('every template of the reference app is measured: 17 stacks (with 6 onboarding stacks) and 2 products', () => {
    expect(templates).toHaveLength(19);
    expect(measures['managed policy (characters)'].length).toBeGreaterThan(50);
    expect(measures['ingress rules per security group'].length).toBeGreaterThan(10);
  });

  test.each(Object.keys(LIMITS))('%s: every item within the quota', (name) => {
    expect(measures[name].filter((m) => m.value > LIMITS[name])).toEqual([]);
  });
});
