/** Prometheus text exposition: one gauge or counter per line, with HELP and TYPE. */
export interface Metric {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: Array<{ labels?: Record<string, string>; value: number }>;
}

function labelText(labels: Record<string, string> | undefined): string {
  if (!labels || Object.keys(labels).length === 0) return '';
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',')}}`;
}

export function renderMetrics(metrics: readonly Metric[]): string {
  return (
    metrics
      .map((m) => [`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`, ...m.samples.map((s) => `${m.name}${labelText(s.labels)} ${s.value}`)].join('\n'))
      .join('\n') + '\n'
  );
}
