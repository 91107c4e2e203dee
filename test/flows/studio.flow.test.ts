import { testFlow } from './engine/jest-flow';
import { STUDIO } from './flows/studio';

testFlow(STUDIO);
