import * as fs from 'fs';
import * as path from 'path';
import { flowTable, withTable } from './table';

test('README.md holds the flow table generated from the flows (regenerate: npx ts-node --transpile-only --project tsconfig.dev.json test/flows/table.ts --write)', async () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const table = await flowTable();
  expect(table.split('\n').length).toBeGreaterThan(10);
  expect(readme).toEqual(withTable(readme, table));
}, 300_000);
