/** An API error: the status and DigitalOcean's `{ id, message }` error body (or another body the spec declares). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (message = 'The resource you were accessing could not be found.'): ApiError =>
  new ApiError(404, 'not_found', message);

export const unprocessable = (message: string): ApiError => new ApiError(422, 'unprocessable_entity', message);
