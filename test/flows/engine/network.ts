/**
 * The network path of a call made from inside a VPC: the caller's security group lets HTTPS out to
 * the service's endpoint, the VPC has an endpoint for the service (interface endpoints with private
 * DNS, so the SDK's default host name reaches it), and the endpoint's security group lets the caller in.
 *
 * A VPC marked as using the landing zone's shared interface endpoints (`sharedEndpoints` in the platform
 * configuration) has no interface endpoint of its own. Assumed, as the README documents: the landing
 * zone shares an endpoint for every service its flows call, its private hosted zone is associated with
 * the VPC, it is routed to the VPC and its security group admits HTTPS from the VPC. The caller's group
 * must still let HTTPS out to it: to any address, since the endpoint lives outside the VPC's CIDR.
 */
import { EndpointModel, FlowModel, SecurityGroupModel, SgRule } from './model';
import { display } from './names';

/** The VPC endpoint service an action goes through. */
export function endpointServiceOf(action: string): string {
  const [service, name] = action.split(':');
  if (service === 'sagemaker') return name === 'InvokeEndpoint' ? 'sagemaker.runtime' : 'sagemaker.api';
  if (service === 'ecr') return name === 'GetAuthorizationToken' ? 'ecr.api' : 'ecr.dkr';
  if (service === 'codeartifact') return name === 'ReadFromRepository' ? 'codeartifact.repositories' : 'codeartifact.api';
  if (service === 'cloudwatch') return 'monitoring';
  return service;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Whether CIDR `outer` contains all of CIDR `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const [oip, obits] = outer.split('/');
  const [iip, ibits] = inner.split('/');
  if (Number(ibits) < Number(obits)) return false;
  const size = 2 ** (32 - Number(obits));
  return Math.floor(ipToInt(iip) / size) === Math.floor(ipToInt(oip) / size);
}

function coversHttps(rule: SgRule): boolean {
  if (rule.protocol === '-1') return true;
  return rule.protocol === 'tcp' && (rule.fromPort ?? 0) <= 443 && (rule.toPort ?? 65535) >= 443;
}

/** The result of a network check. */
export interface NetworkCheck {
  readonly allowed: boolean;
  readonly why: string;
  readonly reliedOn: string[];
  /** The endpoint the call goes through (its policy applies, and `aws:SourceVpc`/`aws:SourceVpce` are set). */
  readonly endpoint?: EndpointModel;
}

/**
 * Checks the path from security group `groupId` to the endpoint of `service` in the group's VPC.
 * @param model the model
 * @param groupId the caller's security group id
 * @param service e.g. `s3`, `sagemaker.api`
 */
export function checkNetwork(model: FlowModel, groupId: string, service: string): NetworkCheck {
  const group = model.securityGroups.get(groupId);
  if (!group) throw new Error(`flows: no security group ${groupId}`);
  const cidr = model.vpcCidrs.get(group.vpcId);
  if (!cidr) throw new Error(`flows: the VPC ${group.vpcId} of ${display(group.label)} is in no template`);
  const endpoint = model.endpoints.find((e) => e.vpcId === group.vpcId && e.service === service);
  if (!endpoint && service !== 's3' && model.sharedEndpointVpcs.has(group.vpcId)) return checkSharedEndpoint(group, service);
  if (!endpoint) return { allowed: false, why: `no ${service} endpoint in the VPC of ${display(group.label)}`, reliedOn: [] };
  if (endpoint.type === 'Gateway') {
    const egress = group.rules.find((r) => r.direction === 'egress' && coversHttps(r) && (r.prefixListId !== undefined || r.cidr === '0.0.0.0/0'));
    if (!egress) return { allowed: false, why: `egress of ${display(group.label)} has no HTTPS rule to the ${service} prefix list`, reliedOn: [] };
    if (endpoint.routeTableIds.length === 0) return { allowed: false, why: `the ${service} gateway endpoint has no route tables`, reliedOn: [] };
    return { allowed: true, why: `egress ${display(egress.label)} to the ${service} gateway endpoint`, reliedOn: [egress.label], endpoint };
  }
  if (!endpoint.privateDns) return { allowed: false, why: `the ${service} endpoint has private DNS off`, reliedOn: [] };
  const targets = new Set(endpoint.securityGroupIds);
  const egress = group.rules.find((r) => r.direction === 'egress' && coversHttps(r) && ((r.cidr !== undefined && cidrContains(r.cidr, cidr)) || (r.peerGroupId !== undefined && targets.has(r.peerGroupId))));
  if (!egress) return { allowed: false, why: `egress of ${display(group.label)} has no HTTPS rule to the ${service} endpoint`, reliedOn: [] };
  for (const id of endpoint.securityGroupIds) {
    const target = model.securityGroups.get(id);
    const ingress = target?.rules.find((r) => r.direction === 'ingress' && coversHttps(r) && ((r.cidr !== undefined && cidrContains(r.cidr, cidr)) || r.peerGroupId === groupId));
    if (ingress) return { allowed: true, why: `egress ${display(egress.label)}, ingress ${display(ingress.label)}`, reliedOn: [egress.label, ingress.label], endpoint };
  }
  return { allowed: false, why: `the security groups of the ${service} endpoint let no HTTPS in from ${display(group.label)}`, reliedOn: [] };
}

/** The path to the landing zone's shared interface endpoint of `service` (outside the VPC): HTTPS egress to any address. */
function checkSharedEndpoint(group: SecurityGroupModel, service: string): NetworkCheck {
  const egress = group.rules.find((r) => r.direction === 'egress' && coversHttps(r) && r.cidr === '0.0.0.0/0');
  if (!egress) return { allowed: false, why: `egress of ${display(group.label)} has no HTTPS rule to the landing zone's shared ${service} endpoint (outside the VPC)`, reliedOn: [] };
  return { allowed: true, why: `egress ${display(egress.label)} to the landing zone's shared ${service} endpoint`, reliedOn: [egress.label] };
}
