/**
 * Errors as values with a field path, worded like the apiserver's field.Invalid:
 * `spec.clusterIP: Invalid value: "10.43.0.300": must be a valid IP address`.
 */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly detail: string,
    readonly kind: 'Invalid value' | 'Required value' | 'Duplicate value' | 'Unsupported value' = 'Invalid value',
  ) {
    super(kind === 'Required value' ? `${field}: ${kind}${detail ? ': ' + detail : ''}` : `${field}: ${kind}: ${JSON.stringify(value)}: ${detail}`);
    this.name = 'FieldError';
  }
}
