import { Ec2Error } from './ec2-error';
import { Tags } from './records';

export interface Filter {
  Name: string;
  Values?: string[];
}

/** What each filter name a Describe call accepts reads from a record (one or more values). */
export type FilterFields<T> = Record<string, (record: T) => string | string[] | undefined>;

/** EC2's filter rules: every filter must match (AND), any of its values may (OR); `*` and `?` are wildcards; `tag:<key>` and `tag-key` everywhere. */
export function applyFilters<T extends { tags: Tags }>(records: T[], filters: Filter[] | undefined, fields: FilterFields<T>): T[] {
  if (!filters?.length) return records;
  const matchers = filters.map((filter) => {
    const read = fieldOf(filter.Name, fields);
    const patterns = (filter.Values ?? []).map(wildcard);
    return (record: T) => {
      const raw = read(record);
      const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      return values.some((value) => patterns.some((pattern) => pattern.test(value)));
    };
  });
  return records.filter((record) => matchers.every((matches) => matches(record)));
}

function fieldOf<T extends { tags: Tags }>(name: string, fields: FilterFields<T>): (record: T) => string | string[] | undefined {
  if (name.startsWith('tag:')) return (record) => record.tags.get(name.slice(4));
  if (name === 'tag-key') return (record) => [...record.tags.keys()];
  const field = fields[name];
  if (!field) throw new Ec2Error('InvalidParameterValue', `The filter '${name}' is invalid`);
  return field;
}

function wildcard(value: string): RegExp {
  const source = value.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's');
}
