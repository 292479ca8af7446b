// Pure rule for the page's overall status line (Statuspage's status.indicator / description).

export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

/** The words real Statuspage pages use for each indicator. */
export const DESCRIPTION: Record<Indicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
  maintenance: 'Service Under Maintenance',
};
/** `minor` when it comes only from components in degraded performance, with no incident behind it. */
export const DEGRADED_DESCRIPTION = 'Partially Degraded Service';

const RANK: Record<Indicator, number> = { none: 0, maintenance: 1, minor: 2, major: 3, critical: 4 };

const FROM_COMPONENT: Record<string, Indicator> = {
  operational: 'none',
  under_maintenance: 'maintenance',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};
const FROM_IMPACT: Record<string, Indicator> = { none: 'none', minor: 'minor', major: 'major', critical: 'critical' };

const worstOf = (start: Indicator, all: (Indicator | undefined)[]): Indicator =>
  all.reduce<Indicator>((worst, i) => (i && RANK[i] > RANK[worst] ? i : worst), start);

/**
 * The worst of unresolved incident impacts and component statuses; `maintenance` only when the
 * worst thing happening is maintenance in progress.
 */
export function overallStatus(input: {
  componentStatuses: string[];
  unresolvedImpacts: string[];
  maintenanceInProgress: boolean;
}): { indicator: Indicator; description: string } {
  const fromIncidents = worstOf('none', input.unresolvedImpacts.map((s) => FROM_IMPACT[s]));
  const worst = worstOf(input.maintenanceInProgress ? 'maintenance' : 'none', [fromIncidents, ...input.componentStatuses.map((s) => FROM_COMPONENT[s])]);
  const degradedOnly = worst === 'minor' && RANK[fromIncidents] < RANK.minor;
  return { indicator: worst, description: degradedOnly ? DEGRADED_DESCRIPTION : DESCRIPTION[worst] };
}
