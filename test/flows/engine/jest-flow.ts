/**
 * Turns a flow into Jest tests: one test per request. A request must be allowed; a negative twin
 * must be denied at the stated stage for the stated reason; a request marked `knownDefect` must
 * still fail (so the marker is removed when the fix lands).
 */
import { ensureFlowAssembly, readFlowStacks } from './assembly';
import { describe as describeResult, evaluateRequest } from './evaluate';
import { buildFlowModel, FlowModel } from './model';
import { Flow } from './types';

let shared: FlowModel | undefined;

/** The model of the reference app (synthesized once per source state, read once per test file). */
export async function flowModel(): Promise<FlowModel> {
  if (!shared) {
    await ensureFlowAssembly();
    shared = buildFlowModel(readFlowStacks());
  }
  return shared;
}

/** Declares the tests of a flow. */
export function testFlow(flow: Flow): void {
  describe(`flow: ${flow.name}`, () => {
    let model: FlowModel;
    beforeAll(async () => {
      model = await flowModel();
    }, 300_000);
    for (const request of flow.requests) {
      if (request.deniedFor) {
        test(`DENIED ${request.step}`, async () => {
          const result = await evaluateRequest(model, request);
          expect(result.allowed).toBe(false);
          const expected = { stage: request.deniedFor!.stage, why: expect.stringContaining(request.deniedFor!.because) };
          expect({ stage: result.failure!.stage, why: result.failure!.why }).toEqual(expected);
        });
      } else if (request.knownDefect) {
        test(`known defect (${request.knownDefect}): ${request.step}`, async () => {
          const result = await evaluateRequest(model, request);
          expect(result.allowed).toBe(false);
        });
      } else {
        test(request.step, async () => {
          const result = await evaluateRequest(model, request);
          if (!result.allowed) throw new Error(describeResult(result));
          expect(result.reliedOn.length).toBeGreaterThan(0);
        });
      }
    }
  });
}
