import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ServiceModel } from './shapes';

/** Where Debian's python3-botocore keeps its EC2 models, one folder per API version. */
const BOTOCORE_EC2 = '/usr/lib/python3/dist-packages/botocore/data/ec2';

/**
 * The EC2 model file: `explicit`, else FAKE_EC2_MODEL, else the newest API version python3-botocore
 * ships (service-2.json or service-2.json.gz).
 */
export function resolveModelPath(explicit?: string): string {
  const chosen = explicit ?? process.env.FAKE_EC2_MODEL;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`EC2 model ${chosen} does not exist`);
    return chosen;
  }
  const versions = existsSync(BOTOCORE_EC2) ? readdirSync(BOTOCORE_EC2).sort().reverse() : [];
  for (const version of versions) {
    for (const file of ['service-2.json', 'service-2.json.gz']) {
      const path = join(BOTOCORE_EC2, version, file);
      if (existsSync(path)) return path;
    }
  }
  throw new Error(
    `no EC2 model found under ${BOTOCORE_EC2}: install Debian's python3-botocore (apt-get install python3-botocore), or set FAKE_EC2_MODEL to a botocore ec2 service-2.json`,
  );
}

export function loadModel(path: string): ServiceModel {
  const raw = readFileSync(path);
  const model = JSON.parse((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as ServiceModel;
  if (model.metadata?.protocol !== 'ec2') throw new Error(`${path} is not an EC2 Query model (protocol ${model.metadata?.protocol})`);
  return model;
}
