import { imageHandlers } from './images';
import { instanceHandlers } from './instances';
import { keyGroupHandlers } from './keys-groups';
import { networkHandlers } from './network';
import { tagHandlers } from './tags';
import type { Handler } from './types';

/** Every operation the fake serves, by EC2 Action name; the model knows the rest, and they are answered as unsupported. */
export const HANDLERS: Record<string, Handler> = { ...networkHandlers, ...imageHandlers, ...instanceHandlers, ...keyGroupHandlers, ...tagHandlers };
