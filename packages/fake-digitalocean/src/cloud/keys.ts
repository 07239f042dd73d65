import { notFound, unprocessable } from './api-error';
import { Cloud } from './cloud';
import { fingerprintOf } from './public-key';
import { SshKey } from './records';

export function createKey(cloud: Cloud, body: Record<string, unknown>): SshKey {
  const publicKey = typeof body.public_key === 'string' ? body.public_key.trim() : '';
  const name = typeof body.name === 'string' ? body.name : '';
  if (!name) throw unprocessable('Name is required.');
  const fingerprint = fingerprintOf(publicKey);
  if (!fingerprint) throw unprocessable("Key invalid, key should be of the form 'type key [comment]'");
  if (cloud.store.findKey(fingerprint)) throw unprocessable('SSH Key is already in use on your account');
  const key = { id: cloud.store.nextId('key'), fingerprint, publicKey, name };
  cloud.store.keys.set(key.id, key);
  return key;
}

export function getKey(cloud: Cloud, idOrFingerprint: string): SshKey {
  const key = cloud.store.findKey(idOrFingerprint);
  if (!key) throw notFound();
  return key;
}

export function deleteKey(cloud: Cloud, idOrFingerprint: string): void {
  cloud.store.keys.delete(getKey(cloud, idOrFingerprint).id);
}
