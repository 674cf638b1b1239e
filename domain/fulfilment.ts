/**
 * Order status and tracking back to Allegro (issue 13): what an order's documents in Optima
 * say about its fulfilment (converted or followed, a waybill number, a configured document
 * attribute), and what to set on Allegro. A status only ever moves forward, and
 * only on a real transition (Allegro caps changes at 100 per order, PITFALLS #14).
 */

/** An order's document or one that followed it (FS/PA/WZ through CDN.TraNagRelacje), as scanned. */
export interface OrderDocumentFacts {
  orderId: string;
  /** The imported document itself (false: a document that followed it). */
  own: boolean;
  /** TrN_NrListuPrzewozowego; '' when none. */
  waybill: string;
  /** TrN_NrListuPrzewozowegoTypKuriera. */
  carrierType: number;
  /** TrN_TS_Mod, `YYYY-MM-DD HH:MM:SS`. */
  modifiedAt: string;
  /** The configured document attribute's value (CDN.DokAtrybuty.DAt_WartoscTxt); '' when none. */
  attribute: string;
}

/** A document attribute whose values set Allegro's status (settings fulfilment.attribute). */
export interface AttributeRule {
  /** DeA_Kod of the document attribute's definition. */
  code: string;
  values: { value: string; status: string }[];
}

export interface FulfilmentRules {
  /** Status once the document moved on (converted to an invoice or receipt, goods issued). */
  onConverted: string;
  /** Status once a waybill number is written. */
  onWaybill: string;
  /** TrN_NrListuPrzewozowegoTypKuriera → Allegro carrier id. */
  carriers: Record<string, string>;
  /** Carrier of a waybill whose courier type is not mapped. */
  defaultCarrier: string;
  attribute?: AttributeRule;
}

export interface FulfilmentStep {
  orderId: string;
  /** Allegro fulfillment status to reach, if any. */
  status: string | null;
  shipment: { waybill: string; carrierId: string } | null;
}

/** Allegro's fulfilment statuses in the order an order goes through them. */
const PROGRESS = ['NEW', 'PROCESSING', 'READY_FOR_SHIPMENT', 'READY_FOR_PICKUP', 'SENT', 'PICKED_UP'];

/** True when going from `current` to `target` is a step forward (never back, never the same). */
export function movesForward(current: string, target: string): boolean {
  const from = PROGRESS.indexOf(current);
  const to = PROGRESS.indexOf(target);
  return to > from && from >= 0;
}

/** The status an attribute value asks for (compared without surrounding spaces), or null. */
export function attributeStatus(value: string, rule: AttributeRule | undefined): string | null {
  const wanted = value.trim();
  if (!rule || wanted === '') return null;
  return rule.values.find((v) => v.value.trim() === wanted)?.status ?? null;
}

/** The furthest of the statuses asked for (statuses only move forward anyway), or null. */
function furthest(statuses: readonly (string | null)[]): string | null {
  return statuses.reduce<string | null>(
    (best, s) => (s !== null && (best === null || PROGRESS.indexOf(s) > PROGRESS.indexOf(best)) ? s : best),
    null,
  );
}

/** What each order's documents ask for. Orders whose documents show nothing new get no step. */
export function fulfilmentSteps(facts: readonly OrderDocumentFacts[], rules: FulfilmentRules): FulfilmentStep[] {
  const byOrder = new Map<string, OrderDocumentFacts[]>();
  for (const f of facts) byOrder.set(f.orderId, [...(byOrder.get(f.orderId) ?? []), f]);
  const steps: FulfilmentStep[] = [];
  for (const [orderId, docs] of byOrder) {
    // The newest waybill of the order's documents: the one a person wrote last.
    const withWaybill = docs
      .filter((d) => d.waybill.trim() !== '')
      .sort((a, b) => (a.modifiedAt < b.modifiedAt ? 1 : -1));
    const waybill = withWaybill[0];
    const converted = docs.some((d) => !d.own);
    const status = furthest([
      waybill ? rules.onWaybill : null,
      converted ? rules.onConverted : null,
      ...docs.map((d) => attributeStatus(d.attribute, rules.attribute)),
    ]);
    if (!status && !waybill) continue;
    steps.push({
      orderId,
      status,
      shipment: waybill
        ? {
            waybill: waybill.waybill.trim(),
            carrierId: rules.carriers[String(waybill.carrierType)] ?? rules.defaultCarrier,
          }
        : null,
    });
  }
  return steps;
}
