import type { BuildState } from '../builder';
import type { Droplet } from './types';

export interface DigitalOceanBuildState extends BuildState {
  keyId?: number;
  /** The build's temporary key pair (the private half never leaves this process and the temp dir). */
  privateKey?: string;
  dropletId?: number;
  droplet?: Droplet;
  host?: string;
  imageId?: number;
}
