import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlatformAccount, PlatformConfig } from '../../../src';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'bad-configs');
const SAMPLE = path.join(__dirname, '..', '..', '..', 'samples', 'platform.json');
const manifest: Record<string, { description: string; paths: string[] }> = JSON.parse(
  fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf-8'),
);

/** The field paths named by an error message: the text before ': ' on every line after the first. */
function reportedPaths(message: string): string[] {
  const [header, ...lines] = message.split('\n');
  expect(header).toMatch(/^Invalid .+ \(\d+ problems?\):$/);
  return lines.map((l) => l.slice(0, l.indexOf(': ')));
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but none was thrown');
}

describe('the sample configuration', () => {
  test('samples/platform.json validates clean and equals PlatformConfig.sample()', () => {
    const fromFile = PlatformConfig.fromFile(SAMPLE);
    expect(PlatformConfig.validate(JSON.parse(fs.readFileSync(SAMPLE, 'utf-8')))).toEqual([]);
    expect(fromFile.toJson()).toEqual(PlatformConfig.sample().toJson());
  });

  test('exposes the accounts, prefix and qualifier', () => {
    const config = PlatformConfig.sample();
    expect(config.prefix).toBe('vwml');
    expect(config.qualifier).toBe('vwml');
    expect(config.account(PlatformAccount.PROD)).toEqual({
      accountId: '666666666666',
      region: 'eu-central-1',
      network: { cidr: '10.50.0.0/16', maxAzs: 3 },
    });
    const ids = Object.values(PlatformAccount).map((a) => config.account(a).accountId);
    expect(new Set(ids).size).toBe(6);
  });

  test('the qualifier defaults to the prefix without hyphens, cut to 10 characters', () => {
    const props = PlatformConfig.sample().toJson();
    delete props.qualifier;
    props.prefix = 'vw-mlopsplnt';
    expect(PlatformConfig.fromObject(props).qualifier).toBe('vwmlopspln');
  });

  test('reads YAML as well as JSON', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'platform.yaml');
    fs.writeFileSync(
      file,
      [
        'prefix: vwml',
        'accounts:',
        ...['data', 'exp', 'res', 'dev', 'int', 'prod'].map(
          (a, i) => `  ${a}: { accountId: "${String(i + 1).repeat(12)}", region: eu-west-1${a === 'data' || a === 'res' ? '' : `, network: { cidr: 10.${i}.0.0/16 }`} }`,
        ),
      ].join('\n'),
    );
    const config = PlatformConfig.fromFile(file);
    expect(config.account(PlatformAccount.EXP).network?.cidr).toBe('10.1.0.0/16');
    expect(config.qualifier).toBe('vwml');
  });

  test('allowSharedAccounts lets the stages share an account', () => {
    const props = PlatformConfig.sample().toJson();
    props.accounts.int.accountId = props.accounts.dev.accountId;
    expect(() => PlatformConfig.fromObject(props)).toThrow(/accounts\.int\.accountId: "444444444444" is also the DEV account/);
    props.allowSharedAccounts = true;
    expect(PlatformConfig.fromObject(props).allowSharedAccounts).toBe(true);
  });

  test('an imported VPC with two subnets in two zones validates', () => {
    const props = PlatformConfig.sample().toJson();
    props.accounts.dev.network = {
      cidr: '10.30.0.0/16',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
      availabilityZones: ['eu-central-1a', 'eu-central-1b'],
    };
    expect(PlatformConfig.validate(props)).toEqual([]);
  });

  test('the config is a copy: mutating the input later changes nothing', () => {
    const props = PlatformConfig.sample().toJson();
    const config = PlatformConfig.fromObject(props);
    props.accounts.dev.accountId = '999999999999';
    expect(config.account(PlatformAccount.DEV).accountId).toBe('444444444444');
  });
});

describe('malformed configurations', () => {
  const files = fs.readdirSync(FIXTURES).filter((f) => f !== 'expected.json');

  test('there are at least 30 fixtures and each is described in expected.json', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files.sort()).toEqual(Object.keys(manifest).sort());
  });

  test.each(files)('%s is rejected naming exactly the expected fields', (file) => {
    const err = errorOf(() => PlatformConfig.fromFile(path.join(FIXTURES, file)));
    const expected = manifest[file].paths;
    expect(err.message.split('\n')[0]).toBe(`Invalid ${file} (${expected.length} problem${expected.length === 1 ? '' : 's'}):`);
    expect(reportedPaths(err.message).sort()).toEqual([...expected].sort());
    // every problem says what to do, not only what is wrong
    for (const line of err.message.split('\n').slice(1)) {
      expect(line.length).toBeGreaterThan(line.indexOf(': ') + 20);
    }
  });
});

