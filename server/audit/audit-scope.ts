// Who sees which audit entries. Readers allowed everything (the caller decides
// who, from the permissions) see every entry; other readers see the entries
// about incident work. Which target types are incident work is not written
// here: each module registers the target types it owns at start.

/** null = everything; otherwise the target types the reader may see. */
export type AuditScope = readonly string[] | null;

export function createAuditScopes() {
  const incidentWork = new Set<string>();
  return {
    /** A module declares that entries about these target types concern incident work. */
    registerIncidentWork(...targetTypes: string[]): void {
      for (const t of targetTypes) incidentWork.add(t);
    },
    /** The scope of a reader: `readAll` is the caller's permission decision. */
    scopeFor(readAll: boolean): AuditScope {
      return readAll ? null : [...incidentWork].sort();
    },
  };
}

export type AuditScopes = ReturnType<typeof createAuditScopes>;

export function inScope(scope: AuditScope, targetType: string | null): boolean {
  return scope === null || (targetType !== null && scope.includes(targetType));
}
