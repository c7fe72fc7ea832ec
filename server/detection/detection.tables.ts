/** An admin's change to a YAML rule; null columns keep the YAML value. */
export interface RuleOverridesTable {
  ruleId: string;
  enabled: number | null;
  severity: string | null;
  threshold: number | null;
  windowMs: number | null;
  /** JSON object of param name → number. */
  params: string | null;
  updatedAt: number;
  updatedBy: string;
}

/** The detector's cursor, committed with the alerts it raised; and a snapshot of its state at `snapshotCursor`. */
export interface DetectorStateTable {
  name: string;
  cursor: number;
  snapshotCursor: number | null;
  snapshot: string | null;
  updatedAt: number;
}

export interface DetectionTables {
  rule_overrides: RuleOverridesTable;
  detector_state: DetectorStateTable;
}
