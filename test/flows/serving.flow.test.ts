import { testFlow } from './engine/jest-flow';
import { SERVING } from './flows/serving';

SERVING.forEach(testFlow);
