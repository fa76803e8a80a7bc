import { defineError, ExitCode } from '../define-error.js';

/** Errors of cloud events (docs/events.md): `minicloud event …` and /v1/cloud-events. */
export const eventErrors = {
  cloudEventInvalid: defineError('MC_ERR_EVENT_INVALID', {
    summary: 'A cloud event was asked for with a time or duration it cannot have: a maintenance window that starts in the past or has no length, a time more than 5 weeks ahead.',
    exit: ExitCode.usage,
    http: 400,
    message: (what: string, reason: string) => `${what}: ${reason}`,
    hint: () => 'Times are UTC (2030-01-02T03:04:05Z) or a delay from now (90s, 10m, 2h); see docs/events.md.',
  }),
  cloudEventNotFound: defineError('MC_ERR_EVENT_NOT_FOUND', {
    summary: 'No instance of the cloud has a cloud event with the id given to `event cancel` or DELETE /v1/cloud-events/:id.',
    exit: ExitCode.usage,
    http: 404,
    message: (id: string) => `no cloud event ${id}`,
    hint: () => '`minicloud event ls` lists the events and their ids (instance-event-…).',
  }),
  cloudEventNotPending: defineError('MC_ERR_EVENT_NOT_PENDING', {
    summary: 'A cloud event cannot be canceled any more: the cloud acted on it, its maintenance window ended, or it was canceled already.',
    exit: ExitCode.usage,
    http: 409,
    message: (id: string, status: string) => `cloud event ${id} is ${status}: only a scheduled, announced or due event can be canceled`,
    hint: () => '`minicloud event ls` shows each event’s status.',
  }),
  cloudEventInstanceState: defineError('MC_ERR_EVENT_INSTANCE_STATE', {
    summary: 'A cloud event was asked for an instance the cloud is not running (stopped, failed or being deleted).',
    exit: ExitCode.usage,
    http: 409,
    message: (name: string, state: string) => `${name} is ${state}: cloud events are for running instances`,
    hint: () => '`minicloud ls` shows each instance’s state.',
  }),
};
