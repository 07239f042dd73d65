import { Cloud } from '../cloud/cloud';
import { presentImage, presentInstance, presentKeyPair, presentSecurityGroup, presentSnapshot } from '../cloud/present';
import type { Value } from '../query/decode';

export interface RegionState {
  images: Value[];
  snapshots: Value[];
  instances: (Value & { containerId?: string; statusOk: boolean; error?: string })[];
  keyPairs: Value[];
  securityGroups: Value[];
}

export type FakeEc2State = Record<string, RegionState>;

/** Every region's resources as EC2 would describe them, with the fake's own details on instances. */
export function stateOf(cloud: Cloud): FakeEc2State {
  const state: FakeEc2State = {};
  for (const [name, region] of cloud.regions) {
    state[name] = {
      images: [...region.images.values()].map(presentImage),
      snapshots: [...region.snapshots.values()].map(presentSnapshot),
      instances: [...region.instances.values()].map((i) => ({
        ...(presentInstance(region, i) as object),
        containerId: i.containerId,
        statusOk: i.statusOk,
        error: i.error,
      })) as RegionState['instances'],
      keyPairs: [...region.keyPairs.values()].map(presentKeyPair),
      securityGroups: [...region.securityGroups.values()].map(presentSecurityGroup),
    };
  }
  return state;
}
