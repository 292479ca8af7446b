// Pure rule for the page's overall status line (Statuspage's status.indicator / description).

export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

export const DESCRIPTION: Record<Indicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
  maintenance: 'Service Under Maintenance',
};

const RANK: Record<Indicator, number> = { none: 0, maintenance: 1, minor: 2, major: 3, critical: 4 };

const FROM_COMPONENT: Record<string, Indicator> = {
  operational: 'none',
  under_maintenance: 'maintenance',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};
const FROM_IMPACT: Record<string, Indicator> = { none: 'none', minor: 'minor', major: 'major', critical: 'critical' };

/**
 * The worst of unresolved incident impacts and component statuses; `maintenance` only when the
 * worst thing happening is maintenance in progress.
 */
export function overallStatus(input: {
  componentStatuses: string[];
  unresolvedImpacts: string[];
  maintenanceInProgress: boolean;
}): { indicator: Indicator; description: string } {
  let worst: Indicator = input.maintenanceInProgress ? 'maintenance' : 'none';
  const consider = (i: Indicator | undefined) => {
    if (i && RANK[i] > RANK[worst]) worst = i;
  };
  input.componentStatuses.forEach((s) => consider(FROM_COMPONENT[s]));
  input.unresolvedImpacts.forEach((s) => consider(FROM_IMPACT[s]));
  return { indicator: worst, description: DESCRIPTION[worst] };
}
