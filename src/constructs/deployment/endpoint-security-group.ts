import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

const PREFIX_LIST_ID = /^pl-[0-9a-f]{8,17}$/;

/**
 * The security group of an endpoint's model network interfaces. The containers run with network
 * isolation, but with a `VpcConfig` SageMaker itself fetches the model artifact from S3, and the image
 * layers and keys through the VPC (ECR, KMS, CloudWatch Logs interface endpoints): HTTPS out to the S3
 * prefix list and the VPC CIDR when the prefix list is known, else HTTPS to any address (an isolated
 * subnet routes only to the S3 gateway endpoint and within the VPC). No ingress.
 * @internal
 */
export function createEndpointSecurityGroup(
  scope: Construct,
  id: string,
  vpc: ec2.IVpc,
  endpointName: string,
  s3PrefixListId: string | undefined,
): ec2.SecurityGroup {
  if (s3PrefixListId !== undefined && !Token.isUnresolved(s3PrefixListId) && !PREFIX_LIST_ID.test(s3PrefixListId)) {
    throw new Error(
      `RealtimeEndpoint: s3PrefixListId ${JSON.stringify(s3PrefixListId)} is not a prefix list id; write e.g. "pl-6ea54007" (aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.<region>.s3)`,
    );
  }
  const sg = new ec2.SecurityGroup(scope, id, {
    vpc,
    allowAllOutbound: false,
    description: `Network interfaces of the SageMaker endpoint ${endpointName}: HTTPS to S3 and the VPC endpoints (model artifact, image, keys, logs)`,
  });
  if (s3PrefixListId !== undefined) {
    sg.addEgressRule(ec2.Peer.prefixList(s3PrefixListId), ec2.Port.tcp(443), 'HTTPS to S3 through the gateway endpoint (model artifact)');
    sg.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS to the VPC interface endpoints (ECR, KMS, CloudWatch Logs)');
  } else {
    sg.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to the S3 gateway endpoint and the VPC interface endpoints (ECR, KMS, logs); the isolated subnets have no other route',
    );
  }
  return sg;
}
