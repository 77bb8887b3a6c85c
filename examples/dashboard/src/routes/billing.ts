/**
 * @module Billing details: company, address, VAT id and the payment card. A full card number is
 * accepted once, checked, and reduced to its brand and last four digits before storage; the audit
 * plugin redacts it from the recorded request.
 */
import { Type } from '@sinclair/typebox';
import { audited } from '../audit.ts';
import { authorize } from '../http/auth.ts';
import { invalid } from '../http/errors.ts';
import { nowIso } from '../ids.ts';
import type { DashboardApp, RouteDeps } from './common.ts';

const Address = Type.Object(
  {
    line1: Type.String({ minLength: 1, maxLength: 200 }),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    postalCode: Type.String({ minLength: 2, maxLength: 16 }),
    /** ISO 3166-1 alpha-2, e.g. DE. */
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
  },
  { additionalProperties: false },
);

const Card = Type.Object(
  {
    /** The full card number, digits only; only brand and last4 are kept. */
    cardNumber: Type.String({ pattern: '^[0-9]{12,19}$' }),
    expMonth: Type.Integer({ minimum: 1, maximum: 12 }),
    expYear: Type.Integer({ minimum: 2024, maximum: 2100 }),
    cvc: Type.String({ pattern: '^[0-9]{3,4}$' }),
  },
  { additionalProperties: false },
);

const BillingBody = Type.Object(
  {
    companyName: Type.String({ minLength: 1, maxLength: 200 }),
    address: Address,
    /** EU VAT id: country prefix then 2–12 letters or digits, e.g. DE123456789. */
    vatId: Type.Optional(Type.String({ pattern: '^[A-Z]{2}[A-Z0-9]{2,12}$' })),
    /** Omit to keep the card on file. */
    card: Type.Optional(Card),
  },
  { additionalProperties: false },
);

/** The stored billing details: never a card number. */
export interface BillingDetails {
  companyName: string;
  address: unknown;
  vatId: string | null;
  cardLast4: string | null;
  cardBrand: string | null;
}

/** True when `digits` passes the Luhn checksum every real card number satisfies. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function brandOf(number: string): string {
  if (number.startsWith('4')) return 'visa';
  if (/^5[1-5]/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  return 'other';
}

/** Registers /v1/billing. */
export function billingRoutes(app: DashboardApp, { repos }: RouteDeps): void {
  app.get('/v1/billing', async () => repos.documents.get<BillingDetails>('billing'));

  app.put(
    '/v1/billing',
    {
      schema: { body: BillingBody },
      preValidation: authorize('billing.manage'),
      config: audited({
        category: 'billing',
        target: () => ({ type: 'billing_details', id: 'billing', name: 'Billing details' }),
      }),
    },
    async (request) => {
      const { card, ...details } = request.body;
      if (card && !luhnValid(card.cardNumber))
        throw invalid('body/card/cardNumber', 'is not a valid card number');
      const current = repos.documents.get<BillingDetails>('billing');
      const billing: BillingDetails = {
        companyName: details.companyName,
        address: details.address,
        vatId: details.vatId ?? null,
        cardLast4: card ? card.cardNumber.slice(-4) : current.cardLast4,
        cardBrand: card ? brandOf(card.cardNumber) : current.cardBrand,
      };
      return repos.documents.put('billing', billing, nowIso());
    },
  );
}
