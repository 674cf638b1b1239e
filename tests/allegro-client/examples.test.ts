/**
 * Every Allegro answer in shared/reference/allegro/examples/ parses with its schema.
 * The `expected-erp/` files are skipped: they are another integrator's ERP documents
 * (Subiekt GT requests), not Allegro answers (examples/peers/SOURCE.md says so).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import {
  CheckoutFormListSchema,
  DeviceCodeResponseSchema,
  ErrorsHolderSchema,
  EventStatsSchema,
  OAuthErrorSchema,
  OAuthTokenResponseSchema,
  OrderEventsSchema,
  ProductOfferSchema,
} from '../../domain/allegro';
import { classifyAllegroResponse } from '../../activities/allegro/client';
import { allegroErrorsOf } from '../../activities/allegro/errors';

const EXAMPLES = path.resolve(__dirname, '../../../shared/reference/allegro/examples');

function jsonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return jsonFiles(full);
    return entry.name.endsWith('.json') ? [full] : [];
  });
}

const all = jsonFiles(EXAMPLES);
const notAllegro = all.filter((f) => f.split(path.sep).includes('expected-erp'));
const answers = all.filter((f) => !notAllegro.includes(f));

/** File-name prefix → the schema of that answer. A new kind of example fails the test until mapped. */
function schemaFor(file: string, body: unknown): z.ZodType | undefined {
  const name = path.basename(file);
  if (name.startsWith('checkout-forms-list.')) return CheckoutFormListSchema;
  if (name.startsWith('event-stats.')) return EventStatsSchema;
  if (name.startsWith('order-events.')) return OrderEventsSchema;
  if (name.startsWith('product-offer.')) return ProductOfferSchema;
  if (name.startsWith('oauth-device-code.')) return DeviceCodeResponseSchema;
  if (name.startsWith('oauth-token.')) return OAuthTokenResponseSchema;
  if (name.startsWith('oauth-error.')) return OAuthErrorSchema;
  // API errors come as ErrorsHolder, except OAuth-layer ones (an expired/invalid token): AuthError.
  if (name.startsWith('api-error.'))
    return (body as { errors?: unknown }).errors ? ErrorsHolderSchema : OAuthErrorSchema;
  return undefined;
}

test('the examples folder is where we expect it and has Allegro answers', () => {
  expect(answers.length).toBeGreaterThanOrEqual(20);
  expect(notAllegro.length).toBeGreaterThan(0);
});

describe.each(answers.map((f) => [path.relative(EXAMPLES, f), f]))('%s', (_name, file) => {
  const body: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));

  test('parses with its schema', () => {
    const schema = schemaFor(file, body);
    expect(schema).toBeDefined();
    const parsed = schema!.safeParse(body);
    if (!parsed.success) throw new Error(`${file}: ${JSON.stringify(parsed.error.issues, null, 1)}`);
  });

  const statusInName = /^api-error\.(\d{3})\./.exec(path.basename(file));
  if (path.basename(file).startsWith('api-error.')) {
    test('its errors are read with their code', () => {
      const errors = allegroErrorsOf(body);
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) expect(error.code).toBeTruthy();
    });
  }
  if (statusInName) {
    const status = Number(statusInName[1]);
    test(`classifies as expected for its status ${status}`, () => {
      const verdict = classifyAllegroResponse(status, body, { traceId: 'example' });
      const code = allegroErrorsOf(body)[0].code;
      if (status === 401) {
        expect(verdict.kind).toBe('unauthorized');
      } else if (status === 404 && code === 'CheckoutFormNotFoundException') {
        expect(verdict.kind === 'error' && verdict.error.name).toBe('OrderGoneError');
      } else {
        expect(verdict.kind === 'error' && verdict.error.name).toBe('PermanentError');
        expect(verdict.kind === 'error' && (verdict.error as { details: { code?: string } }).details.code).toBe(code);
      }
    });
  }
});

test('checkout-form list examples keep money in minor units', () => {
  const file = answers.find((f) => path.basename(f) === 'checkout-forms-list.docs-response-sample.json')!;
  const parsed = CheckoutFormListSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    checkoutForms: { summary: { totalToPay: { amount: string } } }[];
  };
  const expected = Math.round(Number(raw.checkoutForms[0].summary.totalToPay.amount) * 100);
  expect(parsed.checkoutForms[0].summary.totalToPay.amount).toBe(expected);
});
