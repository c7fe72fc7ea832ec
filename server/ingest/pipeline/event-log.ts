// An in-process signal that the access-event log grew: ingest notifies after
// each commit; the detector wakes on it instead of waiting for its next poll.
export interface EventLogSignal {
  /** Called by ingest after a commit, with the highest committed event id. */
  notify(lastEventId: number): void;
  subscribe(listener: (lastEventId: number) => void): () => void;
}

export function createEventLogSignal(): EventLogSignal {
  const listeners = new Set<(lastEventId: number) => void>();
  return {
    notify(lastEventId) {
      for (const l of listeners) l(lastEventId);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
