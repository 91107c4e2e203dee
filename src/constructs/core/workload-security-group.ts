import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { acknowledgeRules } from './acknowledge';

/** Settings of a workload security group. @internal */
export interface WorkloadSecurityGroupOptions {
  /** the VPC */
  readonly vpc: ec2.IVpc;
  /** the VPC's CIDR: the interface endpoints are in it */
  readonly vpcCidr: string;
  /** the description */
  readonly description?: string;
  /** the S3 prefix list of the region, to narrow the HTTPS egress for S3 */
  readonly s3PrefixListId?: string;
}

const SELF_INGRESS_REASON =
  'All-protocol ingress only from members of this same security group: SageMaker distributed training (EFA, NCCL) and inter-container traffic encryption (IPsec: UDP 500 and ESP) need it; no address range is admitted.';

/**
 * A security group for SageMaker workloads (jobs, Studio apps, endpoints) in an isolated VPC: HTTPS to
 * the VPC CIDR (interface endpoints) and to S3 (the gateway endpoint: the S3 prefix list when given,
 * else any address, since the isolated subnets have no other route), and all traffic within the group.
 * @internal
 */
export function createWorkloadSecurityGroup(scope: Construct, id: string, options: WorkloadSecurityGroupOptions): ec2.SecurityGroup {
  const sg = new ec2.SecurityGroup(scope, id, {
    vpc: options.vpc,
    description: options.description ?? 'SageMaker workloads: HTTPS to the VPC endpoints and S3, all traffic within this group',
    allowAllOutbound: false,
  });
  sg.addEgressRule(ec2.Peer.ipv4(options.vpcCidr), ec2.Port.tcp(443), 'HTTPS to the VPC interface endpoints');
  if (options.s3PrefixListId !== undefined) {
    sg.addEgressRule(ec2.Peer.prefixList(options.s3PrefixListId), ec2.Port.tcp(443), 'HTTPS to S3 through the gateway endpoint');
  } else {
    // no internet gateway and no NAT: the only route for these addresses is the S3 gateway endpoint
    sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to S3 through the gateway endpoint (the only route out of the isolated subnets)');
  }
  sg.connections.allowInternally(ec2.Port.allTraffic(), 'All traffic between the instances and containers of one workload');
  // the self-referencing rule admits members of this group only, never an address range
  for (const child of sg.node.children) {
    if (child instanceof ec2.CfnSecurityGroupIngress) {
      acknowledgeRules(child, {
        'NIST.800.53.R5-EC2RestrictedCommonPorts': SELF_INGRESS_REASON,
        'HIPAA.Security-EC2RestrictedCommonPorts': SELF_INGRESS_REASON,
      });
    }
  }
  return sg;
}
