/** Readable names of statements, policies and rules for messages and the README table. */

/**
 * `WeldGunTraining|BuildPipelineDataAccessPolicy3786006D|PolicyDocument#3` ->
 * `WeldGunTraining/BuildPipelineDataAccessPolicy#3` (or `:Sid` when given); a label without `#`
 * (a policy or a rule) -> `Stack/LogicalIdWithoutHash`.
 * @param id a statement id, policy label or rule label
 * @param sid the statement's Sid, if any
 */
export function display(id: string, sid?: string): string {
  const [label, index] = id.split('#');
  const [stack, logicalId, path] = label.split('+')[0].split('|');
  if (logicalId === undefined) return id;
  const rule = /^SecurityGroup(Ingress|Egress)\.(\d+)$/.exec(path ?? '');
  const suffix = rule ? ` ${rule[1].toLowerCase()} rule ${Number(rule[2]) + 1}` : sid ? `:${sid}` : index ? `#${index}` : '';
  return `${stack}/${logicalId.replace(/[0-9A-F]{8}$/, '')}${suffix}`;
}
