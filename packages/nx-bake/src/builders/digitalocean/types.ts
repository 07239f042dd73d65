/** The parts of DigitalOcean's API objects the builder reads. */
export interface DropletNetwork {
  ip_address: string;
  type: 'public' | 'private';
}

export interface Droplet {
  id: number;
  name: string;
  status: 'new' | 'active' | 'off' | 'archive';
  networks: { v4: DropletNetwork[] };
  snapshot_ids?: number[];
  tags?: string[];
  created_at?: string;
}

export interface Action {
  id: number;
  status: 'in-progress' | 'completed' | 'errored';
  type: string;
}

export interface Image {
  id: number;
  name: string;
  type?: string;
  regions: string[];
  tags?: string[];
  created_at?: string;
  size_gigabytes?: number;
}

export interface SshKey {
  id: number;
  fingerprint: string;
  name: string;
}
