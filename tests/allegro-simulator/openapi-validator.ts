/**
 * Validates simulator answers against Allegro's OpenAPI 3.0 spec (shared/reference/allegro/
 * openapi.yaml) with ajv. The spec's component schemas are turned into JSON Schema with two
 * documented adjustments, both from CONTRACT.md ("Conventions"):
 *  - `nullable: true` becomes "or null" (OpenAPI 3.0 keyword JSON Schema lacks);
 *  - a property that is not `required` may be `null`: real payloads send explicit nulls for
 *    absent optional fields (examples/checkout-forms-list.sandbox.*.json), the spec never says so.
 * On top of ajv, `undeclared()` reports fields the spec does not declare at all (typos, removed
 * fields), so "valid" also means "nothing invented".
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

export const SPEC_PATH =
  process.env.ALLEGRO_OPENAPI_SPEC ?? path.resolve(__dirname, '../../../shared/reference/allegro/openapi.yaml');
const MEDIA = 'application/vnd.allegro.public.v1+json';
const DOC_ID = 'allegro';

type Schema = Record<string, unknown>;
interface Spec {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

/**
 * Fields captured sandbox payloads carry that the spec's schema does not declare. Only these
 * are accepted beyond the spec (see examples/peers/…company-nip.pickup-point.*.json).
 */
const SEEN_IN_CAPTURES: Record<string, Schema> = {
  CheckoutFormDeliveryPickupPoint: { description: { type: 'string' } },
};

function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const src = node as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(src)) {
    if (
      key === 'example' ||
      key === 'examples' ||
      key === 'discriminator' ||
      key === 'nullable' ||
      key.startsWith('x-')
    )
      continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = value.startsWith('#/') ? `${DOC_ID}${value}` : value;
    else if (key === 'properties' && typeof value === 'object' && value !== null) {
      const required = new Set((src.required as string[] | undefined) ?? []);
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, prop]) => {
          const converted = toJsonSchema(prop);
          return [name, required.has(name) ? converted : orNull(converted)];
        }),
      );
    } else if (key === 'enum' || key === 'required' || key === 'default') out[key] = value;
    else out[key] = toJsonSchema(value);
  }
  return src.nullable === true ? orNull(out) : out;
}

const orNull = (schema: unknown): Schema => ({ anyOf: [{ type: 'null' }, schema] });

export class SpecValidator {
  private readonly spec: Spec;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  validatedAnswers = 0;
  readonly violations: string[] = [];

