import { labelled as labelledBy } from '../../../fake-digitalocean/test/support/docker';
import { EC2_LABEL } from '../../src';

/** Containers and images the fake EC2 `fakeId` made and still has: what a leak check expects to be empty. */
export const labelled = (fakeId: string): ReturnType<typeof labelledBy> => labelledBy(fakeId, EC2_LABEL.instance);
