/** 'redirect': the server sent us to another origin, whose answer is not trusted */
export type CarbonIntensityErrorKind = 'network' | 'timeout' | 'http' | 'redirect' | 'api' | 'parse' | 'empty';

export class CarbonIntensityError extends Error {
  readonly kind: CarbonIntensityErrorKind;
  readonly status?: number;
  /** API path that failed, when there was a request */
  readonly path?: string;

  constructor(kind: CarbonIntensityErrorKind, message: string, details: { status?: number; path?: string } = {}) {
    super(message);
    this.name = 'CarbonIntensityError';
    this.kind = kind;
    if (details.status !== undefined) this.status = details.status;
    if (details.path !== undefined) this.path = details.path;
  }
}
