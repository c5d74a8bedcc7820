import type { ServerEvent, ServerEventBus } from '@modelcontextprotocol/server';
import type { EventBus, ServiceEvent } from './bus.js';

/** The list changes by their name on the service's bus and in the SDK's ServerEvent. */
const LIST_CHANGES = [
  ['tools/list_changed', 'tools_list_changed'],
  ['prompts/list_changed', 'prompts_list_changed'],
  ['resources/list_changed', 'resources_list_changed'],
] as const;

/** The SDK's change event for `subscriptions/listen`; custom events have no wire notification. */
function toServerEvent(event: ServiceEvent): ServerEvent | undefined {
  if (event.type === 'resources/updated') return { kind: 'resource_updated', uri: event.uri };
  const kind = LIST_CHANGES.find(([type]) => type === event.type)?.[1];
  return kind === undefined ? undefined : { kind };
}

function toServiceEvent(event: ServerEvent): ServiceEvent {
  if (event.kind === 'resource_updated') return { type: 'resources/updated', uri: event.uri };
  const [type] = LIST_CHANGES.find(([, kind]) => kind === event.kind)!;
  return { type };
}

/**
 * The service's EventBus as the SDK's `subscriptions/listen` source: the SDK keeps the wire semantics
 * (acknowledgement, filters, subscription ids), the bus decides which replicas hear an event.
 */
export function toServerEventBus(bus: EventBus, onError: (error: unknown) => void): ServerEventBus {
  return {
    publish(event) {
      bus.publish(toServiceEvent(event)).catch(onError);
    },
    subscribe(listener) {
      return bus.subscribe((event) => {
        const serverEvent = toServerEvent(event);
        if (serverEvent !== undefined) listener(serverEvent);
      });
    },
  };
}
