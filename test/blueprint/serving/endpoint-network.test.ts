import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig } from '../../../src';

/**
 * Defect 10: with VpcConfig, SageMaker fetches the model artifact (S3) and the image (ECR), and writes
 * CloudWatch Logs, through the endpoint's network interfaces (KMS it reaches only through S3, on the
 * service side: issue 18 took the kms endpoint out of the stage VPCs). The network path of each call: the
 * endpoint security group's egress, an endpoint for the service in the stage VPC, and that endpoint's
 * ingress.
 */
const config = PlatformConfig.sample();
const platform = new MlopsPlatform(new App(), 'Platform', { config });
const useCase = new MlopsUseCase(new App(), 'WeldGun', { platform: config, useCaseName: 'weld-gun-pm', pinnedModelPackageArn: 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7' });

/** Whether a CIDR (a.b.c.d/n) contains every address of another. */
function contains(outer: string, inner: string): boolean {
  const toInt = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const [oip, olen] = outer.split('/');
  const [iip, ilen] = inner.split('/');
  if (Number(ilen) < Number(olen)) return false;
  const size = 2 ** (32 - Number(olen));
  return Math.floor(toInt(oip) / size) === Math.floor(toInt(iip) / size);
}

describe.each([
  [PlatformAccount.DEV, useCase.dev],
  [PlatformAccount.INT, useCase.int],
  [PlatformAccount.PROD, useCase.prod],
])('the %s endpoint reaches S3, ECR and CloudWatch Logs from its VPC', (stage, serving) => {
  test('egress 443 of the endpoint group covers the VPC (interface endpoints) and S3 (gateway endpoint)', () => {
    const vpcCidr = config.account(stage).network!.cidr;
    const template = Template.fromStack(serving).toJSON();
    const model = (Object.values(template.Resources) as any[]).find((r) => r.Type === 'AWS::SageMaker::Model');
    const groupIds: any[] = model.Properties.VpcConfig.SecurityGroupIds;
    expect(groupIds).toHaveLength(1);
    const group = template.Resources[groupIds[0]['Fn::GetAtt'][0]];
    const https = (group.Properties.SecurityGroupEgress ?? []).filter((r: any) => r.IpProtocol === 'tcp' && r.FromPort <= 443 && r.ToPort >= 443);
    // the VPC CIDR (ECR and logs interface endpoints)
    expect(https.some((r: any) => r.CidrIp && contains(r.CidrIp, vpcCidr))).toBe(true);
    // S3 through the gateway endpoint: the S3 prefix list, or any address (an isolated subnet routes only there)
    expect(https.some((r: any) => r.CidrIp === '0.0.0.0/0' || r.DestinationPrefixListId)).toBe(true);
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('the stage VPC has the S3 gateway endpoint and the ECR, logs and runtime interface endpoints, open to the VPC on 443', () => {
    const platformTemplate = Template.fromStack(platform.stack(stage)).toJSON();
    const endpoints = (Object.values(platformTemplate.Resources) as any[]).filter((r) => r.Type === 'AWS::EC2::VPCEndpoint');
    const service = (r: any) => JSON.stringify(r.Properties.ServiceName);
    expect(endpoints.some((r) => service(r).includes('.s3') && r.Properties.VpcEndpointType === 'Gateway')).toBe(true);
    for (const name of ['.ecr.api', '.ecr.dkr', '.logs', '.monitoring', '.sagemaker.runtime']) {
      const found = endpoints.filter((r) => service(r).includes(name) && r.Properties.VpcEndpointType === 'Interface');
      expect([name, found.length]).toEqual([name, 1]);
      for (const sg of found[0].Properties.SecurityGroupIds) {
        const ingress = platformTemplate.Resources[sg['Fn::GetAtt'][0]].Properties.SecurityGroupIngress;
        expect(ingress).toEqual(expect.arrayContaining([expect.objectContaining({ CidrIp: config.account(stage).network!.cidr, IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]));
      }
    }
  });
});
