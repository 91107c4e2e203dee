import { PlatformAccount, PlatformBootstrap, PlatformConfig } from '../../../src';

describe('PlatformBootstrap', () => {
  const config = PlatformConfig.sample();
  const all = PlatformBootstrap.forConfig(config);

  test('one bootstrap per account, in deployment order', () => {
    expect(all.map((b) => b.account)).toEqual(['data', 'exp', 'res', 'dev', 'int', 'prod']);
    expect(all.map((b) => b.accountId)).toEqual(['111111111111', '222222222222', '333333333333', '444444444444', '555555555555', '666666666666']);
  });

  test('the exact cdk bootstrap command of a stage account trusts RES, with the qualifier and the least-privilege policy', () => {
    const dev = PlatformBootstrap.forAccount(config, PlatformAccount.DEV);
    expect(dev.bootstrapCommand).toBe(
      'npx cdk bootstrap aws://444444444444/eu-central-1 --qualifier vwml --toolkit-stack-name vwml-cdk-toolkit ' +
        '--cloudformation-execution-policies arn:aws:iam::444444444444:policy/vwml-cdk-cfn-exec --trust 333333333333 ' +
        '--termination-protection --tags cost-center=mlops-platform --tags managed-by=mlops-blueprint',
    );
    expect(dev.trustedAccountIds).toEqual(['333333333333']);
  });

  test('DATA, EXP and RES trust nobody; DEV, INT and PROD trust RES', () => {
    expect(Object.fromEntries(all.map((b) => [b.account, b.trustedAccountIds]))).toEqual({
      data: [],
      exp: [],
      res: [],
      dev: ['333333333333'],
      int: ['333333333333'],
      prod: ['333333333333'],
    });
    for (const b of all) {
      expect(b.bootstrapCommand).toContain('--qualifier vwml ');
      expect(b.bootstrapCommand).not.toMatch(/AdministratorAccess|hnb659fds/);
    }
  });

  test('the execution policy is scoped to the services of the account and denies what CloudFormation never needs', () => {
    const data = PlatformBootstrap.forAccount(config, PlatformAccount.DATA).executionPolicyDocument;
    const prod = PlatformBootstrap.forAccount(config, PlatformAccount.PROD).executionPolicyDocument;
    const services = (doc: any) => doc.Statement.find((s: any) => s.Sid === 'ManagePlatformServicesInTheRegion');
    expect(services(data).Action).toContain('glue:*');
    expect(services(data).Action).not.toContain('sagemaker:*');
    expect(services(prod).Action).toContain('sagemaker:*');
    expect(services(prod).Action).not.toContain('glue:*');
    for (const doc of [data, prod]) {
      expect(JSON.stringify(doc)).not.toMatch(/"Action":"\*"|"\*:\*"/);
      expect(services(doc).Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': 'eu-central-1' } });
      const create = doc.Statement.find((s: any) => s.Sid === 'CreateRolesOnlyWithThePermissionsBoundary');
      expect(create.Condition.StringEquals['iam:PermissionsBoundary']).toMatch(/^arn:aws:iam::\d{12}:policy\/vwml-PermissionsBoundary$/);
      const deny = doc.Statement.find((s: any) => s.Sid === 'NoLongTermCredentialsOrAccountChanges');
      expect(deny.Effect).toBe('Deny');
      expect(deny.Action).toEqual(expect.arrayContaining(['iam:CreateUser', 'iam:CreateAccessKey', 'organizations:*']));
    }
  });

  test('the script creates each policy before bootstrapping each account', () => {
    const script = PlatformBootstrap.script(config);
    const lines = script.split('\n');
    const creates = lines.filter((l) => l.startsWith('aws iam create-policy'));
    const boots = lines.filter((l) => l.startsWith('npx cdk bootstrap'));
    expect(creates).toHaveLength(6);
    expect(boots).toHaveLength(6);
    for (let i = 0; i < 6; i++) expect(lines.indexOf(creates[i])).toBeLessThan(lines.indexOf(boots[i]));
    expect(creates[0]).toContain('--policy-document file://data-111111111111-cfn-exec-policy.json');
  });

  test('GovCloud and China regions use their partition', () => {
    const props = config.toJson();
    props.accounts.prod.region = 'cn-north-1';
    const prod = PlatformBootstrap.forAccount(PlatformConfig.fromObject(props), PlatformAccount.PROD);
    expect(prod.executionPolicyArn).toBe('arn:aws-cn:iam::666666666666:policy/vwml-cdk-cfn-exec');
  });
});
