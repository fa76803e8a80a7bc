import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { InstanceViews } from './instance-views.js';
import type { CloudMetadata, MetadataContext } from './metadata-api.js';
import { sourceAddress } from './request-context.js';

/**
 * The router constraint `cloud`: a request is routed among the routes of the cloud its source address
 * belongs to (the instance's datasource), so each cloud's APIs answer only that cloud's instances and
 * two clouds may share a path. A source no instance owns derives '', matches no route and gets the
 * not-found handler (the onRequest hook refuses it first).
 */
type ConstraintStrategy = NonNullable<NonNullable<FastifyServerOptions['routerOptions']>['constraints']>[string];
type RouteHandler = ReturnType<ReturnType<ConstraintStrategy['storage']>['get']>;

export function cloudConstraint(views: InstanceViews): ConstraintStrategy {
  return {
    name: 'cloud',
    mustMatchWhenDerived: true,
    storage() {
      const handlers = new Map<string, NonNullable<RouteHandler>>();
      return {
        get: (cloud) => handlers.get(cloud) ?? null,
        set: (cloud, handler) => void handlers.set(cloud, handler),
      };
    },
    validate(value) {
      if (typeof value !== 'string') throw new TypeError(`cloud constraint must be a cloud name, got ${String(value)}`);
    },
    deriveConstraint(req) {
      try {
        // '' is no cloud's name: a source no instance owns matches no route.
        return views.forSource(sourceAddress(req.socket.remoteAddress))?.instance.datasource ?? '';
      } catch {
        // The store failed. Routing cannot report it; the onRequest hook asks the store again, meets the
        // same failure and answers it through the error handler (a coded 500 and a notice event).
        return '';
      }
    },
  };
}

/**
 * Registers every cloud's APIs, each cloud in a scope of its own whose routes all carry the constraint
 * `cloud: <name>`; an API served by several clouds (Nova's EC2 tree) is registered once per cloud.
 */
export function registerCloudApis(app: FastifyInstance, clouds: readonly CloudMetadata[], context: MetadataContext): void {
  for (const { cloud, apis } of clouds) {
    app.register(async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.constraints = { ...route.constraints, cloud };
      });
      for (const api of apis) await scope.register(async (apiScope) => api.plugin(apiScope, context));
    });
  }
}
