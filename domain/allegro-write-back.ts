/**
 * zod schemas for Allegro's answers when we write back (issue 13): offer change commands and
 * their tasks, tracking numbers and carriers (CONTRACT.md §5–6), in the style of allegro.ts:
 * optional fields accept null, statuses stay open strings, unknown fields are dropped.
 */
import { z } from 'zod';
import { AllegroApiErrorSchema } from './allegro';

const opt = <T extends z.ZodType>(schema: T) => schema.nullish();
const count = opt(z.number().int().nonnegative());

/** `GeneralReport` of a quantity or price command; `completedAt` null while Allegro still works on it. */
export const CommandReportSchema = z.object({
  id: z.string(),
  createdAt: opt(z.string()),
  completedAt: opt(z.string()),
  taskCount: opt(z.object({ total: count, success: count, failed: count })),
});
export type CommandReport = z.output<typeof CommandReportSchema>;

/** `TaskReport`: one task per offer; status NEW, SUCCESS or FAIL. */
export const CommandTasksSchema = z.object({
  tasks: z.array(
    z.object({
      offer: z.object({ id: z.string() }),
      status: z.string(),
      field: opt(z.string()),
      message: opt(z.string()),
      errors: opt(z.array(AllegroApiErrorSchema)),
    }),
  ),
});
export type CommandTask = z.output<typeof CommandTasksSchema>['tasks'][number];

export const ShipmentSchema = z.object({
  id: opt(z.string()),
  waybill: z.string(),
  carrierId: z.string(),
  carrierName: opt(z.string()),
  createdAt: opt(z.string()),
});
export type Shipment = z.output<typeof ShipmentSchema>;

export const ShipmentListSchema = z.object({ shipments: z.array(ShipmentSchema) });

export const CarriersSchema = z.object({ carriers: z.array(z.object({ id: z.string(), name: opt(z.string()) })) });

/** Allegro's reason for a failed task, for a person: the errors' user messages, else the task's message. */
export function taskReason(task: CommandTask): string {
  const messages = (task.errors ?? []).map((e) => e.userMessage ?? e.message).filter((m): m is string => !!m);
  return messages.length > 0 ? messages.join('; ') : (task.message ?? `status ${task.status}`);
}
