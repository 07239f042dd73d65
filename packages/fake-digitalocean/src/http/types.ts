import { notFound } from '../cloud/api-error';
import { Cloud } from '../cloud/cloud';

export interface ApiRequest {
  pathname: string;
  pathParams: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body when it is an object, else `{}`. */
  body: Record<string, unknown>;
  /** `http://127.0.0.1:<port>`, for links. */
  baseUrl: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
}

export type Handler = (cloud: Cloud, req: ApiRequest) => ApiResponse | Promise<ApiResponse>;

/** A numeric id from the path; anything else is an id no resource has. */
export function numericParam(req: ApiRequest, name: string): number {
  const value = req.pathParams[name];
  if (!/^\d+$/.test(value ?? '')) throw notFound();
  return Number(value);
}
