import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RegistryError } from './registry.errors';
import type { Logger } from './registry.logger';

export interface ErrorResponse {
  status: number;
  body: { error_code: number; message: string };
}

/** Every failure as Confluent answers it: `{"error_code": 40401, "message": "..."}`. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof RegistryError) return { status: error.httpStatus, body: { error_code: error.errorCode, message: error.message } };
  if (error instanceof HttpException) return { status: error.getStatus(), body: { error_code: error.getStatus(), message: error.message } };
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // body-parser: malformed JSON, a body that is too large, an unknown charset.
    return { status, body: { error_code: status, message: (error as Error).message } };
  }
  return { status: 500, body: { error_code: 500, message: 'Internal Server Error' } };
}

@Catch()
export class RegistryExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.send(exception, http.getRequest<Request>(), http.getResponse<Response>());
  }

  /** For errors raised before Nest routes the request (the JSON body parser). */
  readonly middleware = (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    this.send(error, req, res);
  };

  private send(error: unknown, req: Request, res: Response): void {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) this.logger.error({ err: error, method: req.method, url: req.originalUrl, status }, 'request failed');
    else this.logger.debug({ method: req.method, url: req.originalUrl, status, errorCode: body.error_code }, body.message);
    res.status(status).json(body);
  }
}
