/**
 * Finds IAM actions that the roles of a template are granted by their identity policies but that
 * their permissions boundary does not allow (the request would be denied at run time).
 */
interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Condition?: unknown;
}

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

function matches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action);
}

/** Whether the boundary's Allow statements cover the action (conditions aside). */
export function boundaryAllows(boundary: { Statement: Statement[] }, action: string): boolean {
  return boundary.Statement.some((s) => s.Effect === 'Allow' && asArray(s.Action).some((p) => matches(p, action)));
}

/**
 * For every role of a synthesized template: the actions granted by its inline and attached managed
 * policies (of the same template) that the boundary document does not allow.
 */
export function actionsOutsideBoundary(template: any, boundary: { Statement: Statement[] }): Record<string, string[]> {
  const resources: Record<string, any> = template.Resources ?? {};
  const out: Record<string, string[]> = {};
  const roleIdOf = (ref: any): string | undefined => (ref && typeof ref === 'object' && 'Ref' in ref ? ref.Ref : undefined);
  const granted: Record<string, Set<string>> = {};
  const add = (role: string, statements: Statement[]) => {
    for (const s of statements) {
      if (s.Effect !== 'Allow') continue;
      for (const a of asArray(s.Action)) (granted[role] ??= new Set()).add(a);
    }
  };
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of asArray(r.Properties?.Policies)) add(id, asArray((p as any).PolicyDocument?.Statement));
    }
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      for (const role of asArray(r.Properties?.Roles)) {
        const roleId = roleIdOf(role);
        if (roleId) add(roleId, asArray(r.Properties.PolicyDocument?.Statement));
      }
    }
  }
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::Role') continue;
    for (const policyArn of asArray(r.Properties?.ManagedPolicyArns)) {
      const ref = roleIdOf(policyArn);
      if (ref && resources[ref]?.Type === 'AWS::IAM::ManagedPolicy') add(id, asArray(resources[ref].Properties.PolicyDocument?.Statement));
    }
    if (!r.Properties?.PermissionsBoundary) continue;
    // the boundary the role carries: a managed policy of this template (the Service Catalog launch role's own),
    // else the given one
    const own = roleIdOf(r.Properties.PermissionsBoundary);
    const carried = own && resources[own]?.Type === 'AWS::IAM::ManagedPolicy' ? resources[own].Properties.PolicyDocument : boundary;
    const outside = [...(granted[id] ?? [])].filter((a) => !boundaryAllows(carried, a.replace(/\*$/, 'X')) && !boundaryAllows(carried, a));
    if (outside.length > 0) out[id] = outside.sort();
  }
  return out;
}
