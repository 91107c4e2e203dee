import { testFlow } from './engine/jest-flow';
import { SERVICE_CATALOG } from './flows/service-catalog';

testFlow(SERVICE_CATALOG);
