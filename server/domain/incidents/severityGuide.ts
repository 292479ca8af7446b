// The seed's "incidents and response" table, in the words staff see when choosing a severity.
export const SEVERITY_GUIDE = [
  {
    severity: 1,
    impact: 'critical',
    summary: 'The service is not available or is unusable.',
    examples: 'The site is not responding; all text on the site is being translated into elven runes.',
  },
  {
    severity: 2,
    impact: 'major',
    summary: 'Service or performance is substantially degraded in a way that prevents normal use.',
    examples: 'Search only finds items with the search terms in the title; the app cannot be used with the browser version that came out today.',
  },
  {
    severity: 3,
    impact: 'minor',
    summary: 'A service not essential to the main functionality is unavailable or degraded.',
    examples: 'Activity indicators are not showing who is active; updates take 30 seconds to reach other viewers.',
  },
  {
    severity: 4,
    impact: 'none',
    summary: 'Minor or cosmetic issues, and all feature requests. Resolution at the team’s discretion.',
    examples: 'Background images are not scaling properly; a feature request for dependencies between items.',
  },
] as const;
