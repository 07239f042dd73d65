import { Ec2Error } from './ec2-error';

/** The record `id` names in `records`, else EC2's `<Kind>.NotFound` error. */
export function mustFind<T>(records: Map<string, T>, id: string, code: string, what: string): T {
  const record = records.get(id);
  if (!record) throw new Ec2Error(code, `The ${what} '${id}' does not exist`);
  return record;
}

/** The records `ids` name (all must exist), else all of them. */
export function selectByIds<T>(records: Map<string, T>, ids: string[] | undefined, code: string, what: string): T[] {
  if (!ids?.length) return [...records.values()];
  return ids.map((id) => mustFind(records, id, code, what));
}
