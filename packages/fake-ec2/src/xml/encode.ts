import { XMLBuilder } from 'fast-xml-parser';
import { elementNameOf } from '../model/names';
import { ServiceModel } from '../model/shapes';
import type { Value } from '../query/decode';

type XmlNode = string | { [element: string]: XmlNode | XmlNode[] };

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: false, suppressEmptyNode: false });

/**
 * The XML EC2 sends for `output` of the operation's output shape: elements by locationName, lists as
 * `<item>` children, booleans and numbers as text, members in the shape's order. What the output
 * holds that the shape does not allow (unknown members, wrong types, values outside an enum) is
 * returned as problems: the fake's own contract violations.
 */
export function encodeOutput(
  model: ServiceModel,
  operation: string,
  shapeName: string | undefined,
  output: Record<string, Value>,
  requestId: string,
): { xml: string; problems: string[] } {
  const problems: string[] = [];
  // Operations without an output shape answer `<return>true</return>`, as EC2 does.
  const body = shapeName ? (encodeValue(model, shapeName, output, operation, problems) as Record<string, XmlNode>) : { return: 'true' };
  const root = { '@_xmlns': `${model.metadata.xmlNamespace}/`, requestId, ...body };
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + builder.build({ [`${operation}Response`]: root });
  return { xml, problems };
}

function encodeValue(model: ServiceModel, shapeName: string, value: Value, path: string, problems: string[]): XmlNode {
  const shape = model.shapes[shapeName];
  const wrong = (expected: string): string => (problems.push(`${path}: expected ${expected} (${shapeName}), got ${JSON.stringify(value)}`), '');
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return wrong('a structure');
      const node: Record<string, XmlNode> = {};
      for (const key of Object.keys(value)) {
        if (!shape.members?.[key]) problems.push(`${path}: ${shapeName} has no member ${key}`);
      }
      for (const [member, ref] of Object.entries(shape.members ?? {})) {
        const memberValue = value[member];
        if (memberValue === undefined) {
          if (shape.required?.includes(member)) problems.push(`${path}: required member ${member} missing`);
          continue;
        }
        node[elementNameOf(member, ref)] = encodeValue(model, ref.shape, memberValue, `${path}.${member}`, problems);
      }
      return node;
    }
    case 'list': {
      if (!Array.isArray(value)) return wrong('a list');
      const items = value.map((item, i) => encodeValue(model, shape.member!.shape, item, `${path}[${i}]`, problems));
      // An empty list is an empty element, as EC2 sends it.
      return items.length ? { [shape.member!.locationName ?? 'member']: items } : '';
    }
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : wrong('a boolean');
    case 'integer':
    case 'long':
      return typeof value === 'number' && Number.isInteger(value) ? String(value) : wrong('an integer');
    case 'double':
    case 'float':
      return typeof value === 'number' ? String(value) : wrong('a number');
    case 'timestamp':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : wrong('an ISO 8601 timestamp');
    default:
      if (typeof value !== 'string') return wrong('a string');
      if (shape.enum && !shape.enum.includes(value)) return wrong(`one of ${shape.enum.join(', ')}`);
      return value;
  }
}