describe('messages name the field and the fix', () => {
  const sample = () => PlatformConfig.sample().toJson();

  test('a short account id', () => {
    const props = sample();
    props.accounts.int.accountId = '12345';
    expect(PlatformConfig.validate(props)).toEqual([
      'accounts.int.accountId: "12345" is not a 12-digit AWS account id; write exactly 12 digits, for example "123456789012"',
    ]);
  });

  test('a region typo gets a suggestion', () => {
    const props = sample();
    props.accounts.res.region = 'eu-cental-1';
    expect(PlatformConfig.validate(props)).toEqual(['accounts.res.region: "eu-cental-1" is not an AWS region; did you mean "eu-central-1"?']);
  });

  test('an unknown key gets a suggestion', () => {
    const props = sample();
    props.accounts.dev.netwrok = props.accounts.dev.network;
    delete props.accounts.dev.network;
    const problems = PlatformConfig.validate(props);
    expect(problems).toContain('accounts.dev.netwrok: unknown key; did you mean "network"?');
    expect(problems.some((p) => p.startsWith('accounts.dev.network: is required for DEV'))).toBe(true);
  });

  test('an account id written as a number', () => {
    const props = sample();
    props.accounts.prod.accountId = 12345678901;
    expect(PlatformConfig.validate(props)).toEqual([
      'accounts.prod.accountId: 12345678901 is a number; write the 12-digit account id as a string in quotes (a number loses leading zeros), for example "012345678901"',
    ]);
  });

  test('host bits in a CIDR', () => {
    const props = sample();
    props.accounts.int.network.cidr = '10.40.1.0/16';
    expect(PlatformConfig.validate(props)).toEqual([
      'accounts.int.network.cidr: "10.40.1.0/16" has host bits set; the block starts at 10.40.0.0, so write "10.40.0.0/16"',
    ]);
  });

  test('overlapping CIDRs name both accounts', () => {
    const props = sample();
    props.accounts.prod.network.cidr = '10.10.0.0/20';
    expect(PlatformConfig.validate(props)).toEqual([
      expect.stringMatching(/^accounts\.prod\.network\.cidr: "10\.10\.0\.0\/20" overlaps accounts\.exp\.network\.cidr "10\.10\.0\.0\/16"; /),
    ]);
  });

  test('a file that is not JSON names the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'platform.json');
    fs.writeFileSync(file, '{ "prefix": ');
    expect(() => PlatformConfig.fromFile(file)).toThrow(/platform\.json: not valid JSON/);
    expect(() => PlatformConfig.fromFile(path.join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read the platform configuration/);
  });

  test('a configuration that is not an object', () => {
    expect(PlatformConfig.validate([])).toEqual([expect.stringMatching(/^: must be an object with the keys prefix, /)]);
  });
});

