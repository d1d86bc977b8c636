/**
 * A fast yes/no validator compiled from the JSON Schema that zod exports for a
 * definition schema. zod is the source of truth and gives the precise error,
 * but its first parse of a multi-megabyte types.json costs ~200 ms; this check
 * costs a few. The loader runs it first and falls back to zod only when it
 * says no (test/unit/fast-validate.test.ts keeps both in agreement).
 *
 * Supports the subset z.toJSONSchema emits for our schemas: type (single or
 * list), properties, required, additionalProperties (false or a schema),
 * propertyNames, items, minLength, enum, const, anyOf.
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
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  const?: string | number | boolean | null;
  anyOf?: JsonSchema[];
}

const SUPPORTED = new Set(['type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'minLength', 'minimum', 'maximum', 'enum', 'const', 'anyOf',
  '$schema', '$id', 'title', 'description', 'default']);

/**
 * Compiles the schema to the source of one JavaScript function per schema
 * node (as ajv does): a closure per keyword costs several times more on the
 * ~75 000 members of types.json, and `check` runs this on every start.
 */
export function compileJsonSchema(schema: JsonSchema): Check {
  const functions: string[] = [];
  const root = emit(schema, functions);
  // The source is built from the schema's own keywords; names and values are embedded with JSON.stringify.
  return new Function(`'use strict';\n${functions.join('\n')}\nreturn ${root};`)() as Check;
}

/** Emits a function for `schema` into `out` and returns its name. */
function emit(schema: JsonSchema, out: string[]): string {
  for (const k of Object.keys(schema)) {
    if (!SUPPORTED.has(k)) throw new Error(`fast-validate: unsupported JSON Schema keyword '${k}'`);
  }
  const name = `v${out.length}`;
  out.push(''); // reserve the slot: nested schemas get later numbers
  const body: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    body.push(`if (!(${types.map(typeTest).join(' || ')})) return false;`);
  }
  if (schema.minLength !== undefined) {
    const min = schema.minLength;
    // Code points, as JSON Schema counts them; a non-empty string has at least one.
    body.push(`if (typeof v === 'string' && (v.length < ${min}${min > 1 ? ` || [...v].length < ${min}` : ''})) return false;`);
  }
  if (schema.minimum !== undefined) body.push(`if (typeof v === 'number' && v < ${JSON.stringify(schema.minimum)}) return false;`);
  if (schema.maximum !== undefined) body.push(`if (typeof v === 'number' && v > ${JSON.stringify(schema.maximum)}) return false;`);
  if (schema.enum) body.push(`if (!${JSON.stringify(schema.enum)}.includes(v)) return false;`);
  if (schema.const !== undefined) body.push(`if (v !== ${JSON.stringify(schema.const)}) return false;`);
  if (schema.anyOf) {
    const alts = schema.anyOf.map((a) => emit(a, out));
    body.push(`if (!(${alts.map((a) => `${a}(v)`).join(' || ')})) return false;`);
  }
  if (schema.items) {
    const item = emit(schema.items, out);
    body.push(`if (Array.isArray(v)) for (let i = 0; i < v.length; i++) if (!${item}(v[i])) return false;`);
  }
  if (schema.properties || schema.required || schema.additionalProperties !== undefined || schema.propertyNames) {
    body.push(emitObject(schema, out));
  }
  out[Number(name.slice(1))] = `function ${name}(v) {\n${body.join('\n')}\nreturn true;\n}`;
  return name;
}

function typeTest(t: string): string {
  switch (t) {
    case 'string': return `typeof v === 'string'`;
    case 'boolean': return `typeof v === 'boolean'`;
    case 'null': return 'v === null';
    case 'array': return 'Array.isArray(v)';
    case 'object': return `(typeof v === 'object' && v !== null && !Array.isArray(v))`;
    case 'number': return `(typeof v === 'number' && Number.isFinite(v))`;
    case 'integer': return 'Number.isInteger(v)';
    default: throw new Error(`fast-validate: unsupported type '${t}'`);
  }
}

function emitObject(schema: JsonSchema, out: string[]): string {
  const extra = schema.additionalProperties;
  const extraCheck = typeof extra === 'object' ? emit(extra, out) : undefined;
  const nameCheck = schema.propertyNames ? emit(schema.propertyNames, out) : undefined;
  const cases = Object.entries(schema.properties ?? {}).map(([k, s]) => `case ${JSON.stringify(k)}: if (!${emit(s, out)}(v[k])) return false; break;`);
  const fallback = extra === false ? 'return false;' : extraCheck ? `if (!${extraCheck}(v[k])) return false;` : 'break;';
  const required = (schema.required ?? []).map((r) => {
    const key = JSON.stringify(r);
    return `if (!Object.hasOwn(v, ${key}) || v[${key}] === undefined) return false;`;
  });
  return [
    `if (typeof v === 'object' && v !== null && !Array.isArray(v)) {`,
    ...required,
    // for-in sees own enumerable keys here: parsed JSON inherits none.
    `for (const k in v) {`,
    // zod drops a record's \`__proto__\` key: let zod produce that output.
    `if (k === '__proto__') return false;`,
    ...(nameCheck ? [`if (!${nameCheck}(k)) return false;`] : []),
    `switch (k) {`, ...cases, `default: ${fallback}`, `}`,
    `}`,
    `}`,
  ].join('\n');
}
