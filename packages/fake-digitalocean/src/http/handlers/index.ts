import { Handler } from '../types';
import { accountHandlers } from './account';
import { actionHandlers } from './actions';
import { dropletHandlers } from './droplets';
import { imageHandlers } from './images';

/** The fake's implementation of each operation of the contract, by operationId. */
export const handlers: Record<string, Handler> = {
  ...dropletHandlers,
  ...actionHandlers,
  ...imageHandlers,
  ...accountHandlers,
};
