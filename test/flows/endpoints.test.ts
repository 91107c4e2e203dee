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
