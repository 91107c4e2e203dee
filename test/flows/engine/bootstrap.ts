/**
 * The CDK bootstrap roles of the platform's accounts, which no template of the app creates: they come
 * from `cdk bootstrap` as `PlatformBootstrap` (src/blueprint/bootstrap) prints it for the sample
 * configuration. The deploy and publishing roles trust the account itself and the `--trust` accounts
 * (RES for DEV, INT and PROD), as the CDK bootstrap template writes them; the CloudFormation
 * execution role trusts CloudFormation and has the least-privilege execution policy of the account.
 * Of the deploy role's own policy only its CloudFormation statement is modelled (read from the
 * bootstrap template of the installed CDK CLI).
 */
import * as fs from 'fs';
import { LabeledPolicy, RoleModel } from './model';
import { PlatformBootstrap } from '../../../src/blueprint/bootstrap/platform-bootstrap';
import { PlatformConfig } from '../../../src/blueprint/config/platform-config';

/** The bootstrap roles with their trust policies (labels start with `cdk-bootstrap|`). */
export interface BootstrapRoles {
  readonly roles: RoleModel[];
  /** Role ARN -> trust policy. */
  readonly trust: Map<string, LabeledPolicy>;
}

let cached: BootstrapRoles | undefined;

/**
 * The CloudFormation actions of the deploy role (`Sid: DeployPermissions` of the bootstrap template
 * that the installed CDK CLI deploys), read from that template.
 */
export function deployRoleCloudFormationActions(): string[] {
  const template = fs.readFileSync(require.resolve('aws-cdk/lib/api/bootstrap/bootstrap-template.yaml'), 'utf8');
  const block = /Sid: DeployPermissions\s+Effect: Allow\s+Action:\s+((?:- cloudformation:\w+\s+)+)Resource: "\*"/.exec(template);
  if (!block) throw new Error('flows: the CDK bootstrap template has no DeployPermissions statement of the expected form');
  return block[1].split(/\s+/).filter((x) => x.startsWith('cloudformation:'));
}

/** The bootstrap roles of every account of `PlatformConfig.sample()`. */
export function bootstrapRoles(): BootstrapRoles {
  if (cached) return cached;
  const config = PlatformConfig.sample();
  const roles: RoleModel[] = [];
  const trust = new Map<string, LabeledPolicy>();
  for (const b of PlatformBootstrap.forConfig(config)) {
    const role = (kind: string) => `cdk-${config.qualifier}-${kind}-role-${b.accountId}-${b.region}`;
    const arnOf = (name: string) => `arn:aws:iam::${b.accountId}:role/${name}`;
    const trustedRoots = [b.accountId, ...b.trustedAccountIds].map((a) => `arn:aws:iam::${a}:root`);
    for (const kind of ['deploy', 'file-publishing', 'image-publishing', 'lookup']) {
      trust.set(arnOf(role(kind)), {
        label: `cdk-bootstrap|${role(kind)}|AssumeRolePolicyDocument`,
        doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: trustedRoots }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] },
      });
    }
    roles.push({
      arn: arnOf(role('deploy')),
      stack: 'cdk-bootstrap',
      logicalId: role('deploy'),
      account: b.accountId,
      identity: [{
        label: `cdk-bootstrap|${role('deploy')}|DeployPermissions`,
        doc: { Version: '2012-10-17', Statement: [{ Sid: 'DeployPermissions', Effect: 'Allow', Action: deployRoleCloudFormationActions(), Resource: '*' }] },
      }],
      awsManaged: [],
      tags: {},
    });
    const exec = role('cfn-exec');
    trust.set(arnOf(exec), {
      label: `cdk-bootstrap|${exec}|AssumeRolePolicyDocument`,
      doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    });
    roles.push({
      arn: arnOf(exec),
      stack: 'cdk-bootstrap',
      logicalId: exec,
      account: b.accountId,
      identity: [{ label: `cdk-bootstrap|${b.executionPolicyName}-${b.accountId}|PolicyDocument`, doc: b.executionPolicyDocument }],
      awsManaged: [],
      tags: {},
    });
  }
  cached = { roles, trust };
  return cached;
}
