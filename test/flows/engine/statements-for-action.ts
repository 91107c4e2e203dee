/**
 * The statements of a policy that can apply to one action. The simulator evaluates the resource, action and
 * condition blocks of every statement of every policy for its explanation, also of statements whose action
 * can never match the request, and that is most of the engine's time (the tenancy measurement evaluates
 * 100,000+ requests against policies of 20 to 60 statements). A statement whose `Action` matches no pattern of
 * the request's action, or whose `NotAction` matches it, neither allows nor denies that action, so leaving it
 * out changes no decision. The statements kept remember their index in the whole policy, so that what an Allow
 * relied on is still named `label#index` of the template's statement (the mutation run removes that one).
 */
import { LabeledPolicy } from './model';
import { PolicyDocumentJson } from '../../helpers/iam-simulator';

/** A policy cut to the statements that can apply to one action. */
export interface PolicyForAction {
  /** The document with those statements (at least one: a policy needs a statement). */
  readonly doc: PolicyDocumentJson;
  /** For each statement of `doc`, its index in the whole policy. */
  readonly originalIndex: number[];
}

const PATTERNS = new Map<string, RegExp>();

/** An IAM action pattern (`*` any characters, `?` one, case-insensitive) as a regular expression. */
function patternOf(pattern: string): RegExp {
  let re = PATTERNS.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 'i');
    PATTERNS.set(pattern, re);
  }
  return re;
}

function matchesAny(patterns: unknown, action: string): boolean {
  const list = Array.isArray(patterns) ? patterns : [patterns];
  // anything but strings (an unresolved token) is kept: the simulator decides
  return list.some((p) => typeof p !== 'string' || patternOf(p).test(action));
}

/** Whether a statement can apply to the action (an unreadable statement is kept). */
export function statementCanApply(statement: any, action: string): boolean {
  if (statement.Action !== undefined) return matchesAny(statement.Action, action);
  if (statement.NotAction !== undefined) {
    const list = Array.isArray(statement.NotAction) ? statement.NotAction : [statement.NotAction];
    // applies when no pattern matches (a pattern that is not a string is left to the simulator)
    return list.some((p: unknown) => typeof p !== 'string') || !list.some((p: string) => patternOf(p).test(action));
  }
  return true;
}

const CACHE = new WeakMap<LabeledPolicy, Map<string, PolicyForAction>>();

/** Whether policies are cut (the engine's test switches it off to show the cut changes no outcome). */
export const STATEMENT_CUT = { enabled: true };

/**
 * The policy cut to the statements that can apply to `action` (cached per policy and action); when none can,
 * its first statement stays, which does not apply either (an empty boundary still allows nothing); a policy
 * without statements stays as it is.
 * @param policy the policy
 * @param action the request's action
 * @param encode what the engine does to every document before the simulator sees it
 */
export function policyForAction(policy: LabeledPolicy, action: string, encode: (doc: PolicyDocumentJson) => PolicyDocumentJson): PolicyForAction {
  if (!STATEMENT_CUT.enabled) {
    const count = Array.isArray(policy.doc.Statement) ? policy.doc.Statement.length : 1;
    return { doc: encode(policy.doc), originalIndex: Array.from({ length: count }, (_, i) => i) };
  }
  let byAction = CACHE.get(policy);
  if (!byAction) {
    byAction = new Map();
    CACHE.set(policy, byAction);
  }
  let cut = byAction.get(action);
  if (!cut) {
    const all: any[] = Array.isArray(policy.doc.Statement) ? policy.doc.Statement : [policy.doc.Statement];
    let originalIndex = all.map((_, i) => i).filter((i) => statementCanApply(all[i], action));
    if (originalIndex.length === 0) originalIndex = all.length > 0 ? [0] : [];
    // a policy without statements (the mutation run removes a policy's only one) goes to the simulator as it is
    cut = all.length === 0
      ? { doc: encode(policy.doc), originalIndex }
      : { doc: encode({ ...policy.doc, Statement: originalIndex.map((i) => all[i]) }), originalIndex };
    byAction.set(action, cut);
  }
  return cut;
}
