import { randomBytes } from 'node:crypto';

/** An EC2-style id: `<prefix>-` and 17 hex digits (ami-0123456789abcdef0). */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}
