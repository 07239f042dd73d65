/** The parts of a botocore service model (service-2.json) the fake reads. */
export interface MemberRef {
  shape: string;
  /** The XML element name in responses; capitalised, the query name in requests (EC2's rule). */
  locationName?: string;
  /** EC2's own request name, where it differs from the capitalised locationName. */
  queryName?: string;
}

export interface Shape {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'blob' | 'double' | 'float';
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  enum?: string[];
  min?: number;
  max?: number;
}

export interface Operation {
  name: string;
  input?: { shape: string };
  output?: { shape: string };
}

export interface ServiceModel {
  metadata: { apiVersion: string; protocol: string; xmlNamespace?: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}
