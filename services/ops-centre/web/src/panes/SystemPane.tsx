import { useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorNote, Section } from '../components';
import { fmtInstant } from '../time.format';

interface SystemView {
  at: string;
  services: {
    name: string;
    url: string;
    status: string;
    httpStatus: number | null;
    outboxBacklog: number | null;
    deadLettersOfOwnTopics: number | null;
    outstandingDeadLettersOfOwnTopics: number | null;
    tooOldDeadLettersOfOwnTopics: number | null;
    deadLetterTopics: string[];
    consumesEvents: boolean;
  }[];
  consumerGroups: {
    groupId: string;
    consumesEvents: boolean;
    state: string;
    members: { memberId: string; clientId: string; host: string }[];
    lag: { topic: string; partition: number; committed: number; end: number; lag: number }[];
    totalLag: number | null;
    lagError: string | null;
  }[];
  deadLetters: Record<string, number | null>;
  outstandingDeadLetters: Record<string, number | null>;
  tooOldDeadLetters: Record<string, number | null>;
  redrivesUnknown: string | null;
}

const STATUS_TEXT: Record<string, string> = { up: '✔ up', down: '✖ down', unreachable: '⚠ unreachable' };

/**
 * A group whose service consumes nothing by design is named apart while it has no member: the broker
 * calls it Dead, exactly as it calls a consumer that crashed. One with members is shown in full.
 */
const noConsumerByDesign = (g: SystemView['consumerGroups'][number]) => !g.consumesEvents && g.members.length === 0;

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
              <tr><th scope="col">Service</th><th scope="col">Health</th><th scope="col">Outbox backlog</th><th scope="col">Dead letters of events on its topics: outstanding / too old / kept</th><th scope="col">URL</th></tr>
            </thead>
            <tbody>
              {view.services.map((s) => (
                <tr key={s.name}>
                  <th scope="row">{s.name}</th>
                  <td className={`health-${s.status}`}>{STATUS_TEXT[s.status] ?? s.status}{s.httpStatus ? ` (${s.httpStatus})` : ''}</td>
                  <td>{s.outboxBacklog ?? '–'}</td>
                  <td title={s.deadLetterTopics.join(', ')} data-testid={`dead-letters-${s.name}`}>
                    {s.outstandingDeadLettersOfOwnTopics ?? <span title={view.redrivesUnknown ?? 'a dead-letter topic could not be read'}>unknown</span>} outstanding
                    {' / '}
                    {s.tooOldDeadLettersOfOwnTopics ?? <span title={view.redrivesUnknown ?? 'a dead-letter topic could not be read'}>unknown</span>} too old
                    {' / '}
                    {s.deadLettersOfOwnTopics ?? <span title="a dead-letter topic could not be read">unknown</span>} kept
                  </td>
                  <td className="mono">{s.url}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted" data-testid="dead-letters-note">
            Dead letters of events on its topics: events this service published that a consumer, of any service, could not
            process and set aside on the topic's dead-letter topic ({'<topic>.dlq'}). They are not letters this service wrote;
            each letter names the consumer that set it aside (<span className="mono">npm run dlq</span>). A letter stays on its
            dead-letter topic for the topic's retention (30 days), redriven or not: outstanding counts the letters not redriven
            yet, too old those not redriven whose event was first published over 37 days ago (no redrive sends them: consumers
            may have forgotten the event and would apply it twice), kept counts them all. An event several consumers set aside has a letter from each, and one redrive answers
            for them all.
          </p>
          <h3>Consumer groups</h3>
          {view.consumerGroups.filter(noConsumerByDesign).length > 0 && (
            <ul data-testid="no-consumer">
              {view.consumerGroups.filter(noConsumerByDesign).map((g) => (
                // Whether it publishes is not the group's to say: electoral-support and partnerships consume
                // and publish nothing so far, and "it publishes events" sent an engineer looking for them.
                <li key={g.groupId}><strong>{g.groupId}</strong> · no consumer (by design): the service consumes no events</li>
              ))}
            </ul>
          )}
          {view.consumerGroups.filter((g) => !noConsumerByDesign(g)).map((g) => (
            <details key={g.groupId} open={g.groupId === 'ops-centre'} data-group={g.groupId}>
              <summary>
                <strong>{g.groupId}</strong> · {g.state} · {g.members.length} member(s){!g.consumesEvents && ' (though it consumes nothing by design)'} · total lag {g.totalLag ?? <span className="error">unknown ({g.lagError})</span>}
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