describe('the platform sections', () => {
  const sample = () => PlatformConfig.sample().toJson();

  test('defaults: central image repositories, IAM Studio, no catalog principals', () => {
    const props = sample();
    delete props.imageRepositories;
    delete props.studio;
    const config = PlatformConfig.fromObject(props);
    expect(config.imageRepositories).toEqual(['ml-processing', 'ml-training', 'ml-inference']);
    expect(config.studio).toEqual({});
    expect(config.catalogPrincipalArns).toEqual([]);
    expect(config.allowedInstanceTypes).toBeUndefined();
  });

  test('a shared column that is not in the table names the table and suggests the column', () => {
    const props = sample();
    props.dataShare.tables[0].sharedColumns = ['curent_ka'];
    delete props.useCases; // its data access names columns that this change unshares
    delete props.studio; // its users work on the use cases
    expect(PlatformConfig.validate(props)).toEqual([
      'dataShare.tables[0].sharedColumns[0]: "curent_ka" is not a column of table "weld_readings"; did you mean "current_ka"?',
    ]);
  });

  test('an Identity Center user name on an IAM domain is refused', () => {
    const props = sample();
    props.studio.users[0].identityCenterUserName = 'jane@example.com';
    expect(PlatformConfig.validate(props)).toEqual([
      'studio.users[0].identityCenterUserName: is only used when studio.authMode is "SSO"; remove it, or set "authMode": "SSO"',
    ]);
  });

  test('studio.users[].useCase: required with useCases, and one of them', () => {
    const props = sample();
    props.studio.users = [{ userProfileName: 'jane' }, { userProfileName: 'joe', useCase: 'weld-gun' }];
    expect(PlatformConfig.validate(props)).toEqual([
      'studio.users[0].useCase: is required; add it, for example "useCase": "weld-gun-pm"',
      'studio.users[1].useCase: "weld-gun" is not a use case of useCases; write one of "weld-gun-pm"',
    ]);
    delete props.useCases;
    props.studio.users = [{ userProfileName: 'jane' }, { userProfileName: 'joe', useCase: 'weld-gun-pm' }];
    expect(PlatformConfig.validate(props)).toEqual([
      'studio.users[1].useCase: names "weld-gun-pm", but useCases lists no use case; add the use case to useCases or remove useCase',
    ]);
  });

  test('people must name exactly one way to sign in', () => {
    const props = sample();
    props.people = {};
    expect(PlatformConfig.validate(props)).toEqual([
      'people: set exactly one of identityCenterAccountId, samlProviderName, mfaAccountIds (found none); for example { "identityCenterAccountId": "999999999999" }',
    ]);
  });

  test('people.permissionSets: one valid, distinct permission set per persona, with Identity Center only', () => {
    const props = sample();
    props.people = {
      identityCenterAccountId: '999999999999',
      permissionSets: { dataScientist: 'DataScience', leadDataScientist: 'DataScience', mlopsEngineer: 'bad name', auditor: 'Audit' },
    };
    expect(PlatformConfig.validate(props)).toEqual([
      'people.permissionSets.mlopsEngineer: "bad name" is not a permission set name; use 1 to 32 of A-Z a-z 0-9 + = , . @ _ -',
      'people.permissionSets: names "DataScience" for more than one persona; give each persona its own permission set, so that signing in as one persona never grants another\'s role',
    ]);
    props.people = { samlProviderName: 'CorporateIdP', permissionSets: { dataScientist: 'A', leadDataScientist: 'B', mlopsEngineer: 'C' } };
    expect(PlatformConfig.validate(props)).toEqual([
      'people.permissionSets: names Identity Center permission sets, so it needs people.identityCenterAccountId; remove it or sign in through Identity Center',
      'people.permissionSets.auditor: is required; add it, for example "auditor": "MlopsAuditor"',
    ]);
    props.people = { identityCenterAccountId: '999999999999', permissionSets: { dataScientist: 'A', leadDataScientist: 'B', mlopsEngineer: 'C', auditor: 'D' } };
    expect(PlatformConfig.validate(props)).toEqual([]);
  });
});

describe('what the landing zone provides (landingZone, github.oidcProviderArn)', () => {
  const sample = () => PlatformConfig.sample().toJson();

  test('by default the platform creates everything', () => {
    expect(PlatformConfig.sample().landingZone).toEqual({});
    expect(PlatformConfig.sample().toJson().landingZone).toBeUndefined();
  });

  test('the switches and the provider ARN are kept, and survive toJson', () => {
    const props = sample();
    props.landingZone = { createConfigRecorder: false, enableSecurityHub: false };
    props.github = { organization: 'vw-mlops', oidcProviderArn: 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com' };
    const config = PlatformConfig.fromObject(props);
    expect(config.landingZone).toEqual({ createConfigRecorder: false, enableSecurityHub: false });
    expect(config.github?.oidcProviderArn).toBe('arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com');
    expect(PlatformConfig.fromObject(config.toJson()).toJson()).toEqual(config.toJson());
  });

  test('a provider ARN of another provider names the field and the fix', () => {
    const props = sample();
    props.github = { organization: 'vw-mlops', oidcProviderArn: 'arn:aws:iam::222222222222:oidc-provider/gitlab.com' };
    expect(PlatformConfig.validate(props)).toEqual([
      'github.oidcProviderArn: "arn:aws:iam::222222222222:oidc-provider/gitlab.com" is not the ARN of a GitHub OIDC provider; '
        + 'write "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com", or remove the key to let the platform create the provider',
    ]);
  });

  test('a switch that is not a boolean names the field', () => {
    const props = sample();
    props.landingZone = { createConfigRecorder: 'false' };
    expect(PlatformConfig.validate(props)).toEqual([
      'landingZone.createConfigRecorder: must be true or false, not "false"; write false where the landing zone provides it already',
    ]);
  });
});
