/**
 * The engine cuts each policy to the statements that can apply to a request's action before simulating
 * (`engine/statements-for-action.ts`): the cut matches actions as IAM does, keeps the template's statement
 * indices, and changes no outcome of any flow request (decision, failing check, reason, what an Allow relied on).
 */
import { evaluateRequest, RequestResult } from './engine/evaluate';
import { flowModel } from './engine/jest-flow';
import { FlowModel } from './engine/model';
import { policyForAction, STATEMENT_CUT, statementCanApply } from './engine/statements-for-action';
import { ALL_FLOWS } from './flows';

describe('statementCanApply matches actions as IAM does', () => {
  test.each([
    [{ Action: 's3:GetObject' }, 's3:GetObject', true],
    [{ Action: 'S3:getobject' }, 's3:GetObject', true],
    [{ Action: ['kms:*', 's3:Get*'] }, 's3:GetObjectVersion', true],
    [{ Action: 's3:Get*' }, 's3:PutObject', false],
    [{ Action: 's3:?etObject' }, 's3:GetObject', true],
    [{ Action: 's3:?etObject' }, 's3:GetObjects', false],
    [{ Action: '*' }, 'sagemaker:CreateModel', true],
    [{ Action: 'sagemaker:Create*' }, 'sagemakerx:CreateModel', false],
    [{ NotAction: 'kms:*' }, 's3:GetObject', true],
    [{ NotAction: ['kms:*', 's3:*'] }, 's3:GetObject', false],
    [{ NotAction: 'KMS:Decrypt' }, 'kms:Decrypt', false],
    // an action that is not a string (an unresolved token) is left to the simulator
    [{ Action: [{ Ref: 'X' }] }, 's3:GetObject', true],
    [{ NotAction: [{ Ref: 'X' }] }, 's3:GetObject', true],
    [{}, 's3:GetObject', true],
  ])('%j for %s: %s', (statement, action, expected) => {
    expect(statementCanApply(statement, action)).toBe(expected);
  });
});

test('a cut keeps the statements that can apply with their indices in the whole policy, or the first when none can', () => {
  const policy = {
    label: 'S|P|PolicyDocument',
    doc: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' },
        { Effect: 'Deny', NotAction: 's3:*', Resource: '*' },
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      ],
    },
  };
  const identity = (d: any) => d;
  expect(policyForAction(policy, 's3:GetObject', identity).originalIndex).toEqual([0, 3]);
  expect(policyForAction(policy, 'kms:Decrypt', identity).originalIndex).toEqual([1, 2]);
  const none = policyForAction(policy, 'ec2:RunInstances', identity);
  expect(none.originalIndex).toEqual([2]);
  expect(none.doc.Statement).toEqual([policy.doc.Statement[2]]);
  const noMatch = policyForAction({ label: 'x', doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } }, 'kms:Decrypt', identity);
  expect(noMatch.originalIndex).toEqual([0]);
  // the mutation run removes the only statement of a policy: the policy goes to the simulator as it is
  const empty = { label: 'e', doc: { Version: '2012-10-17', Statement: [] } };
  expect(policyForAction(empty, 's3:GetObject', identity)).toEqual({ doc: empty.doc, originalIndex: [] });
});

describe('every flow request has the same outcome with whole policies and with cut ones', () => {
  let model: FlowModel;
  beforeAll(async () => {
    model = await flowModel();
  }, 300_000);
  afterEach(() => {
    STATEMENT_CUT.enabled = true;
  });

  const outcome = (r: RequestResult) => ({ allowed: r.allowed, failure: r.failure, reliedOn: [...r.reliedOn].sort(), checks: r.checks });

  test.each(ALL_FLOWS.map((f) => [f.id, f] as const))('%s', async (_id, flow) => {
    const cut: unknown[] = [];
    for (const request of flow.requests) cut.push(outcome(await evaluateRequest(model, request)));
    STATEMENT_CUT.enabled = false;
    const whole: unknown[] = [];
    for (const request of flow.requests) whole.push(outcome(await evaluateRequest(model, request)));
    expect(flow.requests.length).toBeGreaterThan(0);
    expect(cut).toEqual(whole);
  });
});
