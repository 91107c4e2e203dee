import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig, ServingMode } from '../../../src';
import { logicalIdOf, PolicyDocumentJson, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

/**
 * The inference API call in each stage: the handler function (in the stage VPC) invokes the endpoint
 * with its role (identity, boundary of the stage's platform stack), through the SageMaker Runtime
 * interface endpoint (the handler group's egress, the endpoint's ingress).
 */
const config = PlatformConfig.sample();
const platform = new MlopsPlatform(new App(), 'Platform', { config });
const all = { servingMode: ServingMode.ALWAYS_ON, inferenceApi: true };
const useCase = new MlopsUseCase(new App(), 'WeldGun', {
  platform: config,
  useCaseName: 'weld-gun-pm',
  pinnedModelPackageArn: 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7',
  dev: all,
  int: all,
  prod: all,
});

describe.each([
  [PlatformAccount.DEV, useCase.dev],
  [PlatformAccount.INT, useCase.int],
  [PlatformAccount.PROD, useCase.prod],
])('the %s inference API reaches its endpoint', (stage, serving) => {
  const account = config.account(stage).accountId;
  const template = Template.fromStack(serving).toJSON();

  test('the handler role may invoke this endpoint only', async () => {
    const policies = TemplatePolicies.fromStack(serving);
    const roleId = logicalIdOf(serving.inferenceApi!.node.findChild('HandlerRole'));
    const identityPolicies: PolicyDocumentJson[] = [];
    for (const [id, r] of Object.entries(template.Resources) as Array<[string, any]>) {
      if ((r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') && (r.Properties.Roles ?? []).some((x: any) => x?.Ref === roleId)) {
        identityPolicies.push(policies.policyDocument(id));
      }
    }
    expect(identityPolicies.length).toBeGreaterThan(0);
    const platformStack = platform.stack(stage);
    const platformPolicies = TemplatePolicies.fromStack(platformStack);
    const request = {
      principal: `arn:aws:iam::${account}:role/handler`,
      identityPolicies,
      permissionBoundaryPolicies: [platformPolicies.policyDocument(logicalIdOf(platformStack.guardrails.permissionsBoundary))],
      action: 'sagemaker:InvokeEndpoint',
    };
    expect(await simulate({ ...request, resource: `arn:aws:sagemaker:eu-central-1:${account}:endpoint/vwml-weld-gun-pm-${stage}` })).toBe('Allowed');
    expect(await simulate({ ...request, resource: `arn:aws:sagemaker:eu-central-1:${account}:endpoint/vwml-other-uc-${stage}` })).toBe('ImplicitlyDenied');
  });

  test('the handler reaches the SageMaker Runtime interface endpoint of the stage VPC on 443', () => {
    const cidr = config.account(stage).network!.cidr;
    const fn = (Object.values(template.Resources) as any[]).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.VpcConfig);
    expect(fn).toBeDefined();
    for (const sg of fn.Properties.VpcConfig.SecurityGroupIds) {
      const egress = template.Resources[sg['Fn::GetAtt'][0]].Properties.SecurityGroupEgress;
      expect(egress).toEqual(expect.arrayContaining([expect.objectContaining({ CidrIp: cidr, IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]));
    }
    const platformTemplate = Template.fromStack(platform.stack(stage)).toJSON();
    const runtime = (Object.values(platformTemplate.Resources) as any[]).filter(
      (r) => r.Type === 'AWS::EC2::VPCEndpoint' && JSON.stringify(r.Properties.ServiceName).includes('.sagemaker.runtime'),
    );
    expect(runtime).toHaveLength(1);
    expect(runtime[0].Properties.PrivateDnsEnabled).toBe(true);
    for (const sg of runtime[0].Properties.SecurityGroupIds) {
      expect(platformTemplate.Resources[sg['Fn::GetAtt'][0]].Properties.SecurityGroupIngress).toEqual(
        expect.arrayContaining([expect.objectContaining({ CidrIp: cidr, IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]),
      );
    }
  });
});
