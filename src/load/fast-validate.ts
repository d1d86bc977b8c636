/**
 * A fast yes/no validator compiled from the JSON Schema that zod exports for a
 * definition schema. zod is the source of truth and gives the precise error,
 * but its first parse of a multi-megabyte types.json costs ~200 ms; this check
 * costs a few. The loader runs it first and falls back to zod only when it
 * says no (test/unit/fast-validate.test.ts keeps both in agreement).
 *
 * Supports the subset z.toJSONSchema emits for our schemas: type (single or
 * list), properties, required, additionalProperties (false or a schema),
 * propertyNames, items, minLength, enum, anyOf.
 */
type Check = (v: unknown) => boolean;

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minLength?: number;
  enum?: unknown[];
  anyOf?: JsonSchema[];
}

const SUPPORTED = new Set(['type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'minLength', 'enum', 'anyOf',
  '$schema', '$id', 'title', 'description', 'default']);

export function compileJsonSchema(schema: JsonSchema): Check {
  for (const k of Object.keys(schema)) {
    if (!SUPPORTED.has(k)) throw new Error(`fast-validate: unsupported JSON Schema keyword '${k}'`);
  }
  const checks: Check[] = [];
  if (schema.type !== undefined) checks.push(typeCheck(Array.isArray(schema.type) ? schema.type : [schema.type]));
  if (schema.minLength !== undefined) {
    const min = schema.minLength;
    // Code points, as JSON Schema counts them; a non-empty string has at least one.
    checks.push((v) => typeof v !== 'string' || (v.length >= min && (min <= 1 || [...v].length >= min)));
  }
  if (schema.enum) {
    const allowed = schema.enum;
    checks.push((v) => allowed.includes(v));
  }
  if (schema.anyOf) {
    const alts = schema.anyOf.map(compileJsonSchema);
    checks.push((v) => alts.some((a) => a(v)));
  }
  if (schema.items) {
    const item = compileJsonSchema(schema.items);
    checks.push((v) => !Array.isArray(v) || v.every(item));
  }
  if (schema.properties || schema.required || schema.additionalProperties !== undefined || schema.propertyNames) checks.push(objectCheck(schema));
  return (v) => checks.every((c) => c(v));
}

function typeCheck(types: string[]): Check {
  const preds = types.map((t): Check => {
    switch (t) {
      case 'string': return (v) => typeof v === 'string';
      case 'boolean': return (v) => typeof v === 'boolean';
      case 'null': return (v) => v === null;
      case 'array': return (v) => Array.isArray(v);
      case 'object': return (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
      case 'number': return (v) => typeof v === 'number' && Number.isFinite(v);
      case 'integer': return (v) => Number.isInteger(v);
      default: throw new Error(`fast-validate: unsupported type '${t}'`);
    }
  });
  return (v) => preds.some((p) => p(v));
}

function objectCheck(schema: JsonSchema): Check {
  const props = new Map(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, compileJsonSchema(s)]));
  const required = schema.required ?? [];
  const extra = schema.additionalProperties;
  const closed = extra === false;
  const extraCheck = typeof extra === 'object' ? compileJsonSchema(extra) : undefined;
  const nameCheck = schema.propertyNames ? compileJsonSchema(schema.propertyNames) : undefined;
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return true;
    const obj = v as Record<string, unknown>;
    for (const r of required) if (!Object.hasOwn(obj, r) || obj[r] === undefined) return false;
    for (const k of Object.keys(obj)) {
      // zod drops a record's `__proto__` key: let zod produce that output.
      if (k === '__proto__') return false;
      if (nameCheck && !nameCheck(k)) return false;
      const check = props.get(k) ?? extraCheck;
      if (!check) { if (closed) return false; continue; }
      if (!check(obj[k])) return false;
    }
    return true;
  };
}
