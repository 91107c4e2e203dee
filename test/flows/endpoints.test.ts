/**
 * Each interface endpoint of the platform is there because a flow goes through it (issue 18: an endpoint
 * costs per zone and hour whether used or not), and each network leg of a flow finds its endpoint.
 */
import { readFlowStacks } from './engine/assembly';
import { evaluateRequest, expand } from './engine/evaluate';
import { flowModel } from './engine/jest-flow';
import { buildFlowModel, FlowModel } from './engine/model';
import { display } from './engine/names';
import { endpointServiceOf } from './engine/network';
import { FlowRequest } from './engine/types';
import { ALL_FLOWS } from './flows';
import { servingFlow } from './flows/serving';
import { SHARED_ENDPOINTS_METADATA } from '../../src/blueprint/platform/platform-account-stack';

let model: FlowModel;
beforeAll(async () => {
  model = await flowModel();
}, 300_000);

/** `vpcId|service` of every network leg of a request that must succeed. */
function usedEndpoints(m: FlowModel, requests: FlowRequest[]): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const request of requests) {
    if (!request.network || request.deniedFor || request.knownDefect) continue;
    const from = request.network.from;
    const groupId = expand(m, from.includes('/') ? `\${${from}.GroupId}` : from);
    const group = m.securityGroups.get(groupId);
    if (!group) throw new Error(`flows: no security group ${from}`);
    const key = `${group.vpcId}|${request.network.endpoint ?? endpointServiceOf(request.action)}`;
    used.set(key, [...(used.get(key) ?? []), request.step]);
  }
  return used;
}

/**
 * Endpoints the blueprint keeps although no request of the reference app's flows goes through them yet,
 * each with its reason (`Stack/LogicalId` prefix -> why). Remove an entry when a flow request covers it.
 */
const KEPT_WITHOUT_FLOW: Record<string, string> = {
  'PlatformDev/NetworkSageMakerRuntime': 'the inference API of an always-on DEV stage (test/blueprint/serving/inference-api-path.test.ts); the reference app\'s DEV scales to zero and has none',
  'PlatformInt/NetworkSageMakerRuntime': 'as DEV',
};

/** The interface endpoints of the templates that no request of `requests` goes through, as `label (service)`. */
function unusedInterfaceEndpoints(m: FlowModel, requests: FlowRequest[]): string[] {
  const used = usedEndpoints(m, requests);
  return m.endpoints
    .filter((e) => e.type === 'Interface' && !used.has(`${e.vpcId}|${e.service}`) && KEPT_WITHOUT_FLOW[display(e.label)] === undefined)
    .map((e) => `${display(e.label)} (${e.service})`);
}

test('every interface endpoint of the reference app carries a request of a flow', () => {
  const requests = ALL_FLOWS.flatMap((f) => f.requests);
  expect(model.endpoints.filter((e) => e.type === 'Interface').length).toBeGreaterThan(0);
  expect(unusedInterfaceEndpoints(model, requests)).toEqual([]);
});

test('an interface endpoint that no flow request goes through is reported (the PROD runtime endpoint without the serving flow of PROD)', () => {
  const prod = servingFlow('PROD');
  const others = ALL_FLOWS.filter((f) => f.id !== prod.id).flatMap((f) => f.requests);
  const unused = unusedInterfaceEndpoints(model, others);
  expect(unused).toEqual(expect.arrayContaining([expect.stringMatching(/^PlatformProd\/NetworkSageMakerRuntime.* \(sagemaker\.runtime\)$/)]));
  expect(unused.every((u) => u.startsWith('PlatformProd/'))).toBe(true);
});

test('a network leg fails when the account has no endpoint for the service', async () => {
  const request = servingFlow('PROD').requests.find((r) => r.network && endpointServiceOf(r.action) === 'sagemaker.runtime');
  expect(request).toBeDefined();
  expect((await evaluateRequest(model, request!)).allowed).toBe(true);
  const stacks = readFlowStacks().map((s) => ({ ...s, template: structuredClone(s.template) }));
  const prod = stacks.find((s) => s.name === 'PlatformProd')!;
  delete prod.template.Resources[model.logicalId('PlatformProd', 'NetworkSageMakerRuntime')];
  const result = await evaluateRequest(buildFlowModel(stacks), request!);
  expect(result.failure).toMatchObject({ stage: 'network', why: expect.stringContaining('no sagemaker.runtime endpoint in the VPC of') });
});

describe('an account that uses the landing zone\'s shared interface endpoints (sharedEndpoints)', () => {
  /** The reference app with DEV's interface endpoints removed, and DEV's endpoint group marked as the blueprint does, or not. */
  function devWithoutEndpoints(marked: boolean): FlowModel {
    const stacks = readFlowStacks().map((s) => ({ ...s, template: structuredClone(s.template) }));
    const dev = stacks.find((s) => s.name === 'PlatformDev')!;
    for (const [id, r] of Object.entries<any>(dev.template.Resources)) {
      if (r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties.VpcEndpointType === 'Interface') delete dev.template.Resources[id];
    }
    if (marked) dev.template.Resources[model.logicalId('PlatformDev', 'NetworkEndpointSecurityGroup')].Metadata = { [SHARED_ENDPOINTS_METADATA]: 'shared' };
    return buildFlowModel(stacks);
  }
  const legs = servingFlow('DEV').requests.filter((r) => r.network && !r.deniedFor && endpointServiceOf(r.action) !== 's3');

  test('the network legs of DEV reach the shared endpoints through the callers\' HTTPS egress to any address', async () => {
    expect(legs.length).toBeGreaterThan(2);
    const shared = devWithoutEndpoints(true);
    for (const request of legs) {
      const result = await evaluateRequest(shared, request);
      expect([request.step, result.allowed]).toEqual([request.step, true]);
      expect(result.checks.find((c) => c.stage === 'network')?.why).toContain('the landing zone\'s shared');
    }
    expect(unusedInterfaceEndpoints(shared, ALL_FLOWS.flatMap((f) => f.requests)).filter((e) => e.startsWith('PlatformDev/'))).toEqual([]);
  });

  test('without the marker the same legs find no endpoint, and S3 still needs the gateway endpoint', async () => {
    const unmarked = devWithoutEndpoints(false);
    for (const request of legs) {
      expect((await evaluateRequest(unmarked, request)).failure).toMatchObject({ stage: 'network', why: expect.stringContaining('endpoint in the VPC of') });
    }
    const stacks = readFlowStacks().map((s) => ({ ...s, template: structuredClone(s.template) }));
    const dev = stacks.find((s) => s.name === 'PlatformDev')!;
    dev.template.Resources[model.logicalId('PlatformDev', 'NetworkEndpointSecurityGroup')].Metadata = { [SHARED_ENDPOINTS_METADATA]: 'shared' };
    delete dev.template.Resources[model.logicalId('PlatformDev', 'NetworkS3')];
    const s3Leg = servingFlow('DEV').requests.find((r) => r.network && endpointServiceOf(r.action) === 's3' && !r.deniedFor)!;
    expect((await evaluateRequest(buildFlowModel(stacks), s3Leg)).failure).toMatchObject({ stage: 'network', why: expect.stringContaining('no s3 endpoint') });
  });
});
