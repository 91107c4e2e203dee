/**
 * Mutations of the synthesized templates for the mutation run: remove one policy statement or one
 * security-group rule, identified by the label the model gave it, from a copy of the stacks.
 */
import { FlowStack } from './assembly';

const asArray = (v: unknown): any[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Whether an id (statement or rule) comes from a template (others are AWS-owned or bootstrap facts). */
export function isTemplateId(id: string): boolean {
  return !id.startsWith('aws-owned|') && !id.startsWith('cdk-bootstrap|');
}

function remove(stacks: FlowStack[], label: string, index?: number): void {
  const [stackName, logicalId, path] = label.split('|');
  const stack = stacks.find((s) => s.name === stackName);
  const resource = stack?.template.Resources?.[logicalId];
  if (!stack || !resource) throw new Error(`mutation: no ${logicalId} in ${stackName}`);
  if (path === '' || path === 'Statement') {
    // A stand-alone rule or an EventBusPolicy statement: the resource is the element.
    delete stack.template.Resources[logicalId];
    return;
  }
  const parts = path.split('.');
  let parent: any = resource.Properties;
  for (const part of parts.slice(0, -1)) parent = parent[/^\d+$/.test(part) ? Number(part) : part];
  const last = parts[parts.length - 1];
  if (index === undefined) {
    // A rule inside the group: SecurityGroupEgress.3
    const [, listName, i] = /^(.*)\.(\d+)$/.exec(path) ?? [];
    const list = asArray(resource.Properties[listName]);
    list.splice(Number(i), 1);
    resource.Properties[listName] = list;
    return;
  }
  const doc = parent[last];
  const statements = asArray(doc.Statement);
  statements.splice(index - 1, 1);
  doc.Statement = statements;
}

/**
 * A copy of the stacks without one statement (`label#index`, index from 1) or one rule (`label`).
 * @param stacks the stacks (not changed)
 * @param id the statement or rule id
 */
export function withoutElement(stacks: FlowStack[], id: string): FlowStack[] {
  const copy: FlowStack[] = stacks.map((s) => ({ ...s, template: structuredClone(s.template) }));
  const hash = id.lastIndexOf('#');
  if (hash < 0) {
    remove(copy, id);
    return copy;
  }
  const labels = id.slice(0, hash).split('+');
  let index = Number(id.slice(hash + 1));
  if (labels.length === 1) {
    remove(copy, labels[0], index);
    return copy;
  }
  // A policy merged from several resources (EventBusPolicy, Lambda::Permission): find the resource of the index-th statement.
  for (const label of labels) {
    const [stackName, logicalId, path] = label.split('|');
    const props = stacks.find((s) => s.name === stackName)!.template.Resources[logicalId].Properties;
    // EventBusPolicy statements and Lambda permissions are one statement per resource.
    const single = path === '' || path === 'Statement' || props.Statement !== undefined;
    const count = single ? 1 : asArray(props.Policy?.Statement).length;
    if (index <= count) {
      remove(copy, label, single ? undefined : index);
      return copy;
    }
    index -= count;
  }
  throw new Error(`mutation: statement ${id} not found`);
}
