import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { FaultBook } from '../core/fault-book.js';
import { FaultRuleSpecSchema, type FaultRuleSpec } from '../core/fault-rule-spec.js';

const FaultIdParamsSchema = Type.Object({ id: Type.String({ minLength: 1 }) });

/**
 * The fault rules of the running cloud (docs/faults.md), over the controller API:
 *   GET    /v1/faults       every rule with its hits and state (FaultRuleView[])
 *   POST   /v1/faults       adds one rule (body: the file form, FaultRuleSpecSchema) → 201 FaultRuleView
 *   DELETE /v1/faults/:id   removes one → { removed: [id] } (404 MC_ERR_FAULT_NOT_FOUND)
 *   DELETE /v1/faults       removes all → { removed: [ids] }
 * A malformed rule is a 400 MC_ERR_FAULT_RULE_INVALID, a taken id 409 MC_ERR_FAULT_ID_TAKEN.
 */
export function registerFaultRoutes(app: FastifyInstance, faults: FaultBook): void {
  app.get('/v1/faults', async () => faults.list());
  app.post<{ Body: FaultRuleSpec }>('/v1/faults', { schema: { body: FaultRuleSpecSchema } }, async (req, reply) => reply.status(201).send(faults.add(req.body, 'POST /v1/faults')));
  app.delete<{ Params: Static<typeof FaultIdParamsSchema> }>('/v1/faults/:id', { schema: { params: FaultIdParamsSchema } }, async (req) => ({ removed: [faults.remove(req.params.id).id] }));
  app.delete('/v1/faults', async () => ({ removed: faults.clear() }));
}
