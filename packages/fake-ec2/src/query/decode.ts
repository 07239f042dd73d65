import { queryNameOf } from '../model/names';
import { ServiceModel, Shape } from '../model/shapes';

export type Value = string | number | boolean | Value[] | { [member: string]: Value };

export interface Decoded {
  input: Record<string, Value>;
  /** The client's mistakes, each as EC2 would name it: [code, message]. */
  problems: [code: string, message: string][];
}

/**
 * Turns an EC2 Query request's parameters (Action and Version taken out) into the operation's input,
 * by the input shape and EC2's serialisation: lists flattened as `Name.N` (N from 1), structure members
 * as `Prefix.Member`, names by queryNameOf. Unknown parameters, missing required members, values of the
 * wrong type and values outside an enum are problems.
 */
export function decodeInput(model: ServiceModel, shapeName: string | undefined, params: Map<string, string>): Decoded {
  const problems: Decoded['problems'] = [];
  const consumed = new Set<string>();
  const input = shapeName ? decodeStructure(model, model.shapes[shapeName], '', params, consumed, problems) : {};
  for (const key of params.keys()) {
    if (!consumed.has(key)) problems.push(['UnknownParameter', `The parameter ${key} is not recognized`]);
  }
  return { input, problems };
}

function decodeStructure(
  model: ServiceModel,
  shape: Shape,
  prefix: string,
  params: Map<string, string>,
  consumed: Set<string>,
  problems: Decoded['problems'],
): Record<string, Value> {
  const result: Record<string, Value> = {};
  for (const [member, ref] of Object.entries(shape.members ?? {})) {
    const key = prefix + queryNameOf(member, ref);
    const value = decodeValue(model, ref.shape, key, params, consumed, problems);
    if (value !== undefined) result[member] = value;
    else if (shape.required?.includes(member)) problems.push(['MissingParameter', `The request must contain the parameter ${key}`]);
  }
  return result;
}

function decodeValue(
  model: ServiceModel,
  shapeName: string,
  key: string,
  params: Map<string, string>,
  consumed: Set<string>,
  problems: Decoded['problems'],
): Value | undefined {
  const shape = model.shapes[shapeName];
  if (shape.type === 'structure') {
    if (![...params.keys()].some((k) => k.startsWith(`${key}.`))) return undefined;
    return decodeStructure(model, shape, `${key}.`, params, consumed, problems);
  }
  if (shape.type === 'list') {
    const indices = listIndices(key, params);
    if (indices.length === 0) return undefined;
    const items: Value[] = [];
    for (const index of indices) {
      const item = decodeValue(model, shape.member!.shape, `${key}.${index}`, params, consumed, problems);
      if (item !== undefined) items.push(item);
    }
    return items;
  }
  if (shape.type === 'map') {
    problems.push(['InvalidParameterValue', `${key}: maps are not supported by this fake`]);
    return undefined;
  }
  const raw = params.get(key);
  if (raw === undefined) return undefined;
  consumed.add(key);
  return decodeScalar(shape, key, raw, problems);
}

/** The N of every `key.N` or `key.N.…` parameter, ascending. */
function listIndices(key: string, params: Map<string, string>): number[] {
  const indices = new Set<number>();
  const pattern = new RegExp(`^${key.replace(/\./g, '\\.')}\\.(\\d+)(?:\\.|$)`);
  for (const k of params.keys()) {
    const match = pattern.exec(k);
    if (match) indices.add(Number(match[1]));
  }
  return [...indices].sort((a, b) => a - b);
}

function decodeScalar(shape: Shape, key: string, raw: string, problems: Decoded['problems']): Value | undefined {
  const invalid = (why: string): undefined => void problems.push(['InvalidParameterValue', `Value (${raw}) for parameter ${key} is invalid. ${why}`]);
  switch (shape.type) {
    case 'integer':
    case 'long':
      if (!/^-?\d+$/.test(raw)) return invalid('Expected an integer.');
      if ((shape.min !== undefined && Number(raw) < shape.min) || (shape.max !== undefined && Number(raw) > shape.max)) {
        return invalid(`Expected a value in [${shape.min ?? '-∞'}, ${shape.max ?? '∞'}].`);
      }
      return Number(raw);
    case 'double':
    case 'float':
      return Number.isFinite(Number(raw)) ? Number(raw) : invalid('Expected a number.');
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') return invalid('Expected true or false.');
      return raw === 'true';
    case 'timestamp':
      return Number.isNaN(Date.parse(raw)) ? invalid('Expected a timestamp.') : raw;
    case 'blob':
      return /^[A-Za-z0-9+/=\s]*$/.test(raw) ? raw : invalid('Expected base64.');
    default:
      if (shape.enum && !shape.enum.includes(raw)) return invalid(`Expected one of ${shape.enum.join(', ')}.`);
      return raw;
  }
}
