import { useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorNote, Section } from '../components';
import { fmtInstant } from '../time.format';

interface SystemView {
  at: string;
  services: { name: string; url: string; status: string; httpStatus: number | null; outboxBacklog: number | null; dlqCount: number | null }[];
  consumerGroups: {
    groupId: string;
    state: string;
    members: { memberId: string; clientId: string; host: string }[];
    lag: { topic: string; partition: number; committed: number; end: number; lag: number }[];
    totalLag: number | null;
    lagError: string | null;
  }[];
  deadLetters: Record<string, number | null>;
}

const STATUS_TEXT: Record<string, string> = { up: '✔ up', down: '✖ down', unreachable: '⚠ unreachable' };

export function SystemPane() {
  const [view, setView] = useState<SystemView | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const load = () => api<SystemView>('/system').then((v) => (setView(v), setError(null)), setError);
    void load();
    const t = setInterval(load, 5_000);
    return () => clearInterval(t);
  }, []);
  return (
    <Section title="System" actions={<span className="muted">refreshed every 5 s{view ? ` · ${fmtInstant(view.at)}` : ''}</span>}>
      <ErrorNote error={error} />
      {view && (
        <>
          <h3>Services</h3>
          <table data-testid="system-services">
            <thead>
              <tr><th scope="col">Service</th><th scope="col">Health</th><th scope="col">Outbox backlog</th><th scope="col">Dead letters</th><th scope="col">URL</th></tr>
            </thead>
            <tbody>
              {view.services.map((s) => (
                <tr key={s.name}>
                  <th scope="row">{s.name}</th>
                  <td className={`health-${s.status}`}>{STATUS_TEXT[s.status] ?? s.status}{s.httpStatus ? ` (${s.httpStatus})` : ''}</td>
                  <td>{s.outboxBacklog ?? '–'}</td>
                  <td>{s.dlqCount ?? <span title="a dead-letter topic could not be read">unknown</span>}</td>
                  <td className="mono">{s.url}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Consumer groups</h3>
          {view.consumerGroups.map((g) => (
            <details key={g.groupId} open={g.groupId === 'ops-centre'}>
              <summary>
                <strong>{g.groupId}</strong> · {g.state} · {g.members.length} member(s) · total lag {g.totalLag ?? <span className="error">unknown ({g.lagError})</span>}
              </summary>
              <ul>{g.members.map((m) => <li key={m.memberId} className="mono">{m.clientId} @ {m.host}</li>)}</ul>
              <table>
                <thead><tr><th scope="col">Topic</th><th scope="col">Partition</th><th scope="col">Committed</th><th scope="col">End</th><th scope="col">Lag</th></tr></thead>
                <tbody>
                  {g.lag.map((l) => (
                    <tr key={`${l.topic}-${l.partition}`}><td>{l.topic}</td><td>{l.partition}</td><td>{l.committed}</td><td>{l.end}</td><td>{l.lag}</td></tr>
                  ))}
                </tbody>
              </table>
            </details>
          ))}
        </>
      )}
    </Section>
  );
}