  constructor(specPath = SPEC_PATH) {
    this.spec = YAML.parse(fs.readFileSync(specPath, 'utf8')) as Spec;
    for (const [schemaName, extra] of Object.entries(SEEN_IN_CAPTURES)) {
      const target = this.spec.components.schemas[schemaName] as { properties: Schema };
      target.properties = { ...target.properties, ...extra };
    }
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    // Formats the spec uses that JSON Schema does not define: check the meaningful ones.
    this.ajv.addFormat('ISO 4217', /^[A-Z]{3}$/);
    this.ajv.addFormat('integer', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.ajv.addFormat('decimal', /^-?\d+(\.\d+)?$/);
    for (const format of ['ISO 8601', 'ISO 6801'])
      this.ajv.addFormat(format, (s: string) => !Number.isNaN(Date.parse(s)));
    this.ajv.addFormat('BCP-47 language code', /^[a-z]{2,3}(-[A-Z]{2})?$/);
    for (const format of ['string', 'ISO format', 'int']) this.ajv.addFormat(format, true);
    this.ajv.addSchema({ $id: DOC_ID, components: { schemas: toJsonSchema(this.spec.components.schemas) } });
  }

  /** The spec's schema for an operation's answer, or its documented fallback (CONTRACT.md §7). */
  responseSchema(method: string, pathTemplate: string, status: number): Schema | undefined {
    const op = this.spec.paths[pathTemplate]?.[method.toLowerCase()];
    if (!op) throw new Error(`the spec has no ${method} ${pathTemplate}`);
    const schema = op.responses?.[String(status)]?.content?.[MEDIA]?.schema;
    if (schema) return schema;
    if (status === 401) return { $ref: '#/components/schemas/AuthError' };
    if (status >= 400) return { $ref: '#/components/schemas/ErrorsHolder' };
    return undefined;
  }

  /** Validates one HTTP answer; records and returns its problems. */
  checkResponse(method: string, pathTemplate: string, status: number, body: unknown): string[] {
    return this.record(this.probe(method, pathTemplate, status, body));
  }

  /** Like checkResponse, without counting it (for checking the validator itself). */
  probe(method: string, pathTemplate: string, status: number, body: unknown): string[] {
    const schema = this.responseSchema(method, pathTemplate, status);
    if (!schema) throw new Error(`the spec gives no body schema for ${method} ${pathTemplate} ${status}`);
    return this.problems(`${method} ${pathTemplate} ${status}`, schema, body, true);
  }

  /** Validates a body against a named component schema (e.g. "AuthError"). */
  checkSchema(name: string, body: unknown): string[] {
    return this.record(this.problems(name, { $ref: `#/components/schemas/${name}` }, body, true));
  }

  /** Validates against a JSON Schema written by the caller (answers the spec does not cover, e.g. OAuth). */
  checkAgainst(label: string, schema: Schema, body: unknown): string[] {
    return this.record(this.problems(label, schema, body, false));
  }

  private record(problems: string[]): string[] {
    this.validatedAnswers++;
    this.violations.push(...problems);
    return problems;
  }

  private problems(label: string, schema: Schema, body: unknown, fromSpec: boolean): string[] {
    const key = `${label}|${JSON.stringify(schema)}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile((fromSpec ? toJsonSchema(schema) : schema) as Schema);
      this.compiled.set(key, validate);
    }
    const problems: string[] = [];
    if (!validate(body))
      for (const e of validate.errors ?? []) problems.push(`${label}: ${e.instancePath || '/'} ${e.message ?? ''}`);
    if (fromSpec)
      for (const where of this.undeclared(body, schema, ''))
        problems.push(`${label}: ${where} is not declared in the spec`);
    return problems;
  }

  /** Paths of object fields that no schema along the way declares. */
  undeclared(data: unknown, schema: Schema, at: string): string[] {
    if (data === null || typeof data !== 'object') return [];
    const shapes = this.flatten(schema);
    if (Array.isArray(data)) {
      const items = shapes.map((s) => s.items as Schema | undefined).filter((s): s is Schema => s !== undefined);
      return items.length === 0
        ? []
        : data.flatMap((item, i) => items.flatMap((s) => this.undeclared(item, s, `${at}/${i}`)));
    }
    const props = new Map<string, Schema[]>();
    const additional: Schema[] = [];
    let anyAdditional = false;
    for (const s of shapes) {
      for (const [name, prop] of Object.entries((s.properties as Record<string, Schema> | undefined) ?? {}))
        props.set(name, [...(props.get(name) ?? []), prop]);
      if (s.additionalProperties === true) anyAdditional = true;
      else if (typeof s.additionalProperties === 'object') additional.push(s.additionalProperties as Schema);
    }
    if (props.size === 0 && additional.length === 0) return []; // free-form object
    const out: string[] = [];
    for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
      const declared = props.get(name) ?? additional;
      if (declared.length === 0 && !anyAdditional) out.push(`${at}/${name}`);
      else for (const s of declared) out.push(...this.undeclared(value, s, `${at}/${name}`));
    }
    return [...new Set(out)];
  }

  /** A schema and everything it is composed of ($ref, allOf, anyOf, oneOf), resolved. */
  private flatten(schema: Schema, seen = new Set<Schema>()): Schema[] {
    let s = schema;
    while (typeof s.$ref === 'string') s = this.spec.components.schemas[s.$ref.replace('#/components/schemas/', '')];
    if (seen.has(s)) return [];
    seen.add(s);
    const parts = ['allOf', 'anyOf', 'oneOf'].flatMap((k) => (s[k] as Schema[] | undefined) ?? []);
    // Subtypes named only in a discriminator mapping declare fields too.
    const mapping = (s.discriminator as { mapping?: Record<string, string> } | undefined)?.mapping ?? {};
    parts.push(...Object.values(mapping).map((ref) => ({ $ref: ref })));
    return [s, ...parts.flatMap((p) => this.flatten(p, seen))];
  }
}
