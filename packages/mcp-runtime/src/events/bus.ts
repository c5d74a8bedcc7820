/**
 * The contract between what changes a service's state (tools, the database, other replicas) and what tells
 * clients about it (`subscriptions/listen` streams). One interface so that the in-process bus and the
 * cross-replica buses (PostgreSQL LISTEN/NOTIFY, Redis) are interchangeable.
 */
export type ServiceEvent =
  | { readonly type: 'tools/list_changed' }
  | { readonly type: 'resources/list_changed' }
  | { readonly type: 'prompts/list_changed' }
  | { readonly type: 'resources/updated'; readonly uri: string }
  /** A service's own event; `name` is namespaced by the service (`orders.shipped`). */
  | { readonly type: 'custom'; readonly name: string; readonly payload?: unknown };

export type ServiceEventListener = (event: ServiceEvent) => void;

export interface EventBus {
  /** Resolves once the event is handed to every replica's transport (at-least-once while connected). */
  publish(event: ServiceEvent): Promise<void>;
  /** Returns the unsubscribe function. Listeners must not throw; a throw is logged and dropped. */
  subscribe(listener: ServiceEventListener): () => void;
  close(): Promise<void>;
}

/** The bus of a single process: PGlite services, services without a database, and tests. */
export function createInProcessBus(onListenerError?: (error: unknown) => void): EventBus {
  const listeners = new Set<ServiceEventListener>();
  return {
    async publish(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          onListenerError?.(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}
