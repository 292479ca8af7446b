import { expect } from 'chai';
import { overallStatus } from '../../../server/domain/public/overallStatus.js';

const run = (componentStatuses: string[], unresolvedImpacts: string[] = [], maintenanceInProgress = false) =>
  overallStatus({ componentStatuses, unresolvedImpacts, maintenanceInProgress });

describe('overallStatus (Statuspage status.indicator / description)', () => {
  it('all components operational, nothing open → none / All Systems Operational', () => {
    expect(run(['operational', 'operational'])).to.deep.equal({ indicator: 'none', description: 'All Systems Operational' });
    expect(run([])).to.deep.equal({ indicator: 'none', description: 'All Systems Operational' });
  });

  it('a degraded component with no incident → minor / Partially Degraded Service (as real pages word it)', () => {
    expect(run(['operational', 'degraded_performance'])).to.deep.equal({ indicator: 'minor', description: 'Partially Degraded Service' });
    expect(run(['degraded_performance'], [], true)).to.deep.equal({ indicator: 'minor', description: 'Partially Degraded Service' });
    // With a minor incident open it is an outage, not just degradation.
    expect(run(['degraded_performance'], ['minor'])).to.deep.equal({ indicator: 'minor', description: 'Minor Service Outage' });
  });

  it('a partial outage → major / Partial System Outage', () => {
    expect(run(['degraded_performance', 'partial_outage', 'operational'])).to.deep.equal({ indicator: 'major', description: 'Partial System Outage' });
  });

  it('a major outage → critical / Major Service Outage, whatever else is happening', () => {
    expect(run(['major_outage', 'partial_outage', 'degraded_performance'], ['minor'], true)).to.deep.equal({
      indicator: 'critical',
      description: 'Major Service Outage',
    });
  });

  it('maintenance in progress alone → maintenance / Service Under Maintenance', () => {
    expect(run(['operational'], [], true)).to.deep.equal({ indicator: 'maintenance', description: 'Service Under Maintenance' });
    // A component under maintenance reads the same way.
    expect(run(['under_maintenance', 'operational'])).to.deep.equal({ indicator: 'maintenance', description: 'Service Under Maintenance' });
  });

  it('maintenance plus a minor incident → minor (the worse wins)', () => {
    expect(run(['operational'], ['minor'], true)).to.deep.equal({ indicator: 'minor', description: 'Minor Service Outage' });
    expect(run(['under_maintenance'], ['minor'])).to.deep.equal({ indicator: 'minor', description: 'Minor Service Outage' });
  });

  it('unresolved incident impacts count even with every component operational', () => {
    expect(run(['operational'], ['minor'])).to.deep.equal({ indicator: 'minor', description: 'Minor Service Outage' });
    expect(run(['operational'], ['major'])).to.deep.equal({ indicator: 'major', description: 'Partial System Outage' });
    expect(run(['operational'], ['critical', 'minor'])).to.deep.equal({ indicator: 'critical', description: 'Major Service Outage' });
    // The incident is worse than the component.
    expect(run(['degraded_performance'], ['major'])).to.deep.equal({ indicator: 'major', description: 'Partial System Outage' });
  });

  it("a sev4 'none' impact changes nothing", () => {
    expect(run(['operational'], ['none'])).to.deep.equal({ indicator: 'none', description: 'All Systems Operational' });
    expect(run(['operational'], ['none'], true)).to.deep.equal({ indicator: 'maintenance', description: 'Service Under Maintenance' });
    expect(run(['degraded_performance'], ['none', 'none'])).to.deep.equal({ indicator: 'minor', description: 'Partially Degraded Service' });
  });
});
