import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, send, ViolationLog } from '../../../fake-digitalocean/src';
import { Cloud } from '../cloud/cloud';
import { Ec2Error } from '../cloud/ec2-error';
import { ServiceModel } from '../model/shapes';
import { decodeInput } from '../query/decode';
import { encodeOutput } from '../xml/encode';
import { errorXml } from '../xml/errors';
import { HANDLERS } from './handlers';
import { Credentials, verifySigV4 } from './sigv4';

export interface ApiDeps {
  model: ServiceModel;
  cloud: Cloud;
  credentials: Credentials[];
  violations: ViolationLog;
}

/** EC2's errors that are the client's doing: they are also recorded as contract violations. */
const CLIENT_MISTAKES = new Set(['AuthFailure', 'IncompleteSignature', 'MissingAction', 'InvalidAction', 'UnknownParameter', 'MissingParameter', 'InvalidParameterValue', 'UnsupportedOperation']);

/**
 * The Query API: a form-encoded POST (or a GET with a query string) with Action and Version, signed
 * with SigV4 (its credential scope names the region). The parameters are decoded and checked against
 * the operation's input shape, the handler's output is checked against its output shape and sent as
 * EC2's XML.
 */
export function createApiHandler(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const body = await readBody(req);
    const url = req.url ?? '/';
    const params = new Map([...new URLSearchParams(url.split('?')[1] ?? ''), ...new URLSearchParams(body)]);
    const action = params.get('Action') ?? '';
    const requestId = randomUUID();
    const fail = (error: Ec2Error): void => {
      if (CLIENT_MISTAKES.has(error.code)) {
        deps.violations.record({ direction: 'request', method: req.method ?? 'POST', url, operationId: action || undefined, status: error.status, problems: [`${error.code}: ${error.message}`] });
      }
      send(res, error.status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId }, errorXml(error.code, error.message, requestId));
    };
    try {
      const region = verifySigV4({ method: req.method ?? 'POST', url, headers: req.headers, body }, deps.credentials);
      params.delete('Action');
      params.delete('Version');
      if (!action) throw new Ec2Error('MissingAction', 'The request must contain the parameter Action');
      const operation = deps.model.operations[action];
      if (!operation) throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);
      const handler = HANDLERS[action];
      if (!handler) throw new Ec2Error('UnsupportedOperation', `The fake EC2 does not implement ${action}.`);
      const { cloud } = deps;
      if (cloud.faults.takeThrottle()) throw new Ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503);
      const serverError = cloud.faults.takeServerError(action);
      if (serverError) throw new Ec2Error(serverError === 503 ? 'Unavailable' : 'InternalError', 'An internal error has occurred', serverError);
      const { input, problems } = decodeInput(deps.model, operation.input?.shape, params);
      if (problems.length) {
        const [code, message] = problems[0];
        deps.violations.record({ direction: 'request', method: req.method ?? 'POST', url, operationId: action, status: 400, problems: problems.map(([c, m]) => `${c}: ${m}`) });
        return send(res, 400, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId }, errorXml(code, message, requestId));
      }
      if (input.DryRun === true) throw new Ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
      const output = await handler({ cloud, region: cloud.region(region), input });
      const encoded = encodeOutput(deps.model, action, operation.output?.shape, output, requestId);
      if (encoded.problems.length) {
        deps.violations.record({ direction: 'response', method: req.method ?? 'POST', url, operationId: action, status: 200, problems: encoded.problems });
      }
      send(res, 200, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId }, encoded.xml);
    } catch (error) {
      if (error instanceof Ec2Error) return fail(error);
      throw error;
    }
  };
}
