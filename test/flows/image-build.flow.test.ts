import { testFlow } from './engine/jest-flow';
import { IMAGE_BUILD } from './flows/image-build';

testFlow(IMAGE_BUILD);
