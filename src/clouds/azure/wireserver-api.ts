import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../errors/catalogue.js';
import type { EventBus } from '../../events/event-bus.js';
import type { MetadataApi } from '../../metadata/metadata-api.js';
import { ROUTE_METHODS, isReadMethod, sendBody, sendError, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../../metadata/reply-helpers.js';
import type { Clock } from '../../ports/clock.js';
import { goalStateIds, goalStateXml, parseHealthReport, wireserverVersionsXml } from './wireserver-documents.js';

const FLAVOUR = 'azure-wireserver';
const XML_TYPE = 'text/xml; charset=utf-8';
/** The longest failure description a guest's report is shown with (cloud-init trims its own at 512). */
const DETAIL_MAX = 512;

/**
 * Azure's wireserver, which the guest reaches at 168.63.129.16:80 (the network plane DNATs it to this
 * server, which tells it from IMDS by path): `GET /?comp=versions`, `GET /machine/?comp=goalstate`, and
 * `POST /machine?comp=health`, by which cloud-init (and WALinuxAgent) report the VM ready. Until that
 * report is answered cloud-init retries it for 20 minutes, so this is what lets an Azure guest finish
 * provisioning. `/machine` requests need `x-ms-version` (400 otherwise). A health report is answered
 * 200 with no body, as the wireserver does, and published as `instance.reported` (the controller's readiness
 * stage `reported-ready`; the request log records it too). `POST /machine?comp=telemetrydata` (WALinuxAgent's
 * events) is accepted and dropped.
 */
export const wireserverApi: MetadataApi = {
  name: FLAVOUR,
  plugin: async (app, ctx) => wireserverPlugin(app, ctx.bus, ctx.clock),
};

type Query = Record<string, string | string[] | undefined>;

function wireserverPlugin(app: FastifyInstance, bus: EventBus, clock: Clock): void {
  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    answer(request, reply);
  };
  // ignoreTrailingSlash: `/machine` and `/machine/` are one route (cloud-init asks both forms).
  app.route({ method: ROUTE_METHODS, url: '/', config: { flavour: FLAVOUR }, handler });
  app.route({ method: ROUTE_METHODS, url: '/machine', config: { flavour: FLAVOUR }, handler });

  function answer(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const view = viewOrNotFound(request, reply, FLAVOUR);
    if (view === null) return reply;
    const comp = (request.query as Query)['comp'];
    const isRoot = request.url.split('?')[0] === '/';
    if (isRoot) {
      if (comp !== 'versions') return sendNotFound(request, reply);
      if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, 'GET, HEAD');
      return sendBody(reply, wireserverVersionsXml(), XML_TYPE);
    }
    if (request.headers['x-ms-version'] === undefined) return sendError(reply, errors.wireserverBadRequest('the x-ms-version header is required'));
    switch (comp) {
      case 'goalstate':
        if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, 'GET, HEAD');
        return sendBody(reply, goalStateXml(goalStateIds(view.instance)), XML_TYPE);
      case 'health': {
        if (request.method !== 'POST') return sendMethodNotAllowed(request, reply, 'POST');
        const body = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
        const report = parseHealthReport(body);
        if (report === null) return sendError(reply, errors.wireserverBadRequest('the health report is not a Health document with a State'));
        const ready = report.state === 'Ready';
        const detail = ready ? null : [report.state, report.substatus, report.description].filter((s) => s !== null && s !== '').join(': ').slice(0, DETAIL_MAX);
        bus.publish({ type: 'instance.reported', at: clock.now(), instanceId: view.instance.id, state: ready ? 'ready' : 'not-ready', detail });
        return reply.code(200).send();
      }
      case 'telemetrydata':
        if (request.method !== 'POST') return sendMethodNotAllowed(request, reply, 'POST');
        return reply.code(200).send();
      default:
        return sendError(reply, errors.wireserverBadRequest(`unknown comp ${JSON.stringify(typeof comp === 'string' ? comp : '')}`));
    }
  }
}
