/** One pydantic-style error item, as fal's 422 bodies carry them in `detail`. */
export interface FalErrorItem {
  loc: (string | number)[];
  msg: string;
  type: string;
  url?: string;
  ctx?: Record<string, unknown>;
  input?: unknown;
}

/** Checks a request body field by field, collecting errors the way FastAPI and pydantic v2 do. */
export class FalValidator {
  readonly errors: FalErrorItem[] = [];
  constructor(readonly input: Record<string, unknown>) {}

  private fail(field: string, type: string, msg: string, ctx?: Record<string, unknown>): void {
    this.errors.push({ loc: ['body', field], msg, type, input: this.input[field], ...(ctx ? { ctx } : {}) });
  }

  string(field: string, options: { required?: boolean } = {}): string | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) {
      if (options.required)
        this.errors.push({ loc: ['body', field], msg: 'Field required', type: 'missing', input: this.input });
      return undefined;
    }
    if (typeof value !== 'string') {
      this.fail(field, 'string_type', 'Input should be a valid string');
      return undefined;
    }
    return value;
  }

  boolean(field: string): boolean | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') {
      this.fail(field, 'bool_type', 'Input should be a valid boolean');
      return undefined;
    }
    return value;
  }

  integer(field: string, range: { minimum?: number; maximum?: number } = {}): number | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.fail(field, 'int_type', 'Input should be a valid integer');
      return undefined;
    }
    if (range.minimum !== undefined && value < range.minimum) {
      this.fail(field, 'greater_than_equal', `Input should be greater than or equal to ${range.minimum}`, {
        ge: range.minimum,
      });
      return undefined;
    }
    if (range.maximum !== undefined && value > range.maximum) {
      this.fail(field, 'less_than_equal', `Input should be less than or equal to ${range.maximum}`, {
        le: range.maximum,
      });
      return undefined;
    }
    return value;
  }

  enumeration(field: string, values: readonly string[]): string | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !values.includes(value)) {
      this.fail(field, 'enum', `Input should be ${values.map((item) => `'${item}'`).join(', ')}`, {
        expected: values.join(', '),
      });
      return undefined;
    }
    return value;
  }

  rule(message: string): void {
    this.errors.push({ loc: ['body'], msg: message, type: 'value_error' });
  }
}

/** fal's typed model errors (docs: model-apis/errors), with their documentation links. */
export function falModelError(
  field: string,
  type: string,
  msg: string,
  ctx?: Record<string, unknown>,
): FalErrorItem {
  return {
    loc: ['body', field],
    msg,
    type,
    url: `https://docs.fal.ai/errors#${type}`,
    ...(ctx ? { ctx } : {}),
  };
}
